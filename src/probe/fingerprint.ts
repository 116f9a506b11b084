/**
 * Fingerprints of what a path answered, so that later stages can tell
 * whether every vantage and server sees the same bytes (DESIGN,
 * precondition 3) without storing the data.
 *
 * `rrset`: SHA-256 over the RRsets in canonical form (RFC 4034 §6.2: owner
 * lowercased, canonical RDATA sorted, duplicates removed), each record
 * written as owner, type, class, RDLENGTH, RDATA. The TTL is left out: a
 * resolver's cache counts it down, so two paths holding the same data would
 * otherwise differ. A positive answer uses the RRsets of the answer section
 * (CNAMEs included); a negative one the NSEC and NSEC3 RRsets of the
 * authority section.
 *
 * `rrsigs`: SHA-256 over the RDATA of the RRSIGs covering those RRsets,
 * sorted bytewise, each prefixed by its length.
 *
 * `records`: SHA-256 of each DNSKEY and DS record among those RRsets
 * (owner, type, class, RDLENGTH, canonical RDATA), and of each SOA written
 * the same way with only its MNAME and RNAME as RDATA (RFC 1035 §3.3.13:
 * the serial and timers change with every re-signing, the names do not).
 */
import { createHash } from "node:crypto";
import { canonicalRrset, compareRdata, wireNameEnd, type RrsetGroup } from "../dns/canonical.js";
import { RrType } from "../dns/rr.js";
import { parseRrsig } from "../dnssec/rdata.js";
import { serialToTime } from "../dnssec/serial-time.js";
import type { Fingerprints } from "./observation.js";

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

/** The RRsets a fingerprint covers: the answer's, or the denial records of the authority. */
export function fingerprintedGroups(answer: RrsetGroup[], authority: RrsetGroup[]): RrsetGroup[] {
  const positive = answer.filter((g) => g.rrset !== undefined);
  if (positive.length > 0) return positive;
  return authority.filter((g) => g.rrset?.type === RrType.NSEC || g.rrset?.type === RrType.NSEC3);
}

/** The canonical bytes of one RRset without TTLs, or undefined when an RDATA is malformed. */
export function rrsetBytes(group: RrsetGroup): Uint8Array[] | undefined {
  if (!group.rrset) return [];
  const c = canonicalRrset(group.rrset);
  if (!c) return undefined;
  const out: Uint8Array[] = [];
  for (const rdata of c.rdatas) {
    out.push(c.owner, u16(c.type), u16(c.class), u16(rdata.length), rdata);
  }
  return out;
}

/** The part of a canonical RDATA `records` digests: all of it, or an SOA's MNAME and RNAME. */
function publisherPart(type: number, rdata: Uint8Array): Uint8Array | undefined {
  if (type !== RrType.SOA) return rdata;
  const mnameEnd = wireNameEnd(rdata, 0);
  const rnameEnd = mnameEnd < 0 ? -1 : wireNameEnd(rdata, mnameEnd);
  return rnameEnd < 0 ? undefined : rdata.subarray(0, rnameEnd);
}

const PUBLISHER_TYPES: ReadonlySet<number> = new Set([RrType.DNSKEY, RrType.DS, RrType.SOA]);

/** One digest per DNSKEY, DS and SOA record of `groups` (see `records` above), sorted. */
function recordDigests(groups: RrsetGroup[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    if (!g.rrset || !PUBLISHER_TYPES.has(g.rrset.type)) continue;
    const c = canonicalRrset(g.rrset);
    if (!c) continue;
    for (const rdata of c.rdatas) {
      const part = publisherPart(c.type, rdata);
      if (!part) continue;
      const h = createHash("sha256").update(c.owner).update(u16(c.type)).update(u16(c.class));
      out.add(h.update(u16(part.length)).update(part).digest("hex"));
    }
  }
  return [...out].sort();
}

export function fingerprintsOf(groups: RrsetGroup[]): Fingerprints | undefined {
  if (groups.length === 0) return undefined;
  const out: Fingerprints = {};
  // Sorted, so the order in which a server lists RRsets does not matter.
  const sets = groups
    .map((g) => rrsetBytes(g) ?? [])
    .map((parts) => Buffer.concat(parts))
    .sort(compareRdata);
  if (sets.some((b) => b.length > 0)) {
    const h = createHash("sha256");
    for (const b of sets) h.update(b);
    out.rrset = h.digest("hex");
  }
  const sigs = groups.flatMap((g) => g.rrsigs.map((r) => r.rdata)).sort(compareRdata);
  if (sigs.length > 0) {
    const h = createHash("sha256");
    for (const s of sigs) h.update(u16(s.length)).update(s);
    out.rrsigs = h.digest("hex");
  }
  const records = recordDigests(groups);
  if (records.length > 0) out.records = records;
  return out;
}

/**
 * Key tags and the earliest expiration of the RRSIGs over `groups` (RFC 4034
 * §3.1.5-§3.1.6), the expiration read as serial time around `now` (seconds).
 */
export function signatureFacts(
  groups: RrsetGroup[],
  now: number,
): { keyTags: number[]; earliest?: number } {
  const tags = new Set<number>();
  let earliest: number | undefined;
  for (const g of groups) {
    for (const rr of g.rrsigs) {
      const sig = parseRrsig(rr.rdata);
      if (!sig) continue;
      tags.add(sig.keyTag);
      const expiration = serialToTime(sig.expiration, now);
      if (earliest === undefined || expiration < earliest) earliest = expiration;
    }
  }
  const keyTags = [...tags].sort((a, b) => a - b);
  return earliest === undefined ? { keyTags } : { keyTags, earliest };
}
