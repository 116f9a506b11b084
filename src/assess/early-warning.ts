/**
 * Early warning: what a round shows before anything breaks. Pure; the
 * previous round, the current one and the time are passed in.
 *
 * - The signature horizon: for each canary, the latest RRSIG expiration any
 *   validating path serves (a fresh signature anywhere counts); the zone's
 *   horizon is the earliest of those. Within the configured time of now,
 *   the signer has stopped refreshing: warn (RFC 4034 §3.1.5: past its
 *   expiration an RRSIG must not be used, so the zone goes bogus then).
 * - A rollover in progress: the DNSKEY key tags the authoritative servers
 *   serve, or the key tags the parent's DS RRset names, differ from the
 *   previous round's (RFC 4034 Appendix B key tags; RFC 6781 §4.1 rollovers).
 *   Rollovers are where operators break their zones (.de 2026, .al 2026,
 *   .nz 2023): a notice, so people look before it fails.
 *
 * Each warning is raised once: for a horizon, in the first round that finds
 * it within the warning time; for a change of key tags, in the round that
 * first shows it.
 */

import { z } from "zod";
import type { Alert, Effect } from "../lifecycle/types.js";
import type { Observation, Round } from "../probe/observation.js";
import { canaryKey, isoTime, validates } from "./classify.js";

const HOUR = 3600;

export const earlyWarningSchema = z.strictObject({
  // Warn when the signature horizon is this close. Six hours by default: a
  // signer that refreshes daily has missed its run by then, and half a working
  // day is left to reach the zone's operator. At least one hour (rounds run
  // minutes apart; less leaves no time to act), at most a week (TLD signatures
  // live one to four weeks and are refreshed well before: a longer horizon
  // would warn on every normal refresh cycle).
  expiryHorizonSeconds: z
    .number()
    .int()
    .min(HOUR)
    .max(7 * 24 * HOUR)
    .default(6 * HOUR),
  // Notice DNSKEY and DS key-tag changes (rollovers).
  keyTagChanges: z.boolean().default(true),
});

export type EarlyWarningSettings = z.output<typeof earlyWarningSchema>;

export const DEFAULT_EARLY_WARNING: EarlyWarningSettings = Object.freeze(
  earlyWarningSchema.parse({}),
);

export interface SignatureHorizon {
  /** Seconds since the epoch. */
  horizon: number;
  /** The canary whose freshest signature expires first (its stable id). */
  canary: string;
  /** The earliest expiration over all validated answers (a stale path counts here). */
  earliest: number;
}

function securelyValidated(o: Observation): boolean {
  return validates(o) && o.verdict.security === "secure" && o.earliestExpiration !== undefined;
}

/** The zone's signature horizon in a round; undefined when no secure answer carried RRSIGs. */
export function signatureHorizon(round: Round): SignatureHorizon | undefined {
  const latest = new Map<string, number>();
  let earliest = Infinity;
  for (const o of round.observations) {
    if (!securelyValidated(o)) continue;
    const e = o.earliestExpiration!;
    const key = canaryKey(o.canary);
    latest.set(key, Math.max(latest.get(key) ?? -Infinity, e));
    earliest = Math.min(earliest, e);
  }
  let out: SignatureHorizon | undefined;
  for (const [canary, horizon] of latest) {
    if (!out || horizon < out.horizon) out = { horizon, canary, earliest };
  }
  return out;
}

export interface KeyTagSets {
  dnskey: number[];
  ds: number[];
}

/**
 * The key tags the zone's own servers serve (DNSKEY) and the parent names
 * (DS), sorted. Taken from authoritative observations when there are any
 * (recursive vantages may still hold cached keys), else from every answer.
 */
export function keyTagsOf(round: Round): KeyTagSets | undefined {
  const answered = round.observations.filter((o) => o.reachable);
  const auth = answered.filter((o) => o.vantage.kind === "authoritative");
  const from = auth.length > 0 ? auth : answered;
  const dnskey = new Set<number>();
  const ds = new Set<number>();
  for (const o of from) {
    for (const t of o.keyTags.dnskey) dnskey.add(t);
    for (const t of o.keyTags.ds) ds.add(t);
  }
  if (dnskey.size === 0 && ds.size === 0) return undefined;
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { dnskey: sorted(dnskey), ds: sorted(ds) };
}

function within(h: SignatureHorizon | undefined, now: number, s: EarlyWarningSettings): boolean {
  if (!h) return false;
  const left = h.horizon - now;
  return left > 0 && left <= s.expiryHorizonSeconds;
}

function tagDiff(before: number[], after: number[]): string | undefined {
  const added = after.filter((t) => !before.includes(t));
  const removed = before.filter((t) => !after.includes(t));
  if (added.length === 0 && removed.length === 0) return undefined;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.join(", ")}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(", ")}`);
  return parts.join("; ");
}

/** The alert effects a round raises ahead of a failure; `previous` is the zone's round before it. */
export function earlyWarnings(
  previous: Round | undefined,
  round: Round,
  now: number,
  s: EarlyWarningSettings = DEFAULT_EARLY_WARNING,
): Effect[] {
  if (previous && previous.zone.toLowerCase() !== round.zone.toLowerCase()) {
    throw new Error(`early warning compares ${previous.zone} with ${round.zone}`);
  }
  const alerts: Alert[] = [];
  const h = signatureHorizon(round);
  if (h && within(h, now, s)) {
    const before = previous ? signatureHorizon(previous) : undefined;
    const seen = before && before.horizon === h.horizon && within(before, previous!.at, s);
    if (!seen) {
      const hours = ((h.horizon - now) / HOUR).toFixed(1);
      alerts.push({
        kind: "signatures-expiring",
        zone: round.zone,
        severity: "warning",
        summary:
          `every signature of ${h.canary} served for ${round.zone} expires by ` +
          `${isoTime(h.horizon)} (${hours} h left) and no fresher one is served`,
      });
    }
  }
  if (s.keyTagChanges && previous) {
    const a = keyTagsOf(previous);
    const b = keyTagsOf(round);
    if (a && b) {
      const changes: string[] = [];
      const dnskey = tagDiff(a.dnskey, b.dnskey);
      if (dnskey) changes.push(`DNSKEY key tags ${dnskey}`);
      const ds = tagDiff(a.ds, b.ds);
      if (ds) changes.push(`DS key tags ${ds}`);
      if (changes.length > 0) {
        alerts.push({
          kind: "key-rollover",
          zone: round.zone,
          severity: "info",
          summary:
            `${round.zone}: ${changes.join("; ")} (now DNSKEY ${b.dnskey.join(", ") || "none"}, ` +
            `DS ${b.ds.join(", ") || "none"}): a rollover in progress`,
        });
      }
    }
  }
  return alerts.map((alert) => ({ kind: "alert", alert }));
}
