/**
 * Properties over random inputs, from a seeded generator so a failure can be
 * replayed: approval is always a person's act, tampering never leads to a
 * proposal, an unreachable vantage never adds to a failure, and a wrong
 * local clock never yields a proposal.
 */

import { describe, expect, it } from "vitest";
import { assessZone } from "../../src/assess/assess.js";
import { assessRound } from "../../src/assess/widespread.js";
import type { Confirmation } from "../../src/assess/types.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { ReasonKind } from "../../src/dnssec/verdict.js";
import { initialState, transition } from "../../src/lifecycle/transition.js";
import { SYSTEM_ACTOR, type ZoneEvent, type ZoneState } from "../../src/lifecycle/types.js";
import type { Round } from "../../src/probe/observation.js";
import { bad, makeRound, unreachable, utc, type ProbeSpec } from "../assess/synthetic.js";
import { drive } from "./drive.js";
import { assessment, NOW, ZONE } from "./support.js";

/** mulberry32: a small seeded generator, enough for test inputs. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    bool: (p = 0.5) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}
type Gen = ReturnType<typeof generator>;

const ACTORS = ["alice", "bob", SYSTEM_ACTOR, "", "  "];
const isPerson = (actor: string) => actor.trim() !== "" && actor.trim() !== SYSTEM_ACTOR;

function randomEvent(g: Gen): ZoneEvent {
  switch (g.int(0, 7)) {
    case 0:
      return {
        type: "approve",
        actor: g.pick(ACTORS),
        lifetimeSeconds: g.pick([30, 3600, 86400, 604800, 604801]),
        reason: g.pick(["ok", ""]),
      };
    case 1:
      return { type: "reject", actor: g.pick(ACTORS), reason: "no" };
    case 2:
      return { type: "retract", actor: g.pick(ACTORS), reason: "fixed" };
    case 3:
      return {
        type: "extend",
        actor: g.pick(ACTORS),
        lifetimeSeconds: g.pick([3600, 604800, 700000]),
        reason: "more",
      };
    case 4:
      return { type: "deployed", resolvers: ["unbound-1"] };
    case 5:
      return { type: "tick" };
    default: {
      const status = g.pick(["healthy", "failing", "failing", "unknown"] as const);
      return {
        type: "round",
        assessment: assessment({
          status,
          w: g.bool(0.7),
          c: g.bool(0.7),
          n: g.bool(0.7),
          tampering: g.bool(0.15),
          valid: status === "healthy" && g.bool(0.8),
        }),
      };
    }
  }
}

describe("property: no event path reaches active without a person's approval (RFC 7646 §2.1)", () => {
  it("holds over 300 random sequences of 60 events", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const g = generator(seed);
      let state: ZoneState = initialState(ZONE, NOW);
      let now = NOW;
      for (let i = 0; i < 60; i++) {
        now += g.int(0, 4 * 86400);
        const event = randomEvent(g);
        const r = transition(state, event, now, T);
        if (!r.ok) continue;
        if (r.state.phase === "active" && state.phase !== "active") {
          expect(event.type, `seed ${seed} step ${i}`).toBe("approve");
          expect(state.phase).toBe("proposed");
          expect(event.type === "approve" && isPerson(event.actor)).toBe(true);
        }
        if (r.state.phase === "active") {
          expect(isPerson(r.state.nta?.approvedBy ?? "")).toBe(true);
          expect(r.state.nta!.expiresAt - now).toBeLessThanOrEqual(T.ntaLifetimeMaxSeconds);
        }
        state = r.state;
      }
    }
  });
});

describe("property: never propose when tampering is seen (RFC 7646 §7)", () => {
  it("holds over 300 random sequences: no proposal on a tampering round or later in the same incident", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const g = generator(seed * 7919);
      let state: ZoneState = initialState(ZONE, NOW);
      let tamperedInIncident = false;
      for (let i = 0; i < 60; i++) {
        const event = randomEvent(g);
        const r = transition(state, event, NOW + i * 300, T);
        if (!r.ok) continue;
        if (event.type === "round" && event.assessment.noSecurityValue.tampering)
          tamperedInIncident = true;
        const proposedNow = r.effects.some(
          (e) => e.kind === "audit" && e.entry.action === "propose",
        );
        if (proposedNow) {
          expect(tamperedInIncident, `seed ${seed} step ${i}`).toBe(false);
        }
        if (!r.state.incident) tamperedInIncident = false;
        state = r.state;
      }
    }
  });
});

describe("property: an unreachable vantage never counts toward widespread", () => {
  const KINDS: ReasonKind[] = ["signature-expired", "signature-invalid", "no-dnskey-matches-ds"];
  it("never lists an unreachable vantage as failing, and silencing a failing vantage never makes a failure widespread", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const g = generator(seed * 104729);
      const plan = new Map<string, ProbeSpec>();
      const spec = (name: string): ProbeSpec => {
        if (!plan.has(name)) {
          plan.set(name, g.bool(0.25) ? unreachable : g.bool(0.7) ? bad(g.pick(KINDS)) : {});
        }
        return plan.get(name)!;
      };
      const build = (silenced: string | undefined): Round =>
        makeRound({
          zone: ZONE,
          at: NOW,
          watched: (v) =>
            v.kind === "recursive" ? (v.name === silenced ? unreachable : spec(v.name)) : {},
          control: (v) =>
            v.name === silenced || plan.get(v.name)?.reachable === false ? unreachable : {},
        });
      const before = assessRound(build(undefined), T);
      for (const label of before.vantagesUnreachable)
        expect(before.vantagesFailing).not.toContain(label);
      const failingName = [...plan].find(([, s]) => s.verdict?.security === "bogus")?.[0];
      if (!failingName) continue;
      const after = assessRound(build(failingName), T);
      if (!before.met) expect(after.met, `seed ${seed}`).toBe(false);
      expect(after.vantagesFailing.length).toBe(before.vantagesFailing.length - 1);
    }
  });
});

describe("property: a wrong local clock never yields a proposal", () => {
  it("holds over 100 random runs where our clock makes every signature look expired or not yet valid", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const g = generator(seed * 15485863);
      const start = utc(2026, 5, 5, 12);
      const kind = g.pick<ReasonKind>(["signature-expired", "signature-not-yet-valid"]);
      const wrongClock = (): ProbeSpec =>
        // The resolvers, with correct clocks, validate; only our own validation fails.
        bad(kind, { user: { rcode: "NOERROR", ad: true, ede: [] } });
      const rounds = Array.from({ length: 8 }, (_, i) =>
        makeRound({
          zone: ZONE,
          at: start + i * 300,
          watched: (v) => (v.kind === "recursive" && g.bool(0.1) ? unreachable : wrongClock()),
          // Some control zones may still fall inside their validity window.
          control: () => (g.bool(0.6) ? wrongClock() : {}),
        }),
      );
      const confirmations: Confirmation[] = [
        {
          zone: ZONE,
          source: "manual",
          author: "alice",
          reference: "https://status.example/1",
          at: start,
        },
      ];
      const run = drive(ZONE, rounds, { confirmations });
      expect(run.phases, `seed ${seed}`).not.toContain("proposed");
      expect(run.phases).not.toContain("active");
    }
  });

  it("reports the clock, not the zone, when every zone looks expired at once", () => {
    const at = utc(2026, 5, 5, 12);
    const r = makeRound({
      zone: ZONE,
      at,
      watched: () => bad("signature-expired"),
      control: () => bad("signature-expired"),
    });
    const a = assessZone(
      { zone: ZONE, rounds: [r], confirmations: [], lastKnownGood: {}, now: at },
      T,
    );
    expect(a.clockSuspect).toBe(true);
    expect(a.widespread.evidence.summary).toContain("local clock suspect");
  });
});
