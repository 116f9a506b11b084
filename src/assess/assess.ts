/**
 * The assessment of one zone at one time: the three preconditions with
 * their evidence, the zone's status, whether it validates everywhere (the
 * retraction condition), an early warning for signatures about to expire,
 * and the NTA lifetime a proposal should offer. Pure: the rounds, the
 * confirmations, the last known good and the time are all passed in.
 */

import type { Thresholds } from "../config/thresholds.js";
import type { Round } from "../probe/observation.js";
import { canaryKey, isoTime, locallyBogus, validates } from "./classify.js";
import { assessConfirmed, confirmationsFromRound } from "./confirmed.js";
import type { LastKnownGood } from "./last-known-good.js";
import { assessNoSecurityValue } from "./no-security-value.js";
import type { Assessment, Confirmation, ExpiringSoon, RoundFigures, ZoneStatus } from "./types.js";
import { uncountedSummary } from "./reach.js";
import { assessRound, assessWidespread, clockSuspect } from "./widespread.js";

export interface AssessInput {
  zone: string;
  /** Recent rounds of the zone, oldest first; the last one is "now". */
  rounds: readonly Round[];
  /** Confirmations recorded by people and configured sources. */
  confirmations: readonly Confirmation[];
  lastKnownGood: LastKnownGood;
  now: number;
}

/**
 * Decided from the paths that count, as the widespread precondition counts
 * them: recursive vantages that answered and whose control zones validate,
 * and authoritative servers that answered. A vantage left out (its control
 * zones fail too, or gave no answer) is neither failing nor healthy; with
 * no path counted the zone is unknown, never failing (RFC 4035 §4.3).
 */
function statusOf(f: RoundFigures | undefined, suspect: boolean): ZoneStatus {
  if (!f || suspect) return "unknown";
  if (f.vantagesCounted === 0 && f.authoritativesCounted === 0) return "unknown";
  return f.vantagesFailing.length > 0 || f.authoritativesBad.length > 0 ? "failing" : "healthy";
}

/**
 * RFC 7646 §4: the NTA goes once the zone validates again. Every recursive
 * vantage that answers (our own validation of its CD=1 data) and every
 * authoritative server, with none of the servers silent: a resolver that
 * retries another server hides a break on some of them, only direct
 * per-server probes show it.
 */
function validEverywhere(round: Round | undefined): { valid: boolean; as?: "secure" | "insecure" } {
  if (!round) return { valid: false };
  const recursive = round.observations.filter((o) => o.vantage.kind === "recursive" && o.reachable);
  const authoritative = round.observations.filter((o) => o.vantage.kind === "authoritative");
  if (recursive.length === 0 || authoritative.length === 0) return { valid: false };
  if (!authoritative.every((o) => o.reachable)) return { valid: false };
  const all = [...recursive, ...authoritative];
  if (!all.every(validates)) return { valid: false };
  return {
    valid: true,
    as: all.some((o) => o.verdict.security === "insecure") ? "insecure" : "secure",
  };
}

/**
 * For each canary, the latest of the earliest expirations seen on paths
 * that validate (a fresh signature anywhere counts); the zone's horizon is
 * the earliest of those. Warn when it is within the warning time.
 */
function expiringSoon(
  round: Round | undefined,
  now: number,
  t: Thresholds,
): ExpiringSoon | undefined {
  if (!round) return undefined;
  const latest = new Map<string, number>();
  for (const o of round.observations) {
    if (!validates(o) || o.verdict.security !== "secure" || o.earliestExpiration === undefined)
      continue;
    const key = canaryKey(o.canary);
    latest.set(key, Math.max(latest.get(key) ?? -Infinity, o.earliestExpiration));
  }
  let soonest: ExpiringSoon | undefined;
  for (const [canary, horizon] of latest) {
    const secondsLeft = horizon - now;
    if (secondsLeft <= 0 || secondsLeft > t.expiryWarningSeconds) continue;
    if (!soonest || horizon < soonest.horizon) soonest = { horizon, secondsLeft, canary };
  }
  return soonest;
}

/**
 * The lifetime to offer. Signatures that expired longer ago than the stale
 * threshold mark a zone nobody is fixing: offer the longest lifetime, so a
 * person is not asked again every day, and say why.
 */
function suggestLifetime(round: Round | undefined, now: number, t: Thresholds) {
  const expirations = (round?.observations ?? [])
    .filter((o) => locallyBogus(o) && o.verdict.reason?.kind === "signature-expired")
    .map((o) => o.verdict.reason?.expiration ?? o.earliestExpiration)
    .filter((e): e is number => e !== undefined);
  if (expirations.length > 0) {
    const newest = Math.max(...expirations);
    if (now - newest > t.staleExpiredSeconds) {
      const days = Math.floor((now - newest) / 86400);
      return {
        seconds: t.ntaLifetimeMaxSeconds,
        note:
          `stale zone: its newest signature expired at ${isoTime(newest)}, ${days} days ago, ` +
          `and nobody is fixing it; the longest lifetime (${t.ntaLifetimeMaxSeconds} s) is offered`,
      };
    }
  }
  return {
    seconds: t.ntaLifetimeDefaultSeconds,
    note: `default lifetime (${t.ntaLifetimeDefaultSeconds} s); retracted earlier once the zone validates`,
  };
}

export function assessZone(input: AssessInput, t: Thresholds): Assessment {
  const latest = input.rounds[input.rounds.length - 1];
  for (const r of input.rounds) {
    if (r.zone.toLowerCase() !== input.zone.toLowerCase()) {
      throw new Error(`round for ${r.zone} passed to the assessment of ${input.zone}`);
    }
  }
  const suspect = latest ? clockSuspect(latest) : false;
  const figures = latest ? assessRound(latest, t) : undefined;
  const fromVantages = latest ? confirmationsFromRound(latest, t) : [];
  const everywhere = validEverywhere(latest);
  const lifetime = suggestLifetime(latest, input.now, t);
  const assessment: Assessment = {
    zone: input.zone,
    at: input.now,
    status: statusOf(figures, suspect),
    widespread: assessWidespread(input.rounds, t),
    confirmed: assessConfirmed(input.zone, [...input.confirmations, ...fromVantages], input.now, t),
    noSecurityValue: assessNoSecurityValue(latest, input.lastKnownGood, t),
    validEverywhere: everywhere.valid && !suspect,
    clockSuspect: suspect,
    suggestedLifetimeSeconds: lifetime.seconds,
    lifetimeNote: lifetime.note,
  };
  if (assessment.status === "unknown") {
    assessment.statusNote =
      !latest || !figures
        ? "not probed yet"
        : suspect
          ? "the local clock looks wrong: signatures fail only on their validity window"
          : (uncountedSummary(latest, figures) ?? "no path counted");
  }
  if (everywhere.as) assessment.validAs = everywhere.as;
  const soon = expiringSoon(latest, input.now, t);
  if (soon) assessment.expiringSoon = soon;
  return assessment;
}
