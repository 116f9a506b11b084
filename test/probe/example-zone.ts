/**
 * The signed example zone of RFC 4035 Appendix A as the probe tests use it:
 * its records, times inside and after its signatures' window (April 2004),
 * a trust anchor on its KSK (key tag 9465 per the fixture's own annotation;
 * the ZSK is 38519), and stand-in resolvers serving it on 127.0.0.1.
 */
import { readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { UdpTcpTransport } from "../../src/dns/transport.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { anchorFromRecord, TrustAnchorSet } from "../../src/dnssec/anchors.js";
import type { RecursiveVantage } from "../../src/probe/observation.js";
import type { ProbeContext, RecursiveTarget } from "../../src/probe/probe.js";
import type { TestDnsServer } from "../dns/test-dns-server.js";
import { startZoneResolver, type ZoneResolverOptions } from "./zone-resolver.js";

export const APEX = parseName("example.");
const TEXT = readFileSync(
  new URL("../fixtures/zones/rfc4035-appendixA-example.zone.signed", import.meta.url),
  "utf8",
);
const parsed = parseZone(TEXT, { origin: APEX });
if (!parsed.ok) throw new Error(parsed.error.message);
export const RECORDS: Rr[] = parsed.records;
// Inside the window 20040409183619..20040509183619 of every RRSIG in the file.
export const IN_WINDOW = Date.UTC(2004, 3, 20) / 1000;
export const AFTER_WINDOW = Date.UTC(2004, 5, 1) / 1000;

export function anchors(): TrustAnchorSet {
  const ksk = RECORDS.find(
    (r) => r.type === RrType.DNSKEY && r.rdata[0] === 1 && r.rdata[1] === 1, // flags 257
  )!;
  return new TrustAnchorSet([anchorFromRecord(ksk, "test KSK")!]);
}

const servers: TestDnsServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

/** A stand-in resolver serving `records`, closed after the test. */
export async function resolver(records = RECORDS, options: ZoneResolverOptions = {}) {
  const s = await startZoneResolver(APEX, records, options);
  servers.push(s);
  return s;
}

export function ctxFor(rootServer: TestDnsServer | undefined, now = IN_WINDOW): ProbeContext {
  return {
    transport: new UdpTcpTransport(),
    anchors: anchors(),
    rootServers: rootServer ? [rootServer.address] : [],
    now: () => now,
    settings: { timeoutMs: 300, retries: 0, lookupBudgetMs: 5000 },
  };
}

export function vantage(name: string): RecursiveVantage {
  return { kind: "recursive", name, software: "other" };
}

export function target(s: TestDnsServer, name = "v1"): RecursiveTarget {
  return { vantage: vantage(name), server: s.address, tcp: false };
}

export const SOA = { id: "soa", name: "example.", type: "SOA" };
export const subject = (canary = SOA) => ({ zone: "example.", role: "watched" as const, canary });

/** The Type Covered field of an RRSIG record (RFC 4034 §3.1.1). */
const covers = (r: Rr): number => (r.rdata[0]! << 8) | r.rdata[1]!;

/** The zone's records with the last octet of the signatures over one type changed. */
export function signatureCorrupted(type: number): Rr[] {
  return RECORDS.map((r) => {
    if (r.type !== RrType.RRSIG || covers(r) !== type) return r;
    const rdata = new Uint8Array(r.rdata);
    rdata[rdata.length - 1] = rdata[rdata.length - 1]! ^ 0x01;
    return { ...r, rdata };
  });
}
