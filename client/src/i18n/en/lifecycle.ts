// English strings of the "lifecycle" section, typed against the French reference.

import type { Messages } from "../fr";

const lifecycle: Messages["lifecycle"] = {};

export default lifecycle;
