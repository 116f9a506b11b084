/**
 * Hand-made assessments and zone states for the state-machine tests, so each
 * transition can be exercised from exactly the inputs it depends on.
 */

import type { Assessment, ExpiringSoon } from "../../src/assess/types.js";
import { initialState } from "../../src/lifecycle/transition.js";
import type { Phase, ZoneState } from "../../src/lifecycle/types.js";

export const ZONE = "example.";
export const NOW = Date.UTC(2026, 4, 5, 12) / 1000;

export interface Shape {
  status?: Assessment["status"];
  w?: boolean;
  c?: boolean;
  n?: boolean;
  tampering?: boolean;
  valid?: boolean;
  validAs?: "secure" | "insecure";
  clock?: boolean;
  expiring?: ExpiringSoon;
  at?: number;
  zone?: string;
}

/** An assessment with the given preconditions; the evidence says what was asked for. */
export function assessment(s: Shape = {}): Assessment {
  const precondition = <F>(met: boolean, name: string, figures: F) => ({
    met,
    evidence: { summary: `${name} ${met ? "holds" : "does not hold"}`, figures },
  });
  const a: Assessment = {
    zone: s.zone ?? ZONE,
    at: s.at ?? NOW,
    status: s.status ?? (s.valid ? "healthy" : "failing"),
    widespread: precondition(s.w ?? false, "widespread", { required: 3, streak: 0, rounds: [] }),
    confirmed: precondition(s.c ?? false, "confirmed", { valid: [], rejected: [] }),
    noSecurityValue: precondition(s.n ?? false, "no security value", {
      kinds: {},
      nonOperatorKinds: [],
      signatureInvalidCanaries: 0,
      canariesObserved: 0,
      keyTags: { dnskey: [], ds: [], rrsig: [] },
      collidingKeyTags: [],
      userOnlyFailures: 0,
      lastKnownGood: { matched: 0, unknown: 0, changed: 0 },
      insecureByPolicy: 0,
    }),
    validEverywhere: s.valid ?? false,
    clockSuspect: s.clock ?? false,
    suggestedLifetimeSeconds: 86400,
    lifetimeNote: "default lifetime",
  };
  if (s.tampering) {
    a.noSecurityValue.met = false;
    a.noSecurityValue.tampering = {
      summary: "tampering suspected, never propose: data differs between paths",
      figures: { differingBadPaths: [], differingFromGoodPaths: [], changedSinceLastKnownGood: [] },
    };
  }
  if (s.validAs) a.validAs = s.validAs;
  if (s.expiring) a.expiringSoon = s.expiring;
  return a;
}

export const HEALTHY = assessment({ status: "healthy", valid: true });
export const ALL_THREE = assessment({ w: true, c: true, n: true });

/** A zone state in the given phase, with what that phase implies (incident, proposal, NTA). */
export function inPhase(phase: Phase, extra: Partial<ZoneState> = {}): ZoneState {
  const s = initialState(ZONE, NOW - 3600);
  if (phase === "healthy") return { ...s, ...extra };
  s.phase = phase;
  s.incident = { id: `${ZONE}@incident`, openedAt: NOW - 3600, milestones: ["first-failure"] };
  if (phase === "proposed") {
    s.proposal = {
      at: NOW - 600,
      lifetimeSeconds: 86400,
      lifetimeNote: "default lifetime",
      evidence: {
        at: NOW - 600,
        status: "failing",
        widespread: { met: true, summary: "" },
        confirmed: { met: true, summary: "" },
        noSecurityValue: { met: true, summary: "" },
      },
    };
  }
  if (phase === "active") {
    s.nta = {
      approvedBy: "alice",
      approvedAt: NOW - 600,
      expiresAt: NOW + 86400,
      reason: "approved",
    };
  }
  return { ...s, ...extra };
}
