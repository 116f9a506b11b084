/**
 * Precondition 3 on observations the probe engine makes: rounds run against
 * stand-in resolvers and authoritative servers on 127.0.0.1 that serve the
 * signed example zones of RFC 4035 Appendix A and RFC 5155 Appendix A. Both
 * are "example.", with the same SOA MNAME and RNAME but other keys (9465 and
 * 38519 against 12708 and 40430) and another DS for a.example.: the RFC 5155
 * zone on one path is another party's zone under the watched name, signed
 * by keys with no DS, as in the tampering case of the scenarios.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { updateLastKnownGood, knownRecords } from "../../src/assess/last-known-good.js";
import { assessNoSecurityValue } from "../../src/assess/no-security-value.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { anchorFromRecord, TrustAnchorSet } from "../../src/dnssec/anchors.js";
import type { Round } from "../../src/probe/observation.js";
import type { ProbeContext } from "../../src/probe/probe.js";
import { runRound } from "../../src/probe/round.js";
import { Semaphore } from "../../src/probe/semaphore.js";
import type { TestDnsServer } from "../dns/test-dns-server.js";
import { APEX, ctxFor, RECORDS, resolver, target } from "../probe/example-zone.js";

function zone(file: string): Rr[] {
  const text = readFileSync(new URL(`../fixtures/zones/${file}`, import.meta.url), "utf8");
  const parsed = parseZone(text, { origin: APEX });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.records;
}

const RFC4035 = RECORDS;
const RFC5155 = zone("rfc5155-appendixA-example.zone.signed");
/** Inside the RFC 5155 zone's signature window (20051021000000 to 20150420235959). */
const IN_5155_WINDOW = Date.UTC(2010, 0, 1) / 1000;

const CANARIES = [
  { id: "soa", name: "example.", type: "SOA" },
  { id: "dnskey", name: "example.", type: "DNSKEY" },
  { id: "signed-child-ds", name: "a.example.", type: "DS" },
];

/** The RFC 4035 zone with its SOA's RDATA replaced by `soa` (its RRSIG kept, so now invalid). */
function withSoa(soa: string): Rr[] {
  const parsed = parseZone(`example. 3600 IN SOA ${soa}\n`, { origin: APEX });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return RFC4035.map((r) => (r.type === RrType.SOA ? parsed.records[0]! : r));
}

/** The RFC 4035 zone with one octet of every signature, `back` octets from its end, changed. */
function everySignatureCorrupted(back: number): Rr[] {
  return RFC4035.map((r) => {
    if (r.type !== RrType.RRSIG) return r;
    const rdata = new Uint8Array(r.rdata);
    rdata[rdata.length - back] = rdata[rdata.length - back]! ^ 0x01;
    return { ...r, rdata };
  });
}

/** A context whose trust anchor is the KSK (flags 257) of `records`, at `now`. */
function ctxAnchoredOn(records: Rr[], auth: TestDnsServer, now: number): ProbeContext {
  const ksk = records.find(
    (r) => r.type === RrType.DNSKEY && r.rdata[0] === 1 && r.rdata[1] === 1,
  )!;
  return { ...ctxFor(auth, now), anchors: new TrustAnchorSet([anchorFromRecord(ksk, "test")!]) };
}

interface Paths {
  /** Zone data served by the recursive vantages a, b and c. */
  a: Rr[];
  b: Rr[];
  c: Rr[];
  /** Zone data served by the one authoritative server; silent when null. */
  auth: Rr[] | null;
  ctx?: (auth: TestDnsServer) => ProbeContext;
}

async function round(p: Paths): Promise<Round> {
  const auth = await resolver(p.auth ?? RFC4035, p.auth === null ? { silent: true } : {});
  const recursive = [
    target(await resolver(p.a), "a"),
    target(await resolver(p.b), "b"),
    target(await resolver(p.c), "c"),
  ];
  return runRound(
    p.ctx?.(auth) ?? ctxFor(auth),
    {
      zone: "example.",
      canaries: CANARIES,
      recursive,
      authoritative: [
        {
          vantage: { kind: "authoritative", zone: "example.", address: "127.0.0.1" },
          server: auth.address,
        },
      ],
      control: [],
    },
    new Semaphore(4),
  );
}

const healthy = () => round({ a: RFC4035, b: RFC4035, c: RFC4035, auth: RFC4035 });

const of = (r: Round, vantage: string, canary: string) =>
  r.observations.find(
    (o) =>
      o.canary.id === canary &&
      (o.vantage.kind === "recursive" ? o.vantage.name : "auth") === vantage,
  )!;

describe("the probe fingerprints DNSKEY and DS records one by one, and the SOA by its names", () => {
  it("two zones with other keys and serials but the same SOA names", async () => {
    const r = await round({ a: RFC4035, b: RFC4035, c: RFC5155, auth: RFC4035 });
    expect(of(r, "a", "dnskey").fingerprints?.records).toHaveLength(2);
    expect(of(r, "a", "signed-child-ds").fingerprints?.records).toHaveLength(1);
    const [soa4035, soa5155] = [of(r, "a", "soa"), of(r, "c", "soa")];
    expect(soa4035.fingerprints?.rrset).not.toBe(soa5155.fingerprints?.rrset);
    expect(soa4035.fingerprints?.records).toHaveLength(1);
    expect(soa4035.fingerprints?.records).toEqual(soa5155.fingerprints?.records);
    const keys = (v: string) => new Set(of(r, v, "dnskey").fingerprints?.records);
    expect([...keys("c")].filter((k) => keys("a").has(k))).toEqual([]);
    expect(keys("auth")).toEqual(keys("a"));
  });

  it("a healthy round keeps those digests as last known good", async () => {
    const r = await healthy();
    expect(r.observations.every((o) => o.verdict.security === "secure")).toBe(true);
    const lkg = updateLastKnownGood({}, r);
    for (const c of ["soa", "dnskey", "signed-child-ds"]) {
      expect(knownRecords(lkg, c)).toEqual(new Set(of(r, "auth", c).fingerprints?.records));
    }
  });
});

describe("RFC 7646 §7: another party's keys on one path are tampering, whatever the failure kind", () => {
  it("one resolver serving other keys and another DS: not met, tampering, naming that resolver", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const r = await round({ a: RFC4035, b: RFC4035, c: RFC5155, auth: RFC4035 });
    expect(
      r.observations.filter((o) => o.verdict.security === "bogus").map((o) => o.vantage),
    ).toEqual(CANARIES.map(() => expect.objectContaining({ name: "c" })));
    const p = assessNoSecurityValue(r, lkg, T);
    // A kind a signing pipeline produces: without the key comparison this would pass.
    expect(p.evidence.figures.kinds).toEqual({ "signature-not-yet-valid": 3 });
    expect(p.met).toBe(false);
    const t = p.tampering!.figures;
    // Only the new test sees it: one bad path, and RRsets of types that change with rollovers.
    expect(t.differingBadPaths).toEqual([]);
    expect(t.differingFromGoodPaths).toEqual([]);
    expect(t.changedSinceLastKnownGood).toEqual([]);
    expect(t.unpublishedRecords?.map((d) => [d.canary, d.type, d.records.length, d.paths])).toEqual(
      [
        ["dnskey", "DNSKEY", 2, ["c (other)"]],
        ["signed-child-ds", "DS", 1, ["c (other)"]],
      ],
    );
    expect(p.tampering?.summary).toContain(
      "dnskey: c (other) serves 2 DNSKEY records no authoritative server serves " +
        "and the last known good does not hold",
    );
  });

  it("an SOA with other names on one path is tampering; another serial with the same names is not", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const soa = (rdata: string) =>
      round({ a: RFC4035, b: RFC4035, c: withSoa(rdata), auth: RFC4035 });
    const rogue = await soa(
      "ns1.attacker.example. root.attacker.example. 1081539377 3600 300 3600000 3600",
    );
    expect(of(rogue, "c", "soa").verdict.reason?.kind).toBe("signature-invalid");
    const p = assessNoSecurityValue(rogue, lkg, T);
    expect(
      p.tampering?.figures.unpublishedRecords?.map((d) => [d.canary, d.type, d.paths]),
    ).toEqual([["soa", "SOA", ["c (other)"]]]);
    expect(p.tampering?.summary).toContain("1 SOA MNAME/RNAME pair no authoritative server serves");

    const resigned = await soa("ns1.example. bugs.x.w.example. 1081539378 3600 300 3600000 3600");
    const q = assessNoSecurityValue(resigned, lkg, T);
    expect(q.tampering).toBeUndefined();
    expect(q.evidence.figures.publisherRecords?.compared).toEqual(["soa"]);
    // Not met for another reason: one canary of three with signatures that do not verify.
    expect(q.evidence.summary).toContain("signatures do not verify on only 1 of 3 canaries");
  });
});

describe("RFC 7646 §7: keys the operator publishes, or published while healthy, are no evidence", () => {
  it("a broken rollover on every path (new keys, DS unchanged): met, the keys are the servers'", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const r = await round({
      a: RFC5155,
      b: RFC5155,
      c: RFC5155,
      auth: RFC5155,
      ctx: (auth) => ctxAnchoredOn(RFC4035, auth, IN_5155_WINDOW),
    });
    const p = assessNoSecurityValue(r, lkg, T);
    // The DNSKEY RRset is signed by a key the DS (here the trust anchor) does not name.
    expect(p.evidence.figures.kinds).toEqual({ "no-matching-dnskey": 12 });
    expect(p.tampering).toBeUndefined();
    expect(p.met).toBe(true);
    expect(p.evidence.figures.publisherRecords?.compared).toEqual([
      "soa",
      "dnskey",
      "signed-child-ds",
    ]);
    expect(p.evidence.summary).toContain(
      "keys, DS and SOA names on bad paths are those the authoritative servers serve or the last known good holds",
    );
  });

  it("a DS changed before caches let go of the old keys: the old keys are the last known good", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const r = await round({
      a: RFC4035,
      b: RFC4035,
      c: RFC4035,
      auth: RFC5155,
      ctx: (auth) => ctxAnchoredOn(RFC5155, auth, IN_5155_WINDOW),
    });
    expect(of(r, "auth", "dnskey").verdict.security).toBe("secure");
    expect(of(r, "a", "dnskey").verdict.security).toBe("bogus");
    const met = assessNoSecurityValue(r, lkg, T);
    expect(met.evidence.figures.kinds).toEqual({ "signature-expired": 9 });
    expect(met.met).toBe(true);
    // Without that record, nothing tells the old keys from forged ones.
    const p = assessNoSecurityValue(r, {}, T);
    expect(p.met).toBe(false);
    expect(p.tampering?.figures.unpublishedRecords?.map((d) => d.paths)).toEqual([
      ["a (other)", "b (other)", "c (other)"],
      ["a (other)", "b (other)", "c (other)"],
    ]);
  });

  it("no authoritative server answering: other keys on one path leave it not met, without an alarm", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const r = await round({ a: RFC4035, b: RFC4035, c: RFC5155, auth: null });
    expect(of(r, "auth", "dnskey").reachable).toBe(false);
    const p = assessNoSecurityValue(r, lkg, T);
    expect(p.met).toBe(false);
    expect(p.tampering).toBeUndefined();
    expect(p.evidence.figures.publisherRecords?.unchecked).toEqual([
      "soa",
      "dnskey",
      "signed-child-ds",
    ]);
    expect(p.evidence.summary).toContain(
      "2 DNSKEY records on dnskey (c (other)) the last known good lacks",
    );
  });
});

describe("RRSIGs that differ among bad paths over the same data are a note, not evidence", () => {
  it("every signature broken everywhere, one resolver holding other signature bytes: met, with the note", async () => {
    const lkg = updateLastKnownGood({}, await healthy());
    const r = await round({
      a: everySignatureCorrupted(1),
      b: everySignatureCorrupted(1),
      c: everySignatureCorrupted(2),
      auth: everySignatureCorrupted(1),
    });
    const p = assessNoSecurityValue(r, lkg, T);
    expect(p.evidence.figures.kinds).toEqual({ "signature-invalid": 12 });
    expect(p.tampering).toBeUndefined();
    expect(p.met).toBe(true);
    expect(p.evidence.figures.signatureVariants?.map((v) => v.canary)).toEqual([
      "soa",
      "dnskey",
      "signed-child-ds",
    ]);
    expect(p.evidence.figures.signatureVariants?.[0]?.groups.map((g) => g.paths)).toEqual([
      ["a (other)", "b (other)", "127.0.0.1"],
      ["c (other)"],
    ]);
    expect(p.evidence.summary).toContain(
      "RRSIGs differ among bad paths over the same data on soa (",
    );
    expect(p.evidence.summary).toContain(
      "re-signing in progress or several signers, not tampering",
    );
  });
});
