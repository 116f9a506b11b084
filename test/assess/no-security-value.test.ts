import { describe, expect, it } from "vitest";
import { canaryKey } from "../../src/assess/classify.js";
import { knownRecords, updateLastKnownGood } from "../../src/assess/last-known-good.js";
import { assessNoSecurityValue } from "../../src/assess/no-security-value.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { ReasonKind } from "../../src/dnssec/verdict.js";
import {
  bad,
  canaries,
  fp,
  makeRound,
  policyInsecure,
  unreachable,
  utc,
  VANTAGES,
} from "./synthetic.js";

const ZONE = "de.";
const AT = utc(2026, 5, 5, 12);
const healthy = makeRound({ zone: ZONE, at: AT - 3600 });
const lkg = updateLastKnownGood({}, healthy);

describe("no security value: kinds a signing pipeline produces (RFC 7646 §7)", () => {
  it.each<ReasonKind>([
    "signature-expired",
    "signature-not-yet-valid",
    "no-dnskey-matches-ds",
    "dnskey-missing",
    "rrsigs-missing",
    "no-matching-dnskey",
    "denial-invalid",
    "signature-invalid",
  ])("is met for %s everywhere with the same bytes", (kind) => {
    const p = assessNoSecurityValue(
      makeRound({ zone: ZONE, at: AT, watched: () => bad(kind) }),
      lkg,
      T,
    );
    expect(p.met).toBe(true);
    expect(p.tampering).toBeUndefined();
    expect(p.evidence.figures.kinds[kind]).toBe((VANTAGES.length + 4) * canaries(ZONE).length);
  });

  it.each<ReasonKind>([
    "signer-not-zone",
    "labels-mismatch",
    "type-covered-mismatch",
    "malformed",
    "key-revoked",
  ])("is not met for %s, which signing pipelines do not produce", (kind) => {
    const p = assessNoSecurityValue(
      makeRound({ zone: ZONE, at: AT, watched: () => bad(kind) }),
      lkg,
      T,
    );
    expect(p.met).toBe(false);
    expect(p.evidence.figures.nonOperatorKinds).toEqual([kind]);
    expect(p.tampering).toBeUndefined();
  });

  it("is not met for signatures that do not verify on one canary only: not zone-wide", () => {
    const one = canaries(ZONE)[3]!;
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (_v, c) => (canaryKey(c) === canaryKey(one) ? bad("signature-invalid") : {}),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(false);
    expect(p.evidence.summary).toContain(`only 1 of ${canaries(ZONE).length} canaries`);
  });

  it("is not met when our own validation finds nothing bogus, and tells user-only failures apart", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "recursive" && v.name === "knot-1"
          ? { user: { rcode: "SERVFAIL", ad: false, ede: [{ code: 9 }] } }
          : {},
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(false);
    expect(p.evidence.figures.userOnlyFailures).toBe(canaries(ZONE).length);
  });

  it("is not met for a zone insecure by its algorithm: it is not broken at all", () => {
    const p = assessNoSecurityValue(
      makeRound({ zone: ZONE, at: AT, watched: () => policyInsecure() }),
      lkg,
      T,
    );
    expect(p.met).toBe(false);
    expect(p.evidence.summary).toContain("not a break");
  });

  it("reports a DNSKEY key tag shared by two keys (RFC 4034 Appendix B: tags are not unique)", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () =>
        bad("signature-invalid", { dnskeyTags: [33834, 33834, 26755], rrsigTags: [33834] }),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.evidence.figures.collidingKeyTags).toEqual([33834]);
    expect(p.evidence.summary).toContain("key tag collision on 33834");
  });
});

describe("no security value: every path serving bad data serves the same bytes", () => {
  it("flags tampering when bad paths serve different RRsets", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v, c) =>
        v.kind === "recursive" && v.name === "bind-2"
          ? bad("signature-invalid", { data: `${c.name} other addresses` })
          : bad("signature-invalid"),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(false);
    expect(p.tampering?.figures.differingBadPaths.some((d) => d.field === "rrset")).toBe(true);
    expect(p.tampering?.summary).toContain("bind-2");
  });

  it("notes RRSIGs that differ among bad paths over the same RRset: re-signing or several signers, not tampering", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "authoritative" && v.address === "192.0.2.4"
          ? bad("signature-expired", { sigs: "signatures of the next signing run" })
          : bad("signature-expired"),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(true);
    expect(p.tampering).toBeUndefined();
    const variants = p.evidence.figures.signatureVariants ?? [];
    expect(variants.map((d) => d.canary)).toEqual(canaries(ZONE).map(canaryKey));
    expect(variants[0]?.groups.map((g) => g.paths.length)).toEqual([VANTAGES.length + 3, 1]);
    expect(variants[0]?.groups[1]?.paths).toEqual(["ns4.de. 192.0.2.4"]);
    expect(p.evidence.summary).toContain("RRSIGs differ among bad paths over the same data");
    expect(p.evidence.summary).toContain(
      "re-signing in progress or several signers, not tampering",
    );
  });

  it("flags differing RRsets under differing RRSIGs once, as RRsets", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v, c) =>
        v.kind === "recursive" && v.name === "knot-2"
          ? bad("signature-invalid", { data: `${c.name} forged`, sigs: "forged signatures" })
          : bad("signature-invalid"),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(false);
    const fields = p.tampering?.figures.differingBadPaths.map((d) => d.field) ?? [];
    expect(fields).toEqual(canaries(ZONE).map(() => "rrset"));
    expect(p.evidence.figures.signatureVariants).toEqual([]);
    expect(p.tampering?.summary).toContain("bad paths serve 2 different RRsets");
  });

  it("flags tampering when the unsigned data on bad paths differs from good paths", () => {
    const nic = canaries(ZONE)[3]!;
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v, c) =>
        v.kind === "recursive" && v.name === "pdns-1" && canaryKey(c) === canaryKey(nic)
          ? bad("no-matching-dnskey", { data: "nic.de. A 203.0.113.66" })
          : {},
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.tampering?.figures.differingFromGoodPaths[0]?.canary).toBe(canaryKey(nic));
  });

  it("flags tampering when the data changed with the break, even if every path agrees", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (_v, c) => bad("signature-expired", { data: `${c.name} ${c.type} new data` }),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.met).toBe(false);
    // SOA, DNSKEY change with re-signing and rollovers; the other four canaries are compared.
    expect(p.tampering?.figures.changedSinceLastKnownGood).toHaveLength(4);
    expect(p.evidence.figures.lastKnownGood.changed).toBe(4);
  });

  it("accepts a break with no last known good recorded (a zone broken before the watcher started)", () => {
    const p = assessNoSecurityValue(
      makeRound({ zone: ZONE, at: AT, watched: () => bad("signature-expired") }),
      {},
      T,
    );
    expect(p.met).toBe(true);
    expect(p.evidence.figures.lastKnownGood).toEqual({ matched: 0, unknown: 4, changed: 0 });
  });
});

describe("last known good: recorded only from data secure on every path", () => {
  it("records each canary of a healthy round with its RRset fingerprint", () => {
    const c = canaries(ZONE)[3]!;
    expect(lkg[canaryKey(c)]).toEqual({ rrset: fp(`${c.name} ${c.type} data`), at: AT - 3600 });
  });

  it("does not record a canary that fails on any path, and keeps the earlier record", () => {
    const c = canaries(ZONE)[3]!;
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v, cc) =>
        v.kind === "recursive" && v.name === "bind-1" && canaryKey(cc) === canaryKey(c)
          ? bad("signature-invalid", { data: "forged" })
          : {},
    });
    const next = updateLastKnownGood(lkg, round);
    expect(next[canaryKey(c)]).toEqual(lkg[canaryKey(c)]);
    expect(next[canaryKey(canaries(ZONE)[2]!)]?.at).toBe(AT);
  });
});

describe("no security value: canaries whose bytes change every round", () => {
  const nxdomain = (label: string) => ({ id: "nxdomain", name: `${label}.${ZONE}`, type: "A" });

  it("keys a canary by the probe engine's stable id when it has one", () => {
    expect(canaryKey(nxdomain("nta-watch-abc"))).toBe("nxdomain");
    expect(canaryKey({ name: "NIC.de.", type: "a" })).toBe("nic.de./A");
  });

  it("does not take the changing proof of a random name error for data changed with the break", () => {
    const before = makeRound({
      zone: ZONE,
      at: AT - 300,
      canaries: [nxdomain("nta-watch-first")],
      watched: () => ({ data: "NSEC3 proof for the first random name" }),
    });
    const during = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [nxdomain("nta-watch-second")],
      watched: () => bad("denial-invalid", { data: "NSEC3 proof for the second random name" }),
    });
    const p = assessNoSecurityValue(during, updateLastKnownGood({}, before), T);
    expect(p.tampering).toBeUndefined();
    expect(p.met).toBe(true);
  });
  it("keeps one last-known-good entry for the random-name canary however many rounds pass", () => {
    let known = {};
    for (const [i, label] of ["nta-watch-a1", "nta-watch-b2", "nta-watch-c3"].entries()) {
      const round = makeRound({ zone: ZONE, at: AT + i * 60, canaries: [nxdomain(label)] });
      known = updateLastKnownGood(known, round);
    }
    expect(Object.keys(known)).toEqual(["nxdomain"]);
    expect(Object.values(known)).toEqual([expect.objectContaining({ at: AT + 120 })]);
  });
});

describe("no security value: keys, DS and SOA names on bad paths are the operator's", () => {
  const ds = { id: "signed-child-ds", name: `signed.${ZONE}`, type: "DS" };
  const soa = { id: "soa", name: ZONE, type: "SOA" };
  const childDs = ["signed.de. DS 12345 8 2 the child's key"];
  const rogueDs = ["signed.de. DS 54321 8 2 a key of someone else"];
  const healthyDs = updateLastKnownGood(
    {},
    makeRound({ zone: ZONE, at: AT - 3600, canaries: [ds], watched: () => ({ records: childDs }) }),
  );

  it("records the per-record digests of a canary last known good", () => {
    expect(knownRecords(healthyDs, "signed-child-ds")).toEqual(new Set(childDs.map(fp)));
    expect(knownRecords(healthyDs, "soa")).toBeUndefined();
  });

  it("flags a DS on one bad path that no authoritative server serves and the last known good lacks", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [ds],
      watched: (v) =>
        v.kind === "recursive" && v.name === "pdns-2"
          ? bad("no-dnskey-matches-ds", { records: rogueDs, data: "rogue DS RRset" })
          : { records: childDs },
    });
    const p = assessNoSecurityValue(round, healthyDs, T);
    expect(p.met).toBe(false);
    expect(p.tampering?.figures.unpublishedRecords).toEqual([
      {
        canary: "signed-child-ds",
        type: "DS",
        records: rogueDs.map(fp),
        paths: ["pdns-2 (pdns-recursor)"],
      },
    ]);
    expect(p.tampering?.summary).toContain(
      "signed-child-ds: pdns-2 (pdns-recursor) serves 1 DS record no authoritative server serves",
    );
  });

  it("is met when the DS on bad paths is what the authoritative servers serve", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [ds],
      watched: () => bad("signature-expired", { records: rogueDs, data: "new DS RRset" }),
    });
    const p = assessNoSecurityValue(round, healthyDs, T);
    expect(p.met).toBe(true);
    expect(p.evidence.figures.publisherRecords?.compared).toEqual(["signed-child-ds"]);
    expect(p.evidence.summary).toContain("are those the authoritative servers serve");
  });

  it("flags an SOA whose MNAME and RNAME no authoritative server serves", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [soa],
      watched: (v) =>
        v.kind === "recursive" && v.name === "unbound-1"
          ? bad("signature-invalid", { records: ["ns.attacker. hostmaster.attacker."] })
          : { records: ["f.nic.de. its.denic.de."] },
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.tampering?.figures.unpublishedRecords?.map((d) => [d.canary, d.type])).toEqual([
      ["soa", "SOA"],
    ]);
    expect(p.tampering?.summary).toContain("1 SOA MNAME/RNAME pair no authoritative server serves");
  });

  it("without an authoritative answer, records the last known good lacks leave it not met, with no alarm", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [ds],
      watched: (v) =>
        v.kind === "authoritative" ? unreachable : bad("signature-expired", { records: rogueDs }),
    });
    const p = assessNoSecurityValue(round, healthyDs, T);
    expect(p.met).toBe(false);
    expect(p.tampering).toBeUndefined();
    expect(p.evidence.figures.publisherRecords?.unchecked).toEqual(["signed-child-ds"]);
    expect(p.evidence.summary).toContain(
      "no authoritative server answered, so nothing vouches for",
    );
    expect(p.evidence.summary).toContain("a rollover cannot be told from forged keys");
  });

  it("without an authoritative answer, records the last known good holds are enough", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      canaries: [ds],
      watched: (v) =>
        v.kind === "authoritative" ? unreachable : bad("signature-expired", { records: childDs }),
    });
    const p = assessNoSecurityValue(round, healthyDs, T);
    expect(p.met).toBe(true);
    expect(p.evidence.summary).toContain(
      "keys, DS and SOA names on signed-child-ds only compared with the last known good",
    );
  });
});
