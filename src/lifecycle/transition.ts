/**
 * The per-zone state machine: transition(state, event, now, thresholds)
 * returns the next state and the effects to carry out, or a typed error for
 * an event that does not apply (approving a healthy zone, a lifetime over a
 * week, an approval by the watcher itself). Pure; the clock is passed in.
 *
 * RFC 7646 §2.1: an NTA is never put in place automatically. The only way
 * into `active` is an `approve` event from a person, on a proposal.
 */

import { isoTime, sameZone } from "../assess/classify.js";
import { NTA_LIFETIME_FLOOR_SECONDS, type Thresholds } from "../config/thresholds.js";
import { alert, mark, moveTo, startDraft, type Draft } from "./draft.js";
import { onRound, retract } from "./round.js";
import {
  SYSTEM_ACTOR,
  type TransitionError,
  type TransitionErrorCode,
  type TransitionResult,
  type ZoneEvent,
  type ZoneState,
} from "./types.js";

/** A zone seen for the first time: healthy until a round says otherwise. */
export function initialState(zone: string, now: number): ZoneState {
  return {
    zone,
    phase: "healthy",
    since: now,
    recoveryRounds: 0,
    tamperingSeen: false,
    warned: { clockSuspect: false },
  };
}

function fail(
  state: ZoneState,
  event: ZoneEvent,
  code: TransitionErrorCode,
  message: string,
): TransitionResult {
  const error: TransitionError = { code, message, phase: state.phase, event: event.type };
  return { ok: false, error };
}

/** Checks that apply to every act of a person. */
function checkPerson(state: ZoneState, event: ZoneEvent & { actor: string; reason: string }) {
  if (event.actor.trim() === "" || event.actor.trim().toLowerCase() === SYSTEM_ACTOR) {
    return fail(
      state,
      event,
      "not-a-person",
      `${event.type} must come from a person, not "${event.actor}"`,
    );
  }
  if (event.reason.trim() === "") {
    return fail(state, event, "reason-missing", `${event.type} needs a reason`);
  }
  return undefined;
}

/** RFC 7646 and BIND's nta-lifetime: bounded, at most a week (or less, if configured). */
function checkLifetime(
  state: ZoneState,
  event: ZoneEvent & { lifetimeSeconds: number },
  t: Thresholds,
) {
  const l = event.lifetimeSeconds;
  if (!Number.isInteger(l) || l < NTA_LIFETIME_FLOOR_SECONDS || l > t.ntaLifetimeMaxSeconds) {
    return fail(
      state,
      event,
      "lifetime-out-of-range",
      `lifetime ${l} s outside ${NTA_LIFETIME_FLOOR_SECONDS}..${t.ntaLifetimeMaxSeconds} s`,
    );
  }
  return undefined;
}

function notIn(state: ZoneState, event: ZoneEvent, allowed: string): TransitionResult {
  return fail(
    state,
    event,
    "not-allowed-in-phase",
    `${event.type} is only possible ${allowed}, not while ${state.phase}`,
  );
}

function done(d: Draft): TransitionResult {
  return { ok: true, state: d.state, effects: d.effects };
}

export function transition(
  state: ZoneState,
  event: ZoneEvent,
  now: number,
  t: Thresholds,
): TransitionResult {
  const d = startDraft(state, now);
  switch (event.type) {
    case "round": {
      if (!sameZone(event.assessment.zone, state.zone)) {
        return fail(
          state,
          event,
          "zone-mismatch",
          `assessment of ${event.assessment.zone} for ${state.zone}`,
        );
      }
      onRound(d, event.assessment, t);
      return done(d);
    }

    case "approve": {
      if (state.phase !== "proposed") return notIn(state, event, "on a proposal");
      const bad = checkPerson(state, event) ?? checkLifetime(state, event, t);
      if (bad) return bad;
      const expiresAt = now + event.lifetimeSeconds;
      d.state.nta = { approvedBy: event.actor, approvedAt: now, expiresAt, reason: event.reason };
      d.state.recoveryRounds = 0;
      moveTo(d, "active", event.actor, "approve", `${event.reason}; expires ${isoTime(expiresAt)}`);
      d.effects.push({ kind: "apply-nta", zone: state.zone, expiresAt, reason: event.reason });
      mark(
        d,
        "approval",
        event.actor,
        `approved by ${event.actor} for ${event.lifetimeSeconds} s: ${event.reason}`,
      );
      alert(
        d,
        "approved",
        "info",
        `NTA for ${state.zone} approved by ${event.actor} until ${isoTime(expiresAt)}`,
      );
      return done(d);
    }

    case "reject": {
      if (state.phase !== "proposed") return notIn(state, event, "on a proposal");
      const bad = checkPerson(state, event);
      if (bad) return bad;
      moveTo(d, "rejected", event.actor, "reject", event.reason);
      mark(d, "rejection", event.actor, `rejected by ${event.actor}: ${event.reason}`);
      alert(
        d,
        "rejected",
        "info",
        `proposal for ${state.zone} rejected by ${event.actor}: ${event.reason}`,
      );
      delete d.state.proposal;
      return done(d);
    }

    case "retract": {
      if (state.phase !== "active") return notIn(state, event, "on an active NTA");
      const bad = checkPerson(state, event);
      if (bad) return bad;
      retract(d, event.actor, `retracted by ${event.actor}: ${event.reason}`, "info");
      return done(d);
    }

    case "extend": {
      if (state.phase !== "active" || !state.nta) return notIn(state, event, "on an active NTA");
      const bad = checkPerson(state, event) ?? checkLifetime(state, event, t);
      if (bad) return bad;
      const expiresAt = now + event.lifetimeSeconds;
      d.state.nta = {
        ...state.nta,
        approvedBy: event.actor,
        approvedAt: now,
        expiresAt,
        reason: event.reason,
      };
      moveTo(
        d,
        "active",
        event.actor,
        "extend",
        `${event.reason}; now expires ${isoTime(expiresAt)}`,
      );
      d.effects.push({ kind: "apply-nta", zone: state.zone, expiresAt, reason: event.reason });
      mark(
        d,
        "extension",
        event.actor,
        `extended by ${event.actor} until ${isoTime(expiresAt)}: ${event.reason}`,
      );
      return done(d);
    }

    case "deployed": {
      if (state.phase !== "active" || !state.nta) return notIn(state, event, "on an active NTA");
      d.state.nta = { ...state.nta, deployedAt: now };
      const where = event.resolvers.join(", ") || "no resolver";
      mark(d, "deployment", SYSTEM_ACTOR, `NTA in place on ${where}`);
      return done(d);
    }

    case "tick": {
      const nta = state.nta;
      if (state.phase !== "active" || !nta || now < nta.expiresAt) return done(d);
      const reason = `lifetime over at ${isoTime(nta.expiresAt)}`;
      moveTo(d, "expired", SYSTEM_ACTOR, "expire", reason);
      d.effects.push({ kind: "remove-nta", zone: state.zone, reason });
      mark(d, "expiry", SYSTEM_ACTOR, reason);
      alert(
        d,
        "expired",
        "warning",
        `NTA for ${state.zone} expired (${reason}); a new proposal needs a new approval`,
      );
      return done(d);
    }
  }
}
