import { describe, expect, it } from "vitest";
import { assessRound, assessWidespread, clockSuspect } from "../../src/assess/widespread.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { Canary, Vantage } from "../../src/probe/observation.js";
import {
  bad,
  canaries,
  makeRound,
  policyInsecure,
  unreachable,
  utc,
  VANTAGES,
  type ProbeSpec,
} from "./synthetic.js";

const ZONE = "de.";
const AT = utc(2026, 5, 5, 12);
const failingOn =
  (names: string[], spec: ProbeSpec = bad("signature-expired")) =>
  (v: Vantage) =>
    v.kind === "recursive" && names.includes(v.name) ? spec : {};

describe("widespread: share of recursive vantages failing (DESIGN, precondition 1)", () => {
  it("counts a vantage as failing when our own validation of its CD=1 answer is bogus", () => {
    const names = VANTAGES.slice(0, 6).map((v) => v.name);
    const f = assessRound(makeRound({ zone: ZONE, at: AT, watched: failingOn(names) }), T);
    expect(f.vantagesCounted).toBe(VANTAGES.length);
    expect(f.vantagesFailing).toHaveLength(6);
    expect(f.vantageShare).toBe(6 / 8);
    expect(f.met).toBe(true);
  });

  it("counts a vantage as failing when its users get SERVFAIL with a DNSSEC EDE while our data validates", () => {
    const serverOnly: ProbeSpec = { user: { rcode: "SERVFAIL", ad: false, ede: [{ code: 9 }] } };
    const f = assessRound(
      makeRound({ zone: ZONE, at: AT, watched: failingOn(["bind-1"], serverOnly) }),
      T,
    );
    expect(f.vantagesFailing).toEqual(["bind-1 (bind)"]);
  });

  it("does not count SERVFAIL with EDE 5 (indeterminate) or without EDE as a DNSSEC failure", () => {
    const indeterminateEde: ProbeSpec = {
      user: { rcode: "SERVFAIL", ad: false, ede: [{ code: 5 }] },
    };
    const noEde: ProbeSpec = { user: { rcode: "SERVFAIL", ad: false, ede: [] } };
    const f = assessRound(
      makeRound({
        zone: ZONE,
        at: AT,
        watched: (v) =>
          v.kind === "recursive" && v.name === "bind-1"
            ? indeterminateEde
            : v.kind === "recursive" && v.name === "bind-2"
              ? noEde
              : {},
      }),
      T,
    );
    expect(f.vantagesFailing).toEqual([]);
  });

  it("is not met when fewer than the required share fail (5 of 8 < 75 %)", () => {
    const names = VANTAGES.slice(0, 5).map((v) => v.name);
    const f = assessRound(makeRound({ zone: ZONE, at: AT, watched: failingOn(names) }), T);
    expect(f.vantageShare).toBe(5 / 8);
    expect(f.met).toBe(false);
  });
});

describe("widespread: an unreachable vantage is indeterminate, never bogus (RFC 4035 §4.3)", () => {
  it("leaves unreachable vantages out of the denominator and names them", () => {
    const down = ["pdns-1", "pdns-2"];
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "recursive" && down.includes(v.name) ? unreachable : bad("signature-expired"),
    });
    const f = assessRound(round, T);
    expect(f.vantagesCounted).toBe(6);
    expect(f.vantagesFailing).toHaveLength(6);
    expect(f.vantagesUnreachable).toEqual(["pdns-1 (pdns-recursor)", "pdns-2 (pdns-recursor)"]);
    expect(f.implementationsCounted).not.toContain("pdns-recursor");
  });

  it("never counts an unreachable vantage as failing, even when every vantage is unreachable", () => {
    const f = assessRound(makeRound({ zone: ZONE, at: AT, watched: () => unreachable }), T);
    expect(f.vantagesCounted).toBe(0);
    expect(f.vantagesFailing).toEqual([]);
    expect(f.met).toBe(false);
  });
});

describe("widespread: control zones from the same vantages (the watcher's own network)", () => {
  it("excludes a vantage whose control zones do not validate", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-invalid"),
      control: (v) => (v.name === "unbound-1" ? bad("signature-invalid") : {}),
    });
    const f = assessRound(round, T);
    expect(f.vantagesControlFailed).toEqual(["unbound-1 (unbound)"]);
    expect(f.vantagesCounted).toBe(7);
  });

  it("excludes every vantage, and says so, when no control zone is probed", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-invalid"),
      controlZones: [],
    });
    const f = assessRound(round, T);
    expect(f.vantagesWithoutControl).toHaveLength(VANTAGES.length);
    expect(f.met).toBe(false);
    expect(assessWidespread([round], T).evidence.summary).toContain("no control-zone answer");
  });

  it("is not met when the control zones fail from every vantage", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-invalid"),
      control: () => bad("signature-invalid"),
    });
    const f = assessRound(round, T);
    expect(f.vantagesCounted).toBe(0);
    expect(f.met).toBe(false);
  });
});

describe("widespread: implementations and canaries", () => {
  it("requires failures in at least two implementations by default", () => {
    const f = assessRound(
      makeRound({ zone: ZONE, at: AT, watched: failingOn(["unbound-1", "unbound-2"]) }),
      {
        ...T,
        minVantageShare: 0.5,
        minCanaryShare: 0.25,
      },
    );
    expect(f.implementationsFailing).toEqual(["unbound"]);
    expect(f.implementationShare).toBe(1 / 4);
    expect(f.met).toBe(false);
  });

  it("is not met when only one canary of six fails everywhere (a few delegations, .se 2022)", () => {
    const child: Canary = canaries(ZONE)[5]!;
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (_v, c) =>
        c.name === child.name && c.type === child.type ? bad("signature-invalid") : {},
    });
    const f = assessRound(round, T);
    expect(f.vantageShare).toBe(1);
    expect(f.canariesFailing).toEqual([`${child.name}/${child.type}`]);
    expect(f.canaryShare).toBe(1 / 6);
    expect(f.met).toBe(false);
  });

  it("does not count answers insecure by algorithm as failures, and reports them", () => {
    const f = assessRound(makeRound({ zone: ZONE, at: AT, watched: () => policyInsecure() }), T);
    expect(f.vantagesFailing).toEqual([]);
    expect(f.insecureByPolicy).toBe((VANTAGES.length + 4) * canaries(ZONE).length);
  });
});

describe("widespread: per-authoritative picture (resolvers retrying other servers hide partial breaks)", () => {
  it("names the authoritative servers that serve data failing validation", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) =>
        v.kind === "authoritative" && (v.address === "192.0.2.1" || v.address === "192.0.2.3")
          ? bad("signature-invalid")
          : {},
    });
    const f = assessRound(round, T);
    expect(f.authoritativesCounted).toBe(4);
    expect(f.authoritativesBad).toEqual(["ns1.de. 192.0.2.1", "ns3.de. 192.0.2.3"]);
    expect(f.vantagesFailing).toEqual([]);
  });
});

describe("widespread: K consecutive rounds", () => {
  const failing = (at: number) =>
    makeRound({ zone: ZONE, at, watched: () => bad("signature-expired") });
  const healthy = (at: number) => makeRound({ zone: ZONE, at });

  it("is met only after the configured number of failing rounds in a row", () => {
    const rounds = [failing(AT), failing(AT + 300)];
    expect(assessWidespread(rounds, T).met).toBe(false);
    const three = [...rounds, failing(AT + 600)];
    const p = assessWidespread(three, T);
    expect(p.met).toBe(true);
    expect(p.evidence.figures.streak).toBe(T.consecutiveRounds);
  });

  it("starts counting again after a round that did not meet the thresholds", () => {
    const rounds = [
      failing(AT),
      failing(AT + 300),
      healthy(AT + 600),
      failing(AT + 900),
      failing(AT + 1200),
    ];
    const p = assessWidespread(rounds, T);
    expect(p.evidence.figures.streak).toBe(2);
    expect(p.met).toBe(false);
  });

  it("says in words how many vantages, implementations and canaries fail", () => {
    const p = assessWidespread([failing(AT)], T);
    expect(p.evidence.summary).toContain("8 of 8 reachable vantages fail (100 %");
    expect(p.evidence.summary).toContain("4 of 4 implementations");
    expect(p.evidence.summary).toContain("6 of 6 canaries");
  });
});

describe("widespread: local clock suspect (RFC 4035 §5.3.1 compares signature times with the local clock)", () => {
  const expiredEverywhere = makeRound({
    zone: ZONE,
    at: AT,
    watched: () => bad("signature-expired"),
    control: () => bad("signature-expired"),
  });

  it("suspects the clock when the zone and most control zones all look expired at once", () => {
    expect(clockSuspect(expiredEverywhere)).toBe(true);
    const f = assessRound(expiredEverywhere, T);
    expect(f.met).toBe(false);
    expect(assessWidespread([expiredEverywhere], T).evidence.summary).toContain(
      "local clock suspect",
    );
  });

  it("suspects the clock when resolvers validate, with their own clocks, what we see as expired", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("signature-expired", { user: { rcode: "NOERROR", ad: true, ede: [] } }),
    });
    expect(clockSuspect(round)).toBe(true);
  });

  it("does not suspect the clock when the control zones validate and users see the failure too", () => {
    const round = makeRound({ zone: ZONE, at: AT, watched: () => bad("signature-expired") });
    expect(clockSuspect(round)).toBe(false);
  });

  it("does not suspect the clock when the zone fails for another reason than time", () => {
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: () => bad("no-dnskey-matches-ds"),
      control: () => bad("signature-not-yet-valid"),
    });
    expect(clockSuspect(round)).toBe(false);
  });
});
