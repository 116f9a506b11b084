import { describe, expect, it } from "vitest";
import { assessZone } from "../../src/assess/assess.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { insecure } from "../../src/dnssec/verdict.js";
import type { Round } from "../../src/probe/observation.js";
import { bad, canaries, makeRound, unreachable, utc } from "./synthetic.js";

const ZONE = "al.";
const AT = utc(2026, 7, 3, 10);
const assess = (rounds: Round[], now = AT) =>
  assessZone({ zone: ZONE, rounds, confirmations: [], lastKnownGood: {}, now }, T);

describe("assessment: status of the zone in the latest round", () => {
  it("is healthy when nothing fails", () => {
    expect(assess([makeRound({ zone: ZONE, at: AT })]).status).toBe("healthy");
  });

  it("is failing when one vantage fails", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "recursive" && v.name === "bind-1" ? bad("signature-expired") : {},
    });
    expect(assess([r]).status).toBe("failing");
  });

  it("is unknown when nothing answered", () => {
    expect(assess([makeRound({ zone: ZONE, at: AT, watched: () => unreachable })]).status).toBe(
      "unknown",
    );
  });

  it("is unknown when the local clock is suspect", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-expired"),
      control: () => bad("signature-expired"),
    });
    const a = assess([r]);
    expect(a.clockSuspect).toBe(true);
    expect(a.status).toBe("unknown");
    expect(a.validEverywhere).toBe(false);
  });

  it("throws when given a round of another zone (programmer misuse)", () => {
    expect(() => assess([makeRound({ zone: "de.", at: AT })])).toThrow(/de\./);
  });
});

describe("assessment: valid everywhere, the retraction condition (RFC 7646 §4)", () => {
  it("holds when every vantage and every authoritative server validates", () => {
    const a = assess([makeRound({ zone: ZONE, at: AT })]);
    expect(a.validEverywhere).toBe(true);
    expect(a.validAs).toBe("secure");
  });

  it("does not hold when one authoritative server still serves bad signatures", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "authoritative" && v.address === "192.0.2.2" ? bad("signature-invalid") : {},
    });
    expect(assess([r]).validEverywhere).toBe(false);
  });

  it("does not hold when an authoritative server is silent: its data is unknown", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) => (v.kind === "authoritative" && v.address === "192.0.2.2" ? unreachable : {}),
    });
    expect(assess([r]).validEverywhere).toBe(false);
  });

  it("holds with an unreachable recursive vantage left out", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) => (v.kind === "recursive" && v.name === "knot-2" ? unreachable : {}),
    });
    expect(assess([r]).validEverywhere).toBe(true);
  });

  it("holds as insecure once the zone is provably unsigned (DS removed)", () => {
    const unsigned = insecure("unsigned-zone", "no DS for al. at the root");
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => ({ verdict: unsigned, sigs: "none" }),
    });
    const a = assess([r]);
    expect(a.status).toBe("healthy");
    expect(a.validEverywhere).toBe(true);
    expect(a.validAs).toBe("insecure");
  });
});

describe("assessment: early warning for signatures about to expire", () => {
  it("warns when every signature seen for a canary expires within the warning time", () => {
    const horizon = AT + 6 * 3600;
    const soa = canaries(ZONE)[0]!;
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (_v, c) =>
        c.type === soa.type && c.name === soa.name ? { earliestExpiration: horizon } : {},
    });
    const a = assess([r]);
    expect(a.expiringSoon).toEqual({
      horizon,
      secondsLeft: 6 * 3600,
      canary: `${soa.name}/${soa.type}`,
    });
    expect(a.widespread.met).toBe(false);
  });

  it("does not warn when one path already serves fresher signatures", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "authoritative" && v.address === "192.0.2.1"
          ? {}
          : { earliestExpiration: AT + 3600 },
    });
    expect(assess([r]).expiringSoon).toBeUndefined();
  });
});

describe("assessment: the lifetime a proposal offers", () => {
  it("offers the default lifetime for a fresh break", () => {
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-expired", { details: { expiration: AT - 3600 } }),
    });
    expect(assess([r]).suggestedLifetimeSeconds).toBe(T.ntaLifetimeDefaultSeconds);
  });

  it("offers the longest lifetime, and says so, when signatures expired longer ago than the stale threshold", () => {
    const expiration = AT - T.staleExpiredSeconds - 86400;
    const r = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-expired", { details: { expiration } }),
    });
    const a = assess([r]);
    expect(a.suggestedLifetimeSeconds).toBe(T.ntaLifetimeMaxSeconds);
    expect(a.lifetimeNote).toContain("stale zone");
    expect(a.lifetimeNote).toContain("longest lifetime");
  });
});
