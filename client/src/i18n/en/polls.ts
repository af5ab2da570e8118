// English strings of the "polls" section, typed against the French reference.

import type { Messages } from "../fr";

const polls: Messages["polls"] = {};

export default polls;
