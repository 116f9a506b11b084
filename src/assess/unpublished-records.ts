/**
 * Records on bad paths that the zone's operator does not publish: part of
 * precondition 3 (RFC 7646 §7; DESIGN: the three preconditions).
 *
 * A broken signing pipeline breaks the zone on the authoritative servers,
 * and every resolver then holds what those servers serve, or served while
 * the zone was last healthy (a cached DNSKEY RRset after a DS changed too
 * early, RFC 6781 §4.1.2). A DNSKEY or DS record on a bad path that no
 * authoritative server serves in this round and that the last known good
 * does not hold came from somewhere else: a key with no DS signing other
 * data (RFC 4035 §5.2) is how forged data is made to look like a broken
 * rollover. The same holds for the SOA's MNAME and RNAME (RFC 1035
 * §3.3.13), which do not change with re-signing the way its serial does.
 *
 * Works on Fingerprints.records (one digest per DNSKEY and DS record, and
 * per SOA of its names), so whole RRsets that change with every rollover or
 * serial need not agree. When no authoritative server answered a canary,
 * nothing vouches for records the last known good lacks: they are reported
 * as unexplained (the precondition is not met) but not taken for evidence.
 */

import type { Observation } from "../probe/observation.js";
import { canaryKey, distinct, locallyBogus, vantageLabel } from "./classify.js";
import { knownRecords, type LastKnownGood } from "./last-known-good.js";
import type { UnpublishedRecords } from "./types.js";

export interface PublisherRecordCheck {
  unpublished: UnpublishedRecords[];
  /** Canaries whose bad paths carry records, compared with the authoritative servers. */
  compared: string[];
  /** Canaries whose bad paths carry records, with no authoritative server answering. */
  unchecked: string[];
  /** On those, records the last known good lacks: nothing vouches for them. */
  unexplained: UnpublishedRecords[];
}

/** An authoritative server that answered the canary (with or without such records). */
function authoritativeAnswer(o: Observation): boolean {
  return o.vantage.kind === "authoritative" && o.reachable && o.fingerprints !== undefined;
}

/** The records of each bad path that no authoritative server serves and the last known good lacks. */
export function findUnpublishedRecords(
  observations: readonly Observation[],
  lkg: LastKnownGood,
): PublisherRecordCheck {
  const out: PublisherRecordCheck = {
    unpublished: [],
    compared: [],
    unchecked: [],
    unexplained: [],
  };
  for (const canary of distinct(observations.map((o) => canaryKey(o.canary)))) {
    const mine = observations.filter((o) => canaryKey(o.canary) === canary);
    const bad = mine.filter((o) => locallyBogus(o) && (o.fingerprints?.records?.length ?? 0) > 0);
    if (bad.length === 0) continue;
    const authoritative = mine.filter(authoritativeAnswer);
    const published = new Set(authoritative.flatMap((o) => o.fingerprints?.records ?? []));
    const known = knownRecords(lkg, canary) ?? new Set<string>();
    const foreign = foreignRecords(canary, bad, (r) => published.has(r) || known.has(r));
    if (authoritative.length > 0) {
      out.compared.push(canary);
      out.unpublished.push(...foreign);
    } else {
      out.unchecked.push(canary);
      out.unexplained.push(...foreign);
    }
  }
  return out;
}

/** The records of each bad path not `vouched` for, paths serving the same ones together. */
function foreignRecords(
  canary: string,
  bad: readonly Observation[],
  vouched: (digest: string) => boolean,
): UnpublishedRecords[] {
  const byRecords = new Map<string, UnpublishedRecords>();
  for (const o of bad) {
    const foreign = (o.fingerprints?.records ?? []).filter((r) => !vouched(r));
    if (foreign.length === 0) continue;
    const id = foreign.join(" ");
    const entry = byRecords.get(id) ?? {
      canary,
      type: o.canary.type.toUpperCase(),
      records: foreign,
      paths: [],
    };
    entry.paths.push(vantageLabel(o.vantage));
    byRecords.set(id, entry);
  }
  return [...byRecords.values()];
}

/** "2 DNSKEY records", "1 DS record", "1 SOA MNAME/RNAME pair", for summaries. */
export function describeRecords(type: string, n: number): string {
  const what = type === "SOA" ? "SOA MNAME/RNAME pair" : `${type} record`;
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
