// English strings of the "decisions" section, typed against the French reference.

import type { Messages } from "../fr";

const decisions: Messages["decisions"] = {};

export default decisions;
