/**
 * RFC 4035 §4.3: a zone nothing could be asked about is indeterminate, never
 * healthy and never bogus. The real service (probe engine, store, API) on a
 * closed network: every vantage and root server is a loopback address where
 * packets vanish (vantages: each probe times out) or nothing listens (root
 * servers: refused), so no delegation can be followed. The zone shows as unknown with
 * the reason in the API and in `nta-watch status`, the log warns once per
 * zone, and nothing is proposed. No packet leaves 127.0.0.0/8.
 */

import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOperator } from "../../src/cli/operator.js";
import { parseConfig } from "../../src/config/load.js";
import { bootParts } from "../../src/service/boot.js";
import { Service } from "../../src/service/service.js";

const TOKEN = "closed-network-approver-token-0123";

/**
 * A loopback UDP socket that takes every datagram and answers none, as a
 * closed network does with packets to the outside: each probe times out.
 */
async function blackHole(address: string): Promise<{ port: number; close: () => void }> {
  const s = createSocket("udp4");
  s.on("message", () => undefined);
  await new Promise<void>((r) => s.bind(0, address, r));
  return { port: s.address().port, close: () => s.close() };
}

const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-closed-"));
const logLines: { level: number; msg: string; zone?: string }[] = [];
let service: Service;
let url: string;
const holes: { port: number; close: () => void }[] = [];

beforeAll(async () => {
  for (const a of ["127.0.0.1", "127.9.9.3", "127.9.9.4", "127.9.9.5"])
    holes.push(await blackHole(a));
  const [h1, h2, h3, h4] = holes.map((h) => h.port);
  const parsed = parseConfig(
    {
      rootServers: ["127.9.9.1", "127.9.9.2"],
      vantages: [
        { name: "unbound-1", address: "127.0.0.1", port: h1, software: "unbound", operator: "a" },
        { name: "bind-1", address: "127.9.9.3", port: h2, software: "bind", operator: "b" },
        {
          name: "knot-1",
          address: "127.9.9.4",
          port: h3,
          software: "knot-resolver",
          operator: "c",
        },
        {
          name: "pdns-1",
          address: "127.9.9.5",
          port: h4,
          software: "pdns-recursor",
          operator: "d",
        },
      ],
      zones: [{ name: "de.", signedChild: "denic.de." }, { name: "nl." }],
      controlZones: ["com."],
      probe: { interval: "1m", jitter: "0s", timeout: "100ms", retries: 0 },
      store: { path: "state.db" },
      api: {
        listen: "127.0.0.1",
        port: 0,
        tokens: [{ name: "ops", role: "approver", env: "TOKEN_OPS" }],
      },
    },
    { env: { TOKEN_OPS: TOKEN } },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[0]) },
  );
  const booted = await bootParts(parsed.config, path.join(dir, "nta-watch.yaml"), {
    env: { TOKEN_OPS: TOKEN },
    logger,
    schedule: false,
  });
  if (!booted.ok) throw new Error(JSON.stringify(booted.errors));
  service = await Service.start(booted.parts);
  const a = service.address();
  url = `http://${a.host}:${a.port}`;
  // Three rounds of each zone: as many as a proposal's widespread streak needs.
  for (let i = 0; i < 3; i++) {
    for (const zone of service.zones()) await service.runRound(zone);
  }
}, 60_000);

afterAll(async () => {
  await service?.stop();
  for (const h of holes) h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(p: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const SUMMARY =
  "no vantage reachable (4 of 4 timed out), no authoritative server reachable " +
  "(none discovered: the delegation could not be followed)";

describe("RFC 4035 §4.3: no vantage and no authoritative server reachable", () => {
  it("GET /api/v1/zones shows every zone unknown, with why, in phase healthy", async () => {
    const { status, body } = await get("/api/v1/zones");
    expect(status).toBe(200);
    const zones = body.zones as Record<string, unknown>[];
    expect(zones.map((z) => [z.zone, z.status, z.statusNote])).toEqual([
      ["de.", "unknown", SUMMARY],
      ["nl.", "unknown", SUMMARY],
    ]);
    for (const z of zones) {
      expect(z.phase).toBe("healthy");
      expect(z.proposal).toBeNull();
      expect(z.candidate).toBeNull();
    }
  });

  it("nta-watch status says so in words, zone by zone", async () => {
    const out: string[] = [];
    const code = await runOperator("status", [], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      env: { NTA_WATCH_URL: url, NTA_WATCH_TOKEN: TOKEN },
    });
    expect(code).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^de\.\s+unknown: no vantage reachable \(4 of 4 timed out\), /);
    expect(lines[0]).toContain("; phase healthy since ");
    expect(lines[1]).toMatch(/^nl\.\s+unknown: /);
  });

  it("the log warns once per zone, not every round", () => {
    const warnings = logLines.filter((l) => l.level === 40 && l.msg.includes("unknown"));
    expect(warnings.map((w) => w.zone).sort()).toEqual(["de.", "nl."]);
    expect(warnings[0]!.msg).toContain("no vantage reachable");
  });

  it("proposes nothing and records no transition: nothing was concluded", async () => {
    const proposals = await get("/api/v1/proposals");
    expect(proposals.status).toBe(200);
    expect(proposals.body.proposals).toEqual([]);
    expect(logLines.filter((l) => l.msg === "transition" || l.msg === "alert queued")).toEqual([]);
  });

  it("keeps the service up: health answers", async () => {
    const r = await fetch(`${url}/healthz`);
    expect(r.status).toBe(200);
  });
});
