/**
 * A service on a temporary folder: a configuration checked by the real
 * schema, tokens from environment variables, a clock the test moves, and
 * probe rounds from a script (healthy, or failing with the same bytes on
 * every path, as a broken signer does).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import type { Round } from "../../src/probe/observation.js";
import { bootParts } from "../../src/service/boot.js";
import { Service } from "../../src/service/service.js";
import { bad, makeRound } from "../assess/synthetic.js";

export const START = Date.UTC(2026, 5, 1, 8) / 1000;
export const ROUND_STEP = 60;

export const ENV = {
  TOKEN_ALICE: "alice-approver-token-0123456789",
  TOKEN_VIEW: "viewer-token-0123456789abcdef",
};

export type Mode = "healthy" | "broken";

/** A response body as the tests read it: loosely typed JSON, checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

export function makeConfig(dir: string, extra: Record<string, unknown> = {}): Config {
  const r = parseConfig(
    {
      rootServers: ["127.0.0.1"],
      vantages: [{ name: "unbound-1", address: "127.0.0.1", port: 1, software: "unbound" }],
      zones: [{ name: "example." }],
      store: { path: path.join(dir, "state.db") },
      api: {
        listen: "127.0.0.1",
        port: 0,
        tokens: [
          { name: "alice", role: "approver", env: "TOKEN_ALICE" },
          { name: "viewer", role: "viewer", env: "TOKEN_VIEW" },
        ],
      },
      ...extra,
    },
    { env: ENV },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

export class Harness {
  readonly dir = mkdtempSync(path.join(tmpdir(), "nta-watch-service-"));
  readonly config = makeConfig(this.dir);
  clock = START;
  mode: Mode = "healthy";
  service: Service | undefined;

  probe = async (zone: string, now: number): Promise<Round> =>
    makeRound({
      zone,
      at: now,
      watched: this.mode === "broken" ? () => bad("signature-invalid") : () => ({}),
    });

  async start(): Promise<Service> {
    const booted = await bootParts(this.config, path.join(this.dir, "nta-watch.yaml"), {
      env: ENV,
      logger: pino({ level: "silent" }),
      probeRound: this.probe,
      now: () => this.clock,
      schedule: false,
    });
    if (!booted.ok) throw new Error(JSON.stringify(booted.errors));
    this.service = await Service.start(booted.parts);
    return this.service;
  }

  async restart(): Promise<Service> {
    await this.service?.stop();
    return this.start();
  }

  /** One round now, then the clock moves on. */
  async round(mode: Mode = this.mode) {
    this.mode = mode;
    const out = await this.service!.runRound("example.");
    this.clock += ROUND_STEP;
    return out!;
  }

  url(p: string): string {
    const { port } = this.service!.address();
    return `http://127.0.0.1:${port}${p}`;
  }

  async get(p: string, token = ENV.TOKEN_VIEW) {
    const r = await fetch(this.url(p), { headers: { authorization: `Bearer ${token}` } });
    return {
      status: r.status,
      body: (await r.json()) as Body,
    };
  }

  async post(p: string, payload: object, token = ENV.TOKEN_ALICE) {
    const r = await fetch(this.url(p), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    return {
      status: r.status,
      body: (await r.json()) as Body,
    };
  }

  async close(): Promise<void> {
    await this.service?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
