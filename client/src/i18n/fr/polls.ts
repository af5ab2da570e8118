// French strings of the "polls" section (the reference; en/polls.ts mirrors its keys).

const polls = {} as const;

export default polls;
