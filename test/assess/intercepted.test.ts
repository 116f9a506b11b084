/**
 * A network that answers DNS in everyone's place (DESIGN, precondition 1:
 * the failure must not be the watcher's own network). Every query, for the
 * watched zone and for the control zones alike, gets NXDOMAIN without a
 * proof, or data whose signatures do not validate. A vantage whose control
 * zones fail says nothing about the zone: it counts neither as failing nor
 * as healthy. With every vantage left out and no authoritative server to
 * ask, the zone is unknown (RFC 4035 §4.3: indeterminate), never failing;
 * and no precondition holds on evidence that was never compared.
 */

import { describe, expect, it } from "vitest";
import { assessZone } from "../../src/assess/assess.js";
import { assessNoSecurityValue } from "../../src/assess/no-security-value.js";
import { assessRound, describeRound } from "../../src/assess/widespread.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { Round } from "../../src/probe/observation.js";
import {
  bad,
  canaries,
  defaultAuthoritatives,
  interceptedNxdomain,
  interceptedRound,
  madeUp,
  makeRound,
  unreachable,
  utc,
  VANTAGES,
  withoutRecords,
  type ProbeSpec,
  type RoundSpec,
} from "./synthetic.js";

const ZONE = "de.";
const AT = utc(2026, 12, 4, 6);

const nxdomain = interceptedNxdomain;
const forged = madeUp;

/** The intercepted round, with `extra` changing what the paths answer. */
function intercepted(extra: Partial<RoundSpec> = {}, answer = nxdomain): Round {
  const round = makeRound({
    zone: ZONE,
    at: AT,
    authoritatives: [],
    watched: () => answer(),
    control: () => answer(),
    ...extra,
  });
  return answer === nxdomain ? withoutRecords(round) : round;
}

const assess = (round: Round) =>
  assessZone({ zone: ZONE, rounds: [round], confirmations: [], lastKnownGood: {}, now: AT }, T);

describe("a vantage whose control zones fail counts for nothing about the zone", () => {
  it("every vantage left out, no authoritative server: unknown, with the reason in words", () => {
    const round = interceptedRound(ZONE, AT);
    const a = assess(round);
    const figures = assessRound(round, T);
    expect(figures.vantagesCounted).toBe(0);
    expect(figures.vantagesControlFailed).toHaveLength(VANTAGES.length);
    expect(a.status).toBe("unknown");
    expect(a.statusNote).toBe(
      `no vantage counted (${VANTAGES.length} of ${VANTAGES.length} fail the control zones ` +
        `as well, so their answers say nothing about the zone), ` +
        `no authoritative server reachable (none discovered: the delegation could not be followed)`,
    );
    expect(a.widespread.met).toBe(false);
  });

  it("the same with the authoritative servers silent, and with made-up signed data", () => {
    const silent = intercepted({
      authoritatives: defaultAuthoritatives(ZONE),
      watched: (v) => (v.kind === "authoritative" ? unreachable : nxdomain()),
    });
    const a = assess(silent);
    expect(a.status).toBe("unknown");
    expect(a.statusNote).toMatch(/no authoritative server reachable \(4 of 4 timed out\)$/);

    const madeUp = intercepted({}, forged);
    expect(assess(madeUp).status).toBe("unknown");
  });

  it("names each reason a vantage is not counted, silent ones included", () => {
    const silent = new Set(["pdns-1", "pdns-2", "knot-2"]);
    const round = intercepted({
      watched: (v) => (v.kind === "recursive" && silent.has(v.name) ? unreachable : nxdomain()),
      control: (v) => (silent.has(v.name) ? unreachable : nxdomain()),
    });
    const a = assess(round);
    expect(a.status).toBe("unknown");
    expect(a.statusNote).toBe(
      `no vantage counted (5 of 8 fail the control zones as well, so their answers say ` +
        `nothing about the zone; 3 of 8 timed out), no authoritative server reachable ` +
        `(none discovered: the delegation could not be followed)`,
    );
  });

  it("without control zones no vantage is counted: only the authoritative servers decide", () => {
    // Nothing shows such a vantage validates at all (widespread leaves it out the same way).
    const noServers = intercepted({ controlZones: [], watched: () => bad("signature-expired") });
    const a = assess(noServers);
    expect(a.status).toBe("unknown");
    expect(a.statusNote).toMatch(
      /^no vantage counted \(8 of 8 without a control-zone answer \(are control zones configured\?\)\)/,
    );
    const serversFail = makeRound({
      zone: ZONE,
      at: AT,
      controlZones: [],
      watched: () => bad("signature-expired"),
    });
    expect(assess(serversFail).status).toBe("failing");
  });

  it("vantages left out and answering vantages healthy: healthy, the left-out ones fail nothing", () => {
    const excluded = new Set(["unbound-1", "bind-1", "knot-1"]);
    const round = makeRound({
      zone: ZONE,
      at: AT,
      watched: (v) => (v.kind === "recursive" && excluded.has(v.name) ? forged() : {}),
      control: (v) => (excluded.has(v.name) ? forged() : {}),
    });
    const figures = assessRound(round, T);
    expect(figures.vantagesCounted).toBe(VANTAGES.length - excluded.size);
    expect(figures.vantagesFailing).toEqual([]);
    expect(assess(round).status).toBe("healthy");
  });

  it("every vantage left out, authoritative servers validating: healthy from the servers' answers", () => {
    const round = intercepted({
      authoritatives: defaultAuthoritatives(ZONE),
      watched: (v) => (v.kind === "authoritative" ? {} : forged()),
    });
    expect(assess(round).status).toBe("healthy");
  });

  it("every vantage left out, every authoritative server serving expired signatures: failing from the servers", () => {
    const round = intercepted({
      authoritatives: defaultAuthoritatives(ZONE),
      watched: (v) => (v.kind === "authoritative" ? bad("signature-expired") : nxdomain()),
    });
    const a = assess(round);
    expect(a.status).toBe("failing");
    expect(a.widespread.met).toBe(false);
    expect(a.widespread.evidence.summary).toContain(
      "4 of 4 reachable authoritative servers serve data that fails validation",
    );
  });
});

describe("the words of a round with no vantage counted", () => {
  it("never says 0 of 0: it says no vantage is counted, and why", () => {
    const f = assessRound(intercepted(), T);
    const text = describeRound(f, T);
    expect(text).not.toMatch(/\b0 of 0\b/);
    expect(text).toMatch(/^no vantage counted, none can fail; /);
    expect(text).toContain("control zones not validating, excluded: unbound-1 (unbound)");
  });
});

describe("failing only when a counted path fails", () => {
  // Every combination of four vantage behaviours, control zones passing or
  // not, and the authoritative servers validating, failing or silent.
  const behaviours: ProbeSpec[] = [{}, forged(), nxdomain(), unreachable];
  const auths: ProbeSpec[] = [{}, bad("signature-expired"), unreachable];
  it("holds for each of the combinations", () => {
    let checked = 0;
    for (let mask = 0; mask < 4 ** 3; mask++) {
      for (let controlMask = 0; controlMask < 2 ** 3; controlMask++) {
        for (const auth of auths) {
          const vantages = VANTAGES.slice(0, 3);
          const spec = (name: string) =>
            behaviours[Math.floor(mask / 4 ** vantages.findIndex((v) => v.name === name)) % 4]!;
          const controlFails = (name: string) =>
            (controlMask >> vantages.findIndex((v) => v.name === name)) & 1;
          const round = makeRound({
            zone: ZONE,
            at: AT,
            vantages,
            authoritatives: defaultAuthoritatives(ZONE, 2),
            canaries: canaries(ZONE).slice(0, 2),
            watched: (v) => (v.kind === "authoritative" ? auth : spec(v.name)),
            control: (v) => (controlFails(v.name) ? forged() : {}),
          });
          const f = assessRound(round, T);
          const a = assess(round);
          const countedFailing = f.vantagesFailing.length + f.authoritativesBad.length;
          if (a.status === "failing") expect(countedFailing).toBeGreaterThan(0);
          if (countedFailing > 0) expect(a.status).toBe("failing");
          if (f.vantagesCounted + f.authoritativesCounted === 0) {
            expect(a.status).toBe("unknown");
            expect(a.statusNote).toBeTruthy();
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(64 * 8 * 3);
  });
});

describe("no security value is never met on nothing compared", () => {
  it("bogus everywhere, but no path served a record: not met, and it says there was nothing to compare", () => {
    const p = assessNoSecurityValue(intercepted(), {}, T);
    expect(p.tampering).toBeUndefined();
    expect(p.met).toBe(false);
    expect(p.evidence.summary).toBe(
      "no path with bad data served any record (answers without data, such as NXDOMAIN " +
        "without a proof): nothing to compare with other paths or the last known good",
    );
    expect(p.evidence.figures.canariesCompared).toBe(0);
  });

  it("counts the canaries whose bad data was compared when it is met", () => {
    const round = makeRound({ zone: ZONE, at: AT, watched: () => bad("signature-expired") });
    const p = assessNoSecurityValue(round, {}, T);
    expect(p.met).toBe(true);
    expect(p.evidence.figures.canariesCompared).toBe(canaries(ZONE).length);
    expect(p.evidence.summary).toContain(
      `every path with bad data serves the same RRset bytes on each of the ` +
        `${canaries(ZONE).length} canaries compared`,
    );
  });
});
