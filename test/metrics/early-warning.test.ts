import { describe, expect, it } from "vitest";
import {
  DEFAULT_EARLY_WARNING,
  earlyWarnings,
  earlyWarningSchema,
  keyTagsOf,
  signatureHorizon,
} from "../../src/assess/early-warning.js";
import { round, T0, type Obs } from "./support.js";

const ZONE = "example.";
const H = 3600;

function expiring(at: number, soa: number, dnskey: number, extra: Obs[] = []) {
  return round(ZONE, at, [
    { vantage: "unbound-1", expires: soa },
    { vantage: "bind-1", canary: "DNSKEY", expires: dnskey },
    ...extra,
  ]);
}

const alerts = (effects: ReturnType<typeof earlyWarnings>) =>
  effects.map((e) => (e.kind === "alert" ? e.alert : undefined));

describe("the signature horizon (RFC 4034 §3.1.5: an RRSIG is not used past its expiration)", () => {
  it("is, per canary, the freshest signature any path serves, and the earliest of those", () => {
    // The SOA is served with an old signature by one vantage and a fresh one by another.
    const r = round(ZONE, T0, [
      { vantage: "unbound-1", expires: T0 + 2 * H },
      { vantage: "bind-1", expires: T0 + 30 * 24 * H },
      { vantage: "bind-1", canary: "DNSKEY", expires: T0 + 5 * H },
    ]);
    expect(signatureHorizon(r)).toEqual({
      horizon: T0 + 5 * H,
      canary: "dnskey",
      earliest: T0 + 2 * H,
    });
  });

  it("ignores answers that do not validate securely", () => {
    const r = round(ZONE, T0, [
      { vantage: "unbound-1", bogus: "signature-expired", expires: T0 - H },
      { vantage: "knot-1", reachable: false, expires: T0 + H },
    ]);
    expect(signatureHorizon(r)).toBeUndefined();
  });
});

describe("early warning: signatures about to expire with no fresher ones seen", () => {
  it("warns once when the horizon comes within the configured time", () => {
    const far = expiring(T0, T0 + 10 * H, T0 + 12 * H);
    const near = expiring(T0 + 5 * H, T0 + 10 * H, T0 + 12 * H);
    const later = expiring(T0 + 6 * H, T0 + 10 * H, T0 + 12 * H);
    expect(earlyWarnings(undefined, far, T0)).toEqual([]);
    const [w] = alerts(earlyWarnings(far, near, T0 + 5 * H));
    expect(w).toMatchObject({ kind: "signatures-expiring", zone: ZONE, severity: "warning" });
    expect(w!.summary).toContain("2026-05-05T22:00:00Z");
    expect(w!.summary).toContain("5.0 h left");
    // The next round finds the same horizon: no second warning.
    expect(earlyWarnings(near, later, T0 + 6 * H)).toEqual([]);
  });

  it("warns again when the horizon moves but stays close (a partial refresh)", () => {
    const a = expiring(T0, T0 + 3 * H, T0 + 12 * H);
    const b = expiring(T0 + 60, T0 + 4 * H, T0 + 12 * H);
    expect(alerts(earlyWarnings(a, b, T0 + 60)).map((x) => x?.kind)).toEqual([
      "signatures-expiring",
    ]);
  });

  it("stays quiet once fresh signatures are served anywhere, and for a horizon already past", () => {
    const fresh = expiring(T0, T0 + H, T0 + 12 * H, [
      { vantage: "pdns-1", expires: T0 + 20 * 24 * H },
    ]);
    expect(earlyWarnings(undefined, fresh, T0)).toEqual([]);
    const past = expiring(T0, T0 - 1, T0 + 30 * 24 * H);
    expect(signatureHorizon(past)?.horizon).toBe(T0 - 1);
    expect(earlyWarnings(undefined, past, T0)).toEqual([]);
  });

  it("the horizon is configurable within one hour and one week, six hours by default", () => {
    expect(DEFAULT_EARLY_WARNING.expiryHorizonSeconds).toBe(6 * H);
    expect(earlyWarningSchema.safeParse({ expiryHorizonSeconds: H - 1 }).success).toBe(false);
    expect(earlyWarningSchema.safeParse({ expiryHorizonSeconds: 7 * 24 * H + 1 }).success).toBe(
      false,
    );
    const wide = earlyWarningSchema.parse({ expiryHorizonSeconds: 24 * H });
    const r = expiring(T0, T0 + 20 * H, T0 + 30 * H);
    expect(earlyWarnings(undefined, r, T0)).toEqual([]);
    expect(alerts(earlyWarnings(undefined, r, T0, wide))).toHaveLength(1);
  });
});

describe("early warning: a rollover in progress (RFC 4034 Appendix B key tags)", () => {
  const tags = (at: number, dnskey: number[], ds: number[]) =>
    round(ZONE, at, [
      { vantage: "192.0.2.1", auth: true, dnskey, ds },
      { vantage: "192.0.2.2", auth: true, dnskey, ds },
      // A recursive vantage still holding the old key from its cache does not count.
      { vantage: "unbound-1", dnskey: [11111], ds },
    ]);

  it("reads the key tags the authoritative servers serve", () => {
    expect(keyTagsOf(tags(T0, [33834, 26755], [26755]))).toEqual({
      dnskey: [26755, 33834],
      ds: [26755],
    });
  });

  it("a new DNSKEY key tag raises a notice naming it", () => {
    const [n] = alerts(
      earlyWarnings(tags(T0, [26755], [26755]), tags(T0 + 60, [26755, 33834], [26755]), T0 + 60),
    );
    expect(n).toMatchObject({ kind: "key-rollover", severity: "info", zone: ZONE });
    expect(n!.summary).toContain("DNSKEY key tags added 33834");
  });

  it("a DS change at the parent raises a notice; no change, none", () => {
    const a = tags(T0, [26755, 33834], [26755]);
    const b = tags(T0 + 60, [26755, 33834], [33834]);
    const [n] = alerts(earlyWarnings(a, b, T0 + 60));
    expect(n!.summary).toContain("DS key tags added 33834; removed 26755");
    expect(earlyWarnings(b, { ...b, at: T0 + 120 }, T0 + 120)).toEqual([]);
  });

  it("can be switched off, and refuses rounds of two different zones", () => {
    const off = earlyWarningSchema.parse({ keyTagChanges: false });
    expect(earlyWarnings(tags(T0, [1], [1]), tags(T0 + 60, [2], [2]), T0 + 60, off)).toEqual([]);
    expect(() => earlyWarnings(round("other.", T0, []), tags(T0, [1], [1]), T0)).toThrow();
  });
});
