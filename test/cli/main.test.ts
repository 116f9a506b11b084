/**
 * `nta-watch --help` names every sub-command the dispatcher accepts, so a
 * command cannot be reachable and missing from the help (demo was); and
 * every sub-command answers -h/--help with its own usage on standard output
 * and exit status 0 (status and check answered "Unknown option '--help'",
 * demo "unknown option" with 2).
 */

import { afterEach, describe, expect, it, vi } from "vitest";
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

describe("nta-watch <command> --help", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs the dispatcher with everything written to stdout and stderr captured. */
  async function captured(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      err.push(String(chunk));
      return true;
    });
    const status = await main(argv);
    vi.restoreAllMocks();
    return { status, out: out.join(""), err: err.join("") };
  }

  it("the dispatcher accepts the sub-commands the trial used", () => {
    expect(COMMAND_NAMES).toEqual(
      expect.arrayContaining(["status", "check", "serve", "demo", "incident", "verify-zone"]),
    );
  });

  it.each(COMMAND_NAMES.flatMap((name) => [[name, "--help"] as const, [name, "-h"] as const]))(
    "%s %s prints its usage on stdout and exits 0",
    async (name, flag) => {
      const r = await captured([name, flag]);
      expect(r.err).toBe("");
      expect(r.out.startsWith(`usage: nta-watch ${name} `)).toBe(true);
      expect(r.status).toBe(0);
    },
  );

  it("--help wins over missing arguments and an environment without a token", async () => {
    const token = process.env.NTA_WATCH_TOKEN;
    delete process.env.NTA_WATCH_TOKEN;
    try {
      const r = await captured(["approve", "--help"]);
      expect(r).toMatchObject({ status: 0, err: "" });
      expect(r.out).toContain("usage: nta-watch approve ZONE --reason TEXT");
    } finally {
      if (token !== undefined) process.env.NTA_WATCH_TOKEN = token;
    }
  });
});
