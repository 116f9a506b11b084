/**
 * The operator commands against a listening API over a real socket: status,
 * confirm, approve (RFC 7646 §2.1, a person's act), extend, retract, reject
 * and the incident report; human text and --json; exit status 0 when done,
 * 1 when the API refuses or cannot be reached, 2 for a usage error.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runOperator, type OperatorIo } from "../../src/cli/operator.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { applyEvent, applyRound } from "../../src/service/apply.js";
import { makeRound } from "../assess/synthetic.js";
import { makeApi, NOW, TOKENS } from "../http/support.js";
import { assessment } from "../lifecycle/support.js";

let api: ReturnType<typeof makeApi>;
let url: string;
let io: OperatorIo & { stdout: string[]; stderr: string[] };

const secret = (name: string) => TOKENS.find((t) => t.name === name)!.secret;

beforeEach(async () => {
  api = makeApi();
  await api.app.listen({ host: "127.0.0.1", port: 0 });
  url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  const stdout: string[] = [];
  const stderr: string[] = [];
  io = {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env: { NTA_WATCH_URL: url, NTA_WATCH_TOKEN: secret("alice") },
  };
});
afterEach(() => api.close());

function propose() {
  const a = assessment({ zone: "example.", at: NOW, w: true, c: true, n: false });
  applyEvent(api.store, "example.", { type: "round", assessment: a }, NOW, T);
  const all = assessment({ zone: "example.", at: NOW, w: true, c: true, n: true });
  applyEvent(api.store, "example.", { type: "round", assessment: all }, NOW, T);
}

describe("status", () => {
  it("lists every zone with its phase; --json gives the API's answer", async () => {
    propose();
    expect(await runOperator("status", [], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/^de\.\s+healthy/m);
    expect(text).toMatch(/^example\.\s+proposed .*proposed lifetime 86400 s/m);
    io.stdout.length = 0;
    expect(await runOperator("status", ["--json"], io)).toBe(0);
    const json = JSON.parse(io.stdout[0]!);
    expect(json.zones.map((z: { zone: string }) => z.zone)).toEqual(["de.", "example."]);
  });

  it("one zone shows its three preconditions, or says it is not assessed yet", async () => {
    propose();
    expect(await runOperator("status", ["example"], io)).toBe(0);
    expect(io.stdout.join("\n")).toContain("not assessed yet");
    applyRound(api.store, makeRound({ zone: "de.", at: NOW }), NOW, T);
    expect(await runOperator("status", ["de."], io)).toBe(0);
    const lines = io.stdout.at(-1)!.split("\n");
    expect(lines[0]).toMatch(/^de\.\s+healthy/);
    expect(lines.slice(1).map((l) => l.trim().replace(/:.*/, ""))).toEqual([
      "[not met] widespread",
      "[not met] publicly confirmed",
      expect.stringMatching(/^\[(not met|met)\]\s+no security value$/),
    ]);
  });
});

describe("acts", () => {
  it("confirm records the reference; approve makes the NTA active with the proposal's lifetime or the one given", async () => {
    expect(
      await runOperator("confirm", ["de", "--reference", "https://status.denic.example/1"], io),
    ).toBe(0);
    expect(io.stdout.at(-1)).toBe("confirmation for de. recorded (zone healthy)");
    propose();
    expect(
      await runOperator(
        "approve",
        ["example.", "--reason", "registry confirmed", "--lifetime", "6h"],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.at(-1)).toMatch(
      /^approved: example\.\s+active .*NTA by alice until 2026-05-05T18:00:00Z: registry confirmed/,
    );
    expect(api.store.ntas({ inForce: true })[0]).toMatchObject({
      approvedBy: "alice",
      expiresAt: NOW + 6 * 3600,
    });
  });

  it("extend and retract act on the active NTA; each is audited under the token's name", async () => {
    propose();
    await runOperator("approve", ["example.", "--reason", "r"], io);
    expect(
      await runOperator("extend", ["example.", "--lifetime", "2d", "--reason", "still broken"], io),
    ).toBe(0);
    expect(api.store.ntas({ inForce: true })[0]!.expiresAt).toBe(NOW + 2 * 86400);
    expect(await runOperator("retract", ["example.", "--reason", "fixed"], io)).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^retracted: example\.\s+retracted/);
    const acts = api.store
      .audit()
      .filter((a) => a.actor === "alice")
      .map((a) => a.action);
    expect(acts).toEqual(["approve", "extend", "retract"]);
  });

  it("reject with a token from a file", async () => {
    propose();
    const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-op-"));
    const file = path.join(dir, "token");
    writeFileSync(file, `${secret("bob")}\n`);
    const env = { NTA_WATCH_URL: url };
    expect(
      await runOperator("reject", ["example.", "--reason", "no", "--token-file", file], {
        ...io,
        env,
      }),
    ).toBe(0);
    expect(api.store.audit().find((a) => a.action === "reject")!.actor).toBe("bob");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("exit status", () => {
  it("1 when the API refuses: the act does not apply, or the token is a viewer's", async () => {
    expect(await runOperator("approve", ["example.", "--reason", "r"], io)).toBe(1);
    expect(io.stderr.at(-1)).toMatch(
      /approve is only possible on a proposal, not while healthy \(409 conflict\)/,
    );
    propose();
    const viewer = { ...io, env: { ...io.env, NTA_WATCH_TOKEN: secret("viewer") } };
    expect(await runOperator("approve", ["example.", "--reason", "r"], viewer)).toBe(1);
    expect(io.stderr.at(-1)).toMatch(/\(403 forbidden\)/);
  });

  it("1 when the API cannot be reached", async () => {
    const env = { ...io.env, NTA_WATCH_URL: "http://127.0.0.1:1" };
    expect(await runOperator("status", [], { ...io, env })).toBe(1);
    expect(io.stderr.at(-1)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it.each([
    [["example."], "approve", /--reason is required/],
    [[], "approve", /approve needs a zone/],
    [
      ["example.", "--reason", "r", "--lifetime", "soon"],
      "approve",
      /--lifetime: expected a duration/,
    ],
    [["example.", "--bogus"], "status", /Unknown option '--bogus'/],
    // An option of another command is refused, not ignored.
    [["example.", "--reason", "r", "--markdown"], "approve", /approve does not take --markdown/],
    [["--reason", "r"], "status", /status does not take --reason/],
    [["example.", "--markdown", "--json"], "incident", /--markdown and --json exclude each other/],
  ] as const)("2 for a usage error: %j", async (args, name, message) => {
    expect(await runOperator(name, [...args], io)).toBe(2);
    expect(io.stderr.at(-1)).toMatch(message);
  });

  it("2 without a token", async () => {
    expect(await runOperator("status", [], { ...io, env: { NTA_WATCH_URL: url } })).toBe(2);
    expect(io.stderr.at(-1)).toMatch(/no token/);
  });
});

describe("incident", () => {
  it("prints the latest incident of a zone as Markdown, or its report as JSON", async () => {
    propose();
    await runOperator("approve", ["example.", "--reason", "r"], io);
    expect(await runOperator("incident", ["example."], io)).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^# Incident example\.@/);
    expect(await runOperator("incident", ["example.", "--json"], io)).toBe(0);
    const json = JSON.parse(io.stdout.at(-1)!);
    expect(json.report.rows.map((r: { milestone: string }) => r.milestone)).toContain("approval");
    expect(await runOperator("incident", ["de."], io)).toBe(1);
    expect(io.stderr.at(-1)).toMatch(/no incident recorded for de\./);
  });

  it("--markdown names the default: the same Markdown as without it", async () => {
    propose();
    await runOperator("approve", ["example.", "--reason", "r"], io);
    expect(await runOperator("incident", ["example."], io)).toBe(0);
    const plain = io.stdout.at(-1)!;
    expect(await runOperator("incident", ["example.", "--markdown"], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe(plain);
    expect(plain).toMatch(/^# Incident example\.@/);
  });

  it("its usage says Markdown is the default and --json the alternative", async () => {
    expect(await runOperator("incident", ["--help"], io)).toBe(0);
    const help = io.stdout.at(-1)!;
    expect(help).toMatch(/^usage: nta-watch incident ZONE\|ID \[--markdown \| --json\]/);
    expect(help).toMatch(/Markdown\s+by default/);
    expect(help.split("\n")[0]!.match(/--json/g)).toHaveLength(1);
  });
});
