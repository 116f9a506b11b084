import { describe, expect, it } from "vitest";
import { canaryKey } from "../../src/assess/classify.js";
import { updateLastKnownGood } from "../../src/assess/last-known-good.js";
import { assessNoSecurityValue } from "../../src/assess/no-security-value.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { ReasonKind } from "../../src/dnssec/verdict.js";
import { bad, canaries, fp, makeRound, policyInsecure, utc, VANTAGES } from "./synthetic.js";

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

  it("flags tampering when bad paths serve different RRSIGs", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "authoritative" && v.address === "192.0.2.4"
          ? bad("signature-invalid", { sigs: "other bad signatures" })
          : bad("signature-invalid"),
    });
    const p = assessNoSecurityValue(round, lkg, T);
    expect(p.tampering?.figures.differingBadPaths.map((d) => d.field)).toContain("rrsigs");
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
