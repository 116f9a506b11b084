/**
 * `nta-watch serve` on a first run with nothing set: an API token marked
 * `generate` is written to its file (owner-only) when the file is missing,
 * the store's folder is created, the log says where the token is and never
 * what it is, and a second start keeps the token. A token named by an
 * environment variable that is unset still stops the start.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/serve.js";
import { parseConfig } from "../../src/config/load.js";
import type { Service } from "../../src/service/service.js";

const root = mkdtempSync(path.join(tmpdir(), "nta-watch-first-run-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeConfig(dir: string, token: Record<string, unknown>): string {
  const file = path.join(dir, "nta-watch.yaml");
  writeFileSync(
    file,
    JSON.stringify({
      rootServers: ["127.0.0.1"],
      vantages: [{ name: "local", address: "127.0.0.1", port: 1, software: "unbound" }],
      zones: [{ name: "example." }],
      store: { path: "data/state.db" },
      api: { listen: "127.0.0.1", port: 0, tokens: [{ name: "ops", role: "approver", ...token }] },
    }),
  );
  return file;
}

/** serve started in-process, asked for its zones with `token`, then stopped. */
async function serveOnce(config: string, token: () => string) {
  const logs: string[] = [];
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (t: unknown) => void errors.push(String(t));
  let stop = () => {};
  const until = new Promise<void>((r) => (stop = r));
  let status: number | undefined;
  try {
    const code = await run(["--config", config], {
      logger: pino({ level: "info" }, { write: (l: string) => void logs.push(l) }),
      env: {},
      schedule: false,
      until,
      onStarted: (service: Service) => {
        const a = service.address();
        void fetch(`http://${a.host}:${a.port}/api/v1/zones`, {
          headers: { authorization: `Bearer ${token()}` },
        })
          .then((r) => (status = r.status))
          .finally(stop);
      },
    });
    return { code, status, logs, errors };
  } finally {
    console.error = consoleError;
  }
}

describe("serve: a first run with nothing set", () => {
  const dir = mkdtempSync(path.join(root, "generate-"));
  const config = writeConfig(dir, { file: "data/api-token", generate: true });
  const tokenFile = path.join(dir, "data", "api-token");
  const tokenNow = () => readFileSync(tokenFile, "utf8").trim();

  it("writes a random token, owner-only, creates the store's folder, and the API takes the token", async () => {
    expect(existsSync(path.join(dir, "data"))).toBe(false);
    const r = await serveOnce(config, tokenNow);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.status).toBe(200);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(tokenNow().length).toBeGreaterThanOrEqual(32);
    expect(existsSync(path.join(dir, "data", "state.db"))).toBe(true);
    const said = r.logs.filter((l) => l.includes("API token created"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(tokenFile);
    expect(r.logs.join("")).not.toContain(tokenNow());
  });

  it("keeps the token of an earlier start and says nothing of it", async () => {
    const before = tokenNow();
    const r = await serveOnce(config, tokenNow);
    expect(r.status).toBe(200);
    expect(tokenNow()).toBe(before);
    expect(r.logs.some((l) => l.includes("API token created"))).toBe(false);
  });
});

describe("serve: tokens that are not generated", () => {
  it("refuses to start when the token's environment variable is unset (status 2, the variable named)", async () => {
    const dir = mkdtempSync(path.join(root, "env-"));
    const r = await serveOnce(writeConfig(dir, { env: "NTA_FIRST_RUN_UNSET" }), () => "");
    expect(r.code).toBe(2);
    expect(r.errors.join("\n")).toContain("NTA_FIRST_RUN_UNSET is not set");
  });

  it("refuses a missing token file that is not marked generate, writing nothing", async () => {
    const dir = mkdtempSync(path.join(root, "file-"));
    const r = await serveOnce(writeConfig(dir, { file: "data/api-token" }), () => "");
    expect(r.code).toBe(2);
    expect(r.errors.join("\n")).toContain("ENOENT");
    expect(existsSync(path.join(dir, "data", "api-token"))).toBe(false);
  });

  it("rejects generate without a file in the configuration", () => {
    const r = parseConfig({
      vantages: [{ name: "u", address: "127.0.0.1", software: "unbound" }],
      api: { tokens: [{ name: "ops", role: "approver", env: "X", generate: true }] },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain("api.tokens[0].generate");
  });
});
