/**
 * Precondition 2, publicly confirmed: the zone's operator or the community
 * has acknowledged the break. Confirmations come from people (with a
 * reference they can be held to), from configured sources (status feeds,
 * peer operators' NTA lists), and from vantages whose answers carry an
 * Extended DNS Error saying their operator already applied an NTA.
 */

import type { Thresholds } from "../config/thresholds.js";
import type { Round } from "../probe/observation.js";
import { isoTime, sameZone } from "./classify.js";
import type { Confirmation, ConfirmedFigures, Precondition } from "./types.js";

/** Why a confirmation does not count now, or undefined when it does. */
export function confirmationProblem(
  c: Confirmation,
  zone: string,
  now: number,
  t: Thresholds,
): string | undefined {
  if (!sameZone(c.zone, zone)) return `for ${c.zone}, not ${zone}`;
  if (c.author.trim() === "") return "no author";
  if (c.reference.trim() === "") return "no reference to check";
  if (c.at > now) return `dated in the future (${isoTime(c.at)})`;
  if (now - c.at > t.confirmationMaxAgeSeconds) {
    return `older than ${t.confirmationMaxAgeSeconds} s (recorded ${isoTime(c.at)})`;
  }
  if (c.expiresAt !== undefined && c.expiresAt <= now) return `expired at ${isoTime(c.expiresAt)}`;
  return undefined;
}

/**
 * Confirmations read from a round: every recursive vantage not managed by
 * this watcher whose user answer carries one of the configured "NTA in
 * effect" EDE codes (draft-farrokhi-dnsop-ede-nta) is one confirmation,
 * authored by that vantage. Our own resolvers echo our own NTA and are
 * skipped.
 */
export function confirmationsFromRound(round: Round, t: Thresholds): Confirmation[] {
  const codes = new Set(t.confirmingEdeCodes);
  const seen = new Set<string>();
  const out: Confirmation[] = [];
  for (const o of round.observations) {
    const v = o.vantage;
    if (v.kind !== "recursive" || v.managed || !o.reachable || seen.has(v.name)) continue;
    const ede = o.userAnswer?.ede.find((e) => codes.has(e.code));
    if (!ede) continue;
    seen.add(v.name);
    const text = ede.text ? `: "${ede.text}"` : "";
    out.push({
      zone: round.zone,
      source: "ede-nta",
      author: v.operator ? `${v.name} (${v.operator})` : v.name,
      reference: `EDE ${ede.code} from ${v.name} for ${o.canary.name} ${o.canary.type}${text}`,
      at: o.at,
    });
  }
  return out;
}

/** Precondition 2: met when one valid, unexpired confirmation for the zone exists. */
export function assessConfirmed(
  zone: string,
  confirmations: readonly Confirmation[],
  now: number,
  t: Thresholds,
): Precondition<ConfirmedFigures> {
  const valid: Confirmation[] = [];
  const rejected: ConfirmedFigures["rejected"] = [];
  for (const c of confirmations) {
    if (!sameZone(c.zone, zone)) continue;
    const why = confirmationProblem(c, zone, now, t);
    if (why === undefined) valid.push(c);
    else rejected.push({ confirmation: c, why });
  }
  valid.sort((a, b) => b.at - a.at);
  const latest = valid[0];
  const summary = latest
    ? `${valid.length} valid confirmation(s); latest by ${latest.author} (${latest.source}) ` +
      `at ${isoTime(latest.at)}: ${latest.reference}`
    : rejected.length > 0
      ? `no valid confirmation; ${rejected.length} set aside (${rejected.map((r) => r.why).join("; ")})`
      : "no confirmation recorded";
  return { met: valid.length > 0, evidence: { summary, figures: { valid, rejected } } };
}
