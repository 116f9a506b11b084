/**
 * The last-known-good fingerprints of a zone: for each canary, the bytes of
 * its RRset the last time every path served it with valid signatures.
 * Secure data is authenticated, so recording it at any time is safe; data
 * that fails validation anywhere is never recorded.
 */

import type { Round } from "../probe/observation.js";
import { canaryKey } from "./classify.js";

export interface KnownGood {
  rrset: string;
  at: number;
}

/**
 * Canary key (classify.ts: the stable id, else "<name>/<TYPE>") to the RRset
 * fingerprint last seen secure everywhere. A canary whose answer carried
 * per-record digests (Fingerprints.records: DNSKEY, DS, the SOA's names) has
 * a second entry under `recordsKey(canary)` whose `rrset` holds those digests
 * separated by spaces, so the store keeps them as it keeps any entry.
 */
export type LastKnownGood = Readonly<Record<string, KnownGood>>;

/** Where a canary's record digests are kept: no canary key holds a space. */
export function recordsKey(canary: string): string {
  return `${canary} records`;
}

/** The record digests of a canary when it was last known good, if recorded. */
export function knownRecords(lkg: LastKnownGood, canary: string): ReadonlySet<string> | undefined {
  const entry = lkg[recordsKey(canary)];
  return entry === undefined ? undefined : new Set(entry.rrset.split(" ").filter(Boolean));
}

/**
 * Records the canaries of this round that validated as secure on every
 * reachable path (recursive and authoritative) with the same RRset bytes.
 * Call after assessing the round, so a round is compared with what came
 * before it, never with itself.
 */
export function updateLastKnownGood(previous: LastKnownGood, round: Round): LastKnownGood {
  const byCanary = new Map<
    string,
    { fingerprints: Set<string>; allSecure: boolean; records?: readonly string[] }
  >();
  for (const o of round.observations) {
    if (!o.reachable) continue;
    const key = canaryKey(o.canary);
    const entry = byCanary.get(key) ?? { fingerprints: new Set<string>(), allSecure: true };
    byCanary.set(key, entry);
    // Equal RRset bytes hold equal records, so any one path's digests stand for all.
    entry.records ??= o.fingerprints?.records;
    const rrset = o.fingerprints?.rrset;
    const userFailed = o.userAnswer?.rcode.toUpperCase() === "SERVFAIL";
    if (o.verdict.security !== "secure" || rrset === undefined || userFailed) {
      entry.allSecure = false;
      continue;
    }
    entry.fingerprints.add(rrset);
  }
  const next: Record<string, KnownGood> = { ...previous };
  for (const [key, entry] of byCanary) {
    if (!entry.allSecure || entry.fingerprints.size !== 1) continue;
    next[key] = { rrset: [...entry.fingerprints][0]!, at: round.at };
    if (entry.records && entry.records.length > 0) {
      next[recordsKey(key)] = { rrset: entry.records.join(" "), at: round.at };
    }
  }
  return next;
}
