// French strings of the "lifecycle" section (the reference; en/lifecycle.ts mirrors its keys).

const lifecycle = {} as const;

export default lifecycle;
