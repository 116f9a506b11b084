/**
 * The probe engine's round gate: at most a quarter of `probe.concurrency`
 * rounds run at once, the others start none of their probes until a round
 * ends.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { decodeMessage } from "../../src/dns/message.js";
import { nameToText } from "../../src/dns/name.js";
import type {
  SendOptions,
  ServerAddress,
  Transport,
  TransportResult,
} from "../../src/dns/transport.js";
import { TrustAnchorSet } from "../../src/dnssec/anchors.js";
import { ProbeEngine } from "../../src/probe/engine.js";

/** A transport that holds every query until the test lets it time out. */
class HoldingTransport implements Transport {
  readonly asked: string[] = [];
  readonly #held: ((r: TransportResult) => void)[] = [];

  send(_server: ServerAddress, query: Uint8Array, _opts: SendOptions): Promise<TransportResult> {
    const m = decodeMessage(query);
    if (!m.ok) throw new Error(m.error);
    this.asked.push(nameToText(m.message.question[0]!.name));
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /** Ends every query held so far as a timeout. */
  timeOutAll(): void {
    for (const resolve of this.#held.splice(0)) {
      resolve({ ok: false, error: "timeout", message: "held" });
    }
  }
}

async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}

function engineWith(concurrency: number, transport: Transport): ProbeEngine {
  const parsed = parseConfig({
    vantages: [{ name: "u", address: "127.0.0.1", software: "unbound" }],
    zones: [{ name: "a.example." }, { name: "b.example." }],
    probe: { concurrency, retries: 0 },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return new ProbeEngine(parsed.config, new TrustAnchorSet([]), { transport });
}

const noServers = (zone: string) => ({
  zone,
  servers: [],
  verdict: { security: "secure" as const },
  at: 0,
});

describe("rounds in flight", () => {
  it("runs a quarter of the probe concurrency's rounds at once, the next when one ends", async () => {
    const transport = new HoldingTransport();
    const engine = engineWith(4, transport);
    expect(engine.rounds.limit).toBe(1);
    const plan = (zone: string) => ({ ...engine.plan(zone, noServers(zone)), control: [] });
    const a = engine.runPlan(plan("a.example."));
    const b = engine.runPlan(plan("b.example."));
    // a.example.'s three canaries (SOA, DNSKEY, NXDOMAIN) are asked; b.example. waits.
    await settle(() => transport.asked.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(transport.asked.every((n) => n.endsWith("a.example."))).toBe(true);
    expect(transport.asked).toHaveLength(3);
    transport.timeOutAll();
    const roundA = await a;
    expect(roundA.observations.map((o) => o.reachable)).toEqual([false, false, false]);
    await settle(() => transport.asked.length === 6);
    expect(transport.asked.slice(3).every((n) => n.endsWith("b.example."))).toBe(true);
    transport.timeOutAll();
    expect((await b).zone).toBe("b.example.");
  });

  it("takes the gate's size from probe.concurrency", () => {
    const transport = new HoldingTransport();
    expect(engineWith(64, transport).rounds.limit).toBe(16);
    expect(engineWith(2, transport).rounds.limit).toBe(1);
  });
});
