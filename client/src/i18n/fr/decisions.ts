// French strings of the "decisions" section (the reference; en/decisions.ts mirrors its keys).

const decisions = {} as const;

export default decisions;
