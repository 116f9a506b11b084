/**
 * Precondition 1, widespread: the zone fails from most recursive vantages,
 * across resolver implementations and on most canaries, for K rounds in a
 * row; not the watcher's own network or clock (control zones still
 * validate from the same vantages), and not a vantage being unreachable.
 */

import type { Thresholds } from "../config/thresholds.js";
import type { Observation, RecursiveVantage, Round } from "../probe/observation.js";
import {
  canaryKey,
  distinct,
  fails,
  insecureByPolicy,
  isoTime,
  locallyBogus,
  percent,
  timeBogus,
  vantageKey,
  vantageLabel,
} from "./classify.js";
import type { Precondition, RoundFigures, WidespreadFigures } from "./types.js";

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * The local clock is suspect when the watched zone fails only on the
 * signature window (expired or not yet valid, RFC 4035 §5.3.1) and either
 * more than half of the control zones do the same at the same time
 * (independent signers do not all expire at once), or most of the
 * recursive vantages, which check the same signatures with their own
 * clocks, give their users validated answers (AD set) for those very names.
 */
export function clockSuspect(round: Round): boolean {
  const watchedBogus = round.observations.filter(locallyBogus);
  if (watchedBogus.length === 0 || !watchedBogus.every(timeBogus)) return false;
  const controls = round.control.filter((o) => o.reachable);
  const controlZones = distinct(controls.map((o) => o.zone.toLowerCase()));
  const expiredControlZones = distinct(controls.filter(timeBogus).map((o) => o.zone.toLowerCase()));
  if (controlZones.length > 0 && expiredControlZones.length * 2 > controlZones.length) return true;
  const seenByResolvers = watchedBogus.filter((o) => o.vantage.kind === "recursive");
  const validatedForUsers = seenByResolvers.filter(
    (o) => o.userAnswer?.rcode.toUpperCase() === "NOERROR" && o.userAnswer.ad,
  );
  return seenByResolvers.length > 0 && validatedForUsers.length * 2 > seenByResolvers.length;
}

/** The figures of one round against the thresholds. */
export function assessRound(round: Round, t: Thresholds): RoundFigures {
  const recursive = round.observations.filter((o) => o.vantage.kind === "recursive");
  const authoritative = round.observations.filter((o) => o.vantage.kind === "authoritative");
  const controlByVantage = groupBy(round.control, (o) => vantageKey(o.vantage));

  const unreachable: string[] = [];
  const controlFailed: string[] = [];
  const withoutControl: string[] = [];
  const counted: { vantage: RecursiveVantage; observations: Observation[] }[] = [];
  for (const observations of groupBy(recursive, (o) => vantageKey(o.vantage)).values()) {
    const vantage = observations[0]!.vantage as RecursiveVantage;
    const answered = observations.filter((o) => o.reachable);
    if (answered.length === 0) {
      unreachable.push(vantageLabel(vantage));
      continue;
    }
    const controls = (controlByVantage.get(vantageKey(vantage)) ?? []).filter((o) => o.reachable);
    if (controls.length === 0) {
      withoutControl.push(vantageLabel(vantage));
      continue;
    }
    if (controls.some(fails)) {
      controlFailed.push(vantageLabel(vantage));
      continue;
    }
    counted.push({ vantage, observations: answered });
  }

  const failing = counted.filter((c) => c.observations.some(fails));
  const implementations = distinct(counted.map((c) => c.vantage.software));
  const implementationsFailing = distinct(failing.map((c) => c.vantage.software));
  const countedObservations = counted.flatMap((c) => c.observations);
  const canaries = distinct(countedObservations.map((o) => canaryKey(o.canary)));
  const canariesFailing = distinct(
    countedObservations.filter(fails).map((o) => canaryKey(o.canary)),
  );

  const authoritativeUnreachable: string[] = [];
  const authoritativeBad: string[] = [];
  let authoritativesCounted = 0;
  for (const observations of groupBy(authoritative, (o) => vantageKey(o.vantage)).values()) {
    const label = vantageLabel(observations[0]!.vantage);
    if (!observations.some((o) => o.reachable)) {
      authoritativeUnreachable.push(label);
      continue;
    }
    authoritativesCounted++;
    if (observations.some(locallyBogus)) authoritativeBad.push(label);
  }

  const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
  const vantageShare = share(failing.length, counted.length);
  const implementationShare = share(implementationsFailing.length, implementations.length);
  const canaryShare = share(canariesFailing.length, canaries.length);
  const suspect = clockSuspect(round);
  const met =
    !suspect &&
    counted.length > 0 &&
    vantageShare >= t.minVantageShare &&
    implementationsFailing.length >= t.minImplementations &&
    canaryShare >= t.minCanaryShare;

  return {
    at: round.at,
    met,
    vantagesCounted: counted.length,
    vantagesFailing: failing.map((c) => vantageLabel(c.vantage)),
    vantageShare,
    vantagesUnreachable: unreachable,
    vantagesControlFailed: controlFailed,
    vantagesWithoutControl: withoutControl,
    implementationsCounted: implementations,
    implementationsFailing,
    implementationShare,
    canariesCounted: canaries.length,
    canariesFailing,
    canaryShare,
    authoritativesCounted,
    authoritativesBad: authoritativeBad,
    authoritativesUnreachable: authoritativeUnreachable,
    insecureByPolicy: round.observations.filter((o) => o.reachable && insecureByPolicy(o)).length,
    clockSuspect: suspect,
  };
}

/** One paragraph for people about one round. */
export function describeRound(f: RoundFigures, t: Thresholds): string {
  if (f.clockSuspect) {
    return (
      `local clock suspect at ${isoTime(f.at)}: our own validation finds only expired or ` +
      `not-yet-valid signatures, and the control zones show the same or the resolvers ` +
      `validate these answers with their own clocks; nothing is concluded about the zone`
    );
  }
  // With no vantage counted there is no share to give: "0 of 0" would read as a figure.
  const parts =
    f.vantagesCounted === 0
      ? ["no vantage counted, none can fail"]
      : [
          `${f.vantagesFailing.length} of ${f.vantagesCounted} reachable vantages fail ` +
            `(${percent(f.vantageShare)}, ${percent(t.minVantageShare)} required)`,
          `${f.implementationsFailing.length} of ${f.implementationsCounted.length} implementations ` +
            `(${f.implementationsFailing.join(", ") || "none"}; ${t.minImplementations} required)`,
          `${f.canariesFailing.length} of ${f.canariesCounted} canaries ` +
            `(${percent(f.canaryShare)}, ${percent(t.minCanaryShare)} required)`,
        ];
  if (f.vantagesFailing.length > 0) parts.push(`failing: ${f.vantagesFailing.join(", ")}`);
  if (f.vantagesUnreachable.length > 0) {
    parts.push(`unreachable, excluded: ${f.vantagesUnreachable.join(", ")}`);
  }
  if (f.vantagesControlFailed.length > 0) {
    parts.push(`control zones not validating, excluded: ${f.vantagesControlFailed.join(", ")}`);
  }
  if (f.vantagesWithoutControl.length > 0) {
    parts.push(
      `no control-zone answer, excluded (are control zones configured?): ` +
        f.vantagesWithoutControl.join(", "),
    );
  }
  const authTotal = f.authoritativesCounted + f.authoritativesUnreachable.length;
  if (authTotal > 0) {
    const bad = f.authoritativesBad.length > 0 ? ` (${f.authoritativesBad.join(", ")})` : "";
    parts.push(
      `${f.authoritativesBad.length} of ${f.authoritativesCounted} reachable authoritative ` +
        `servers serve data that fails validation${bad}`,
    );
  }
  if (f.insecureByPolicy > 0) {
    parts.push(
      `${f.insecureByPolicy} answers insecure by algorithm or NSEC3 iterations: not broken`,
    );
  }
  return parts.join("; ");
}

/** Precondition 1 over the recent rounds of one zone, oldest first. */
export function assessWidespread(
  rounds: readonly Round[],
  t: Thresholds,
): Precondition<WidespreadFigures> {
  const required = t.consecutiveRounds;
  if (rounds.length === 0) {
    return {
      met: false,
      evidence: { summary: "no round observed yet", figures: { required, streak: 0, rounds: [] } },
    };
  }
  const all = rounds.map((r) => assessRound(r, t));
  let streak = 0;
  for (let i = all.length - 1; i >= 0 && all[i]!.met; i--) streak++;
  const latest = all[all.length - 1]!;
  const met = streak >= required;
  const summary = `${describeRound(latest, t)}; ${streak} round(s) in a row met, ${required} required`;
  return {
    met,
    evidence: { summary, figures: { required, streak, rounds: all.slice(-required) } },
  };
}
