/**
 * `nta-watch --help` names every sub-command the dispatcher accepts, so a
 * command cannot be reachable and missing from the help (demo was).
 */

import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, main, usage } from "../../src/cli/main.js";

describe("nta-watch --help", () => {
  it("lists every sub-command the dispatcher accepts, each at the start of a line", () => {
    const listed = usage()
      .split("\n")
      .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(new Set(listed)).toEqual(new Set(COMMAND_NAMES));
  });

  it("exits 2 on an unknown command, 0 for --help", async () => {
    const log = console.log;
    const error = console.error;
    console.log = () => undefined;
    console.error = () => undefined;
    try {
      expect(await main(["no-such-command"])).toBe(2);
      expect(await main(["--help"])).toBe(0);
    } finally {
      console.log = log;
      console.error = error;
    }
  });
});
