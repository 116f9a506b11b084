/**
 * `nta-watch serve` as operators run it: a process of its own, configured
 * from a file, answering HTTP, stopped by SIGTERM with exit status 0 and a
 * sound database; logs are JSON lines that never hold a token.
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";

const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = "serve-test-approver-token-0123456789";

describe("serve: clean shutdown on SIGTERM", () => {
  it("listens, answers, stops on SIGTERM with status 0, and leaves a sound database", async () => {
    const config = path.join(dir, "nta-watch.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        rootServers: ["127.0.0.1"],
        vantages: [{ name: "local", address: "127.0.0.1", port: 1, software: "unbound" }],
        zones: [{ name: "example." }],
        probe: { interval: "1m", jitter: "0s", timeout: "100ms", retries: 0 },
        store: { path: "state.db" },
        api: {
          listen: "127.0.0.1",
          port: 0,
          tokens: [{ name: "ops", role: "approver", env: "NTA_TEST_TOKEN" }],
        },
      }),
    );
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(import.meta.dirname, "serve-child.ts"),
        "serve",
        "--config",
        config,
      ],
      {
        env: { ...process.env, NTA_TEST_TOKEN: TOKEN },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += String(d);
        const line = out.split("\n").find((l) => l.includes('"msg":"serving"'));
        if (line)
          resolve((JSON.parse(line) as { address: { port: number } }).address.port.toString());
      });
      child.on("exit", () => reject(new Error(`serve exited early: ${err}`)));
    });
    const zones = await fetch(`http://127.0.0.1:${address}/api/v1/zones`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(zones.status).toBe(200);
    expect(((await zones.json()) as { zones: { zone: string }[] }).zones[0]!.zone).toBe("example.");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        "state resumed",
        "serving",
        "signal received",
        "stopping",
        "stopped",
      ]),
    );
    expect(out).not.toContain(TOKEN);

    const store = Store.open(path.join(dir, "state.db"), 0);
    expect(store.integrityCheck()).toBe("ok");
    store.close();
  });

  it("a configuration error is exit status 2 with the key's path", async () => {
    const config = path.join(dir, "bad.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        vantages: [{ name: "x", address: "127.0.0.1", software: "unbound" }],
        api: { tokens: [{ name: "a", role: "king", env: "X" }] },
      }),
    );
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(import.meta.dirname, "serve-child.ts"),
        "serve",
        "--config",
        config,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain("api.tokens[0].role");
  });
});
