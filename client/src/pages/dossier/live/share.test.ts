import { describe, expect, it } from "vitest";
import { share } from "./share";

describe("share", () => {
  it("rounds to a whole percent", () => {
    expect(share(62, 100)).toBe("62 %");
    expect(share(2, 3)).toBe("67 %");
  });

  it("never shows a writer's few characters as 0 %", () => {
    expect(share(1, 1000)).toBe("<1 %");
    expect(share(0, 1000)).toBe("0 %");
  });

  it("has nothing to share in an empty answer", () => {
    expect(share(0, 0)).toBe("0 %");
  });
});
