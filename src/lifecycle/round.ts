/**
 * What an assessed round does to a zone's lifecycle. Everything here is
 * automatic: proposing, withdrawing, retracting, blocking. Nothing here
 * makes an NTA active: that takes a person's approval (RFC 7646 §2.1).
 */

import { isoTime } from "../assess/classify.js";
import type { Assessment } from "../assess/types.js";
import type { Thresholds } from "../config/thresholds.js";
import {
  alert,
  closeIncident,
  mark,
  moveTo,
  note,
  openIncident,
  snapshotOf,
  type Draft,
} from "./draft.js";
import { SYSTEM_ACTOR, type Candidate, type Precondition } from "./types.js";

const NAMES: Record<Precondition, string> = {
  widespread: "widespread",
  confirmed: "publicly confirmed",
  noSecurityValue: "no security value in rejecting",
};

const PRECONDITIONS: readonly Precondition[] = ["widespread", "confirmed", "noSecurityValue"];

function held(a: Assessment, p: Precondition): { met: boolean; summary: string } {
  const { met, evidence } = a[p];
  return { met, summary: evidence.summary };
}

/** Two of three preconditions hold, without tampering: name the missing one. */
export function candidateOf(a: Assessment): Candidate | undefined {
  if (a.noSecurityValue.tampering) return undefined;
  const missing = PRECONDITIONS.filter((p) => !held(a, p).met);
  if (missing.length !== 1) return undefined;
  const m = missing[0]!;
  return { missing: m, summary: `candidate; missing: ${NAMES[m]} (${held(a, m).summary})` };
}

function allThree(a: Assessment): boolean {
  return PRECONDITIONS.every((p) => held(a, p).met);
}

function lapsed(a: Assessment): string {
  const gone = PRECONDITIONS.filter((p) => !held(a, p).met);
  return `no longer holds: ${gone.map((p) => NAMES[p]).join(", ")}`;
}

function warnings(d: Draft, a: Assessment): void {
  if (a.clockSuspect && !d.state.warned.clockSuspect) {
    d.state.warned.clockSuspect = true;
    alert(
      d,
      "clock-suspect",
      "critical",
      `local clock suspect at ${isoTime(a.at)}: ${a.widespread.evidence.summary}`,
    );
    note(d, SYSTEM_ACTOR, "clock-suspect", a.widespread.evidence.summary);
  } else if (!a.clockSuspect) {
    d.state.warned.clockSuspect = false;
  }
  const soon = a.expiringSoon;
  if (soon && d.state.warned.expiringHorizon !== soon.horizon) {
    d.state.warned.expiringHorizon = soon.horizon;
    const text =
      `signatures of ${soon.canary} expire at ${isoTime(soon.horizon)} ` +
      `(${Math.round(soon.secondsLeft / 3600)} h left) and no fresher ones are served`;
    alert(d, "signatures-expiring", "warning", text);
    note(d, SYSTEM_ACTOR, "early-warning", text);
  }
}

function propose(d: Draft, a: Assessment, from: string): void {
  d.state.proposal = {
    at: d.now,
    lifetimeSeconds: a.suggestedLifetimeSeconds,
    lifetimeNote: a.lifetimeNote,
    evidence: snapshotOf(a),
  };
  moveTo(
    d,
    "proposed",
    SYSTEM_ACTOR,
    "propose",
    `all three preconditions hold (${from}); ${a.lifetimeNote}`,
  );
  mark(d, "proposal", SYSTEM_ACTOR, `NTA proposed; ${a.lifetimeNote}`);
  alert(
    d,
    "proposal",
    "critical",
    `NTA proposed for ${d.state.zone}, awaiting a person's approval; ${a.lifetimeNote}`,
  );
}

function tampering(d: Draft, a: Assessment): string {
  const summary = a.noSecurityValue.tampering?.summary ?? "tampering suspected";
  d.state.tamperingSeen = true;
  mark(d, "tampering", SYSTEM_ACTOR, summary);
  alert(d, "tampering", "critical", `${d.state.zone}: ${summary}`);
  return summary;
}

/** degraded, broken or proposed, from the preconditions of this round. */
function advance(d: Draft, a: Assessment): void {
  if (a.widespread.met) mark(d, "widespread", SYSTEM_ACTOR, a.widespread.evidence.summary, true);
  if (allThree(a) && !d.state.tamperingSeen) {
    if (d.state.phase !== "broken")
      moveTo(d, "broken", SYSTEM_ACTOR, "broken", a.widespread.evidence.summary);
    propose(d, a, "widespread, confirmed, no security value");
    return;
  }
  const target = a.widespread.met ? "broken" : "degraded";
  if (d.state.phase === target) return;
  moveTo(d, target, SYSTEM_ACTOR, target, a.widespread.evidence.summary);
  if (target === "broken") {
    alert(
      d,
      "widespread",
      "warning",
      `${d.state.zone} fails widely: ${a.widespread.evidence.summary}`,
    );
  }
}

function retract(d: Draft, actor: string, reason: string, severity: "info" | "critical"): void {
  moveTo(d, "retracted", actor, "retract", reason);
  d.effects.push({ kind: "remove-nta", zone: d.state.zone, reason });
  mark(d, "retraction", actor, reason);
  alert(d, "retracted", severity, `NTA for ${d.state.zone} retracted: ${reason}`);
  d.state.recoveryRounds = 0;
}

export { retract };

export function onRound(d: Draft, a: Assessment, t: Thresholds): void {
  d.state.lastEvidence = snapshotOf(a);
  warnings(d, a);
  const candidate = candidateOf(a);
  if (candidate) d.state.candidate = candidate;
  else delete d.state.candidate;
  const phase = d.state.phase;

  const tampered = a.noSecurityValue.tampering !== undefined;
  if (a.status === "unknown" && !tampered) {
    // Nothing answered, or our own clock is wrong: conclude nothing. Tampering
    // evidence (paths serving different bytes) does not depend on the clock
    // and is acted on below whatever the status.
    if (phase === "active") d.state.recoveryRounds = 0;
    return;
  }
  if (d.state.incident && a.confirmed.met) {
    mark(d, "confirmation", SYSTEM_ACTOR, a.confirmed.evidence.summary, true);
  }

  switch (phase) {
    case "healthy":
      if (a.status === "healthy") return;
      openIncident(d, a.widespread.evidence.summary);
      alert(
        d,
        "failure",
        "warning",
        `${d.state.zone} fails validation: ${a.widespread.evidence.summary}`,
      );
      if (a.confirmed.met)
        mark(d, "confirmation", SYSTEM_ACTOR, a.confirmed.evidence.summary, true);
      if (tampered) moveTo(d, "blocked", SYSTEM_ACTOR, "block", tampering(d, a));
      else advance(d, a);
      return;

    case "degraded":
    case "broken":
      if (a.status === "healthy") closeIncident(d, "the zone validates again");
      else if (tampered) moveTo(d, "blocked", SYSTEM_ACTOR, "block", tampering(d, a));
      else advance(d, a);
      return;

    case "proposed": {
      if (!tampered && allThree(a)) return;
      const reason = tampered
        ? tampering(d, a)
        : a.status === "healthy"
          ? "the zone recovered before approval"
          : lapsed(a);
      moveTo(d, "withdrawn", SYSTEM_ACTOR, "withdraw", reason);
      mark(d, "withdrawal", SYSTEM_ACTOR, reason);
      if (!tampered)
        alert(d, "withdrawn", "info", `proposal for ${d.state.zone} withdrawn: ${reason}`);
      delete d.state.proposal;
      return;
    }

    case "active":
      if (tampered) {
        retract(d, SYSTEM_ACTOR, tampering(d, a), "critical");
        return;
      }
      if (!a.validEverywhere) {
        d.state.recoveryRounds = 0;
        return;
      }
      d.state.recoveryRounds++;
      mark(
        d,
        "recovery-seen",
        SYSTEM_ACTOR,
        `the zone validates as ${a.validAs ?? "secure"} from every vantage and server`,
        true,
      );
      if (d.state.recoveryRounds >= t.recoveryRounds) {
        // RFC 7646 §4: once the zone validates again, the NTA goes. A zone whose DS
        // was removed validates as insecure: that is a fixed zone, not an error.
        const as =
          a.validAs === "insecure"
            ? "insecure (no secure delegation: unsigned, not an error)"
            : "secure";
        retract(
          d,
          SYSTEM_ACTOR,
          `the zone validates as ${as} from every vantage and every authoritative server ` +
            `for ${d.state.recoveryRounds} rounds in a row`,
          "info",
        );
      }
      return;

    default:
      // The ends: rejected, withdrawn, blocked, expired, retracted.
      if (a.status === "healthy") {
        closeIncident(d, "the zone validates again");
        return;
      }
      if (tampered) {
        if (phase !== "blocked") moveTo(d, "blocked", SYSTEM_ACTOR, "block", tampering(d, a));
        else d.state.tamperingSeen = true;
        return;
      }
      if (
        (phase === "withdrawn" || phase === "expired" || phase === "retracted") &&
        allThree(a) &&
        !d.state.tamperingSeen
      ) {
        propose(d, a, `again after ${phase}`);
      }
      return;
  }
}
