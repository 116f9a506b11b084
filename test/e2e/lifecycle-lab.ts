/**
 * The whole service on the lab (lab/lab.sh): the real probe engine over UDP
 * to the lab's resolvers and TLD servers, a real SQLite file in a temporary
 * folder, the HTTP API on loopback, and the four resolver adapters on the
 * lab's control channels. Rounds are driven by the test (no schedule), so a
 * run takes as long as its probes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { bootParts } from "../../src/service/boot.js";
import { configuredAdapters } from "../../src/service/deploy.js";
import { Service } from "../../src/service/service.js";
import { lab, LAB_DIR } from "./lab.js";

export const ZONE = lab.zones.watched;
export const TOKENS = {
  LAB_APPROVER: "lab-approver-token-0123456789abcdef",
  LAB_VIEWER: "lab-viewer-token-0123456789abcdef",
};

/** A response body as the tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

/**
 * The lab configuration: the lowest thresholds allowed (two rounds for
 * widespread, one for recovery) so that a whole incident takes minutes.
 */
export function labServiceConfig(dir: string, extra: Record<string, unknown> = {}): Config {
  const r = parseConfig(
    {
      trustAnchors: [{ file: lab.trustAnchorFile }],
      rootServers: [lab.authoritative.root],
      vantages: lab.resolvers.map((v) => ({
        name: v.name,
        address: v.address,
        software: v.software,
        managed: true,
      })),
      zones: [
        {
          name: lab.zones.watched,
          // A name with data: the tampering path answers other addresses for it.
          canaries: [`${lab.names.watched} A`],
          signedChild: lab.zones.signedChild,
          unsignedChild: lab.zones.unsignedChild,
        },
      ],
      controlZones: [lab.zones.control],
      probe: { timeout: "2s", retries: 1 },
      thresholds: { consecutiveRounds: 2, recoveryRounds: 1 },
      store: { path: path.join(dir, "state.db") },
      api: {
        listen: "127.0.0.1",
        port: 0,
        tokens: [
          { name: "alice", role: "approver", env: "LAB_APPROVER" },
          { name: "viewer", role: "viewer", env: "LAB_VIEWER" },
        ],
      },
      resolvers: [
        {
          name: "unbound",
          adapter: "unbound",
          socket: path.join(LAB_DIR, "unbound/unbound.ctl"),
          timeout: "5s",
        },
        {
          name: "bind",
          adapter: "bind",
          configFile: path.join(LAB_DIR, "bind/rndc.conf"),
          host: lab.resolvers[1].address,
          port: 953,
          timeout: "10s",
        },
        {
          name: "knot",
          adapter: "knot-resolver",
          sockets: [path.join(LAB_DIR, "knot/kresd.ctl")],
          timeout: "5s",
        },
        {
          name: "pdns",
          adapter: "pdns-recursor",
          socketDir: path.join(LAB_DIR, "pdns"),
          timeout: "10s",
        },
      ],
      reconcile: {
        interval: "10s",
        attempts: 3,
        backoff: "200ms",
        backoffCap: "1s",
        resolverBudget: "30s",
      },
      ...extra,
    },
    { env: TOKENS },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

/**
 * Takes any NTA for the watched zone off the lab's resolvers (one a failed
 * run left behind), so that each test starts from resolvers that validate.
 */
export async function clearLabNtas(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-lifecycle-"));
  try {
    for (const a of await configuredAdapters(labServiceConfig(dir))) {
      const r = await a.remove(ZONE);
      if (!r.ok) throw new Error(`${a.name}: ${r.error.message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class LabService {
  readonly dir = mkdtempSync(path.join(tmpdir(), "nta-watch-lifecycle-"));
  readonly config: Config;
  service: Service | undefined;

  /** @param clockOffset seconds added to the system clock (a wrong local clock). */
  constructor(
    private readonly clockOffset = 0,
    extra: Record<string, unknown> = {},
  ) {
    this.config = labServiceConfig(this.dir, extra);
  }

  now = (): number => Math.floor(Date.now() / 1000) + this.clockOffset;

  async start(): Promise<Service> {
    const booted = await bootParts(this.config, path.join(this.dir, "nta-watch.yaml"), {
      env: TOKENS,
      logger: pino({ level: "silent" }),
      now: this.now,
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

  /** One real probe round of the watched zone, stored; the phase after it. */
  async round(): Promise<string> {
    const out = await this.service!.runRound(ZONE);
    if (!out) throw new Error("round abandoned");
    return out.state.phase;
  }

  /** Rounds until the zone is in `phase`, at most `max`; the phases seen. */
  async roundsUntil(phase: string, max: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      seen.push(await this.round());
      if (seen.at(-1) === phase) break;
    }
    return seen;
  }

  phase(): string | undefined {
    return this.service!.store.zone(ZONE)?.state.phase;
  }

  #url(p: string): string {
    const { port } = this.service!.address();
    return `http://127.0.0.1:${port}${p}`;
  }

  async get(p: string): Promise<{ status: number; body: Body }> {
    const r = await fetch(this.#url(p), {
      headers: { authorization: `Bearer ${TOKENS.LAB_VIEWER}` },
    });
    return { status: r.status, body: (await r.json()) as Body };
  }

  async post(p: string, payload: object): Promise<{ status: number; body: Body }> {
    const r = await fetch(this.#url(p), {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKENS.LAB_APPROVER}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(payload),
    });
    return { status: r.status, body: (await r.json()) as Body };
  }

  /** Alerts in the outbox, oldest first. */
  outbox(): { kind: string; zone: string; severity: string; payload: Body }[] {
    return (
      this.service!.store.db.prepare("SELECT * FROM alert_outbox ORDER BY id").all() as {
        kind: string;
        zone: string;
        severity: string;
        payload_json: string;
      }[]
    ).map((r) => ({
      kind: r.kind,
      zone: r.zone,
      severity: r.severity,
      payload: JSON.parse(r.payload_json) as Body,
    }));
  }

  async close(): Promise<void> {
    await this.service?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
