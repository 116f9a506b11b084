/**
 * Canonical form of RDATA and of RRsets (RFC 4034 §6), the byte strings that
 * DNSSEC signatures and digests are computed over.
 *
 * - Canonical RDATA (RFC 4034 §6.2 item 3, corrected by RFC 6840 §5.1): the
 *   domain names embedded in the RDATA of the types listed in
 *   CANONICAL_LOWERCASE_TYPES have their ASCII letters lowercased; every other
 *   byte, and the RDATA of every other type (NSEC's next owner name
 *   included), is kept as it is.
 * - Canonical RRset order (RFC 4034 §6.3): records sorted by their canonical
 *   RDATA read as left-justified unsigned octet strings, where a missing octet
 *   sorts before a zero octet; records with identical canonical RDATA are
 *   duplicates and appear once (RFC 2181 §5, RFC 4034 §6.3).
 *
 * Nothing here throws on data from the wire: RDATA whose names overrun it is
 * reported as `undefined`.
 */
import { lowerName, nameEquals, type Name } from "./name.js";
import { CANONICAL_LOWERCASE_TYPES, RDATA_LAYOUT, type Field } from "./rdata-layout.js";
import { RrType, type Rr, type RrSet } from "./rr.js";

const MAX_NAME_LENGTH = 255; // RFC 1035 §2.3.4

/**
 * End offset of the uncompressed wire name starting at `offset` in `bytes`,
 * or -1 when it runs past the end, holds a compression pointer or exceeds
 * 255 octets.
 */
export function wireNameEnd(bytes: Uint8Array, offset: number): number {
  let i = offset;
  while (i < bytes.length) {
    const len = bytes[i]!;
    if (len === 0) return i + 1 - offset > MAX_NAME_LENGTH ? -1 : i + 1;
    if (len > 63) return -1; // a pointer or a reserved label type: not allowed here
    i += 1 + len;
    if (i - offset > MAX_NAME_LENGTH) return -1;
  }
  return -1;
}

function fieldEnd(rdata: Uint8Array, offset: number, field: Field): number {
  switch (field) {
    case "name":
      return wireNameEnd(rdata, offset);
    case "u8":
      return offset + 1 <= rdata.length ? offset + 1 : -1;
    case "u16":
      return offset + 2 <= rdata.length ? offset + 2 : -1;
    case "u32":
      return offset + 4 <= rdata.length ? offset + 4 : -1;
    case "string": {
      if (offset >= rdata.length) return -1;
      const end = offset + 1 + rdata[offset]!;
      return end <= rdata.length ? end : -1;
    }
  }
}

function lowerInPlace(bytes: Uint8Array, start: number, end: number): void {
  let i = start;
  while (i < end) {
    const len = bytes[i]!;
    for (let j = i + 1; j <= i + len; j++) {
      const b = bytes[j]!;
      if (b >= 0x41 && b <= 0x5a) bytes[j] = b + 0x20;
    }
    i += 1 + len;
  }
}

function hasUpper(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const len = bytes[i]!;
    for (let j = i + 1; j <= i + len; j++) {
      const b = bytes[j]!;
      if (b >= 0x41 && b <= 0x5a) return true;
    }
    i += 1 + len;
  }
  return false;
}

/**
 * The canonical form of one RDATA (RFC 4034 §6.2 with RFC 6840 §5.1). The
 * input is returned unchanged (same object) when nothing needs lowercasing;
 * `undefined` when a name it should hold is malformed.
 */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array | undefined {
  if (!CANONICAL_LOWERCASE_TYPES.has(type)) return rdata;
  const layout = RDATA_LAYOUT.get(type);
  if (!layout) return rdata;
  // Find the names first, so that RDATA without capitals is not copied.
  const names: number[] = [];
  let offset = 0;
  for (const field of layout) {
    const end = fieldEnd(rdata, offset, field);
    if (end < 0) return undefined;
    if (field === "name") names.push(offset, end);
    offset = end;
  }
  let out: Uint8Array | undefined;
  for (let k = 0; k < names.length; k += 2) {
    const start = names[k]!;
    const end = names[k + 1]!;
    if (!out && !hasUpper(rdata, start, end)) continue;
    out ??= Uint8Array.from(rdata);
    lowerInPlace(out, start, end);
  }
  return out ?? rdata;
}

/**
 * RFC 4034 §6.3 order of two canonical RDATA: octet by octet as unsigned
 * numbers, a shorter string first when it is a prefix of the longer.
 */
export function compareRdata(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** An RRset in canonical form: lowercased owner, canonical RDATA sorted, no duplicates. */
export interface CanonicalRrSet {
  owner: Name;
  type: number;
  class: number;
  ttl: number;
  rdatas: Uint8Array[];
}

/**
 * The canonical form of an RRset (RFC 4034 §6.2, §6.3): owner lowercased,
 * every RDATA in canonical form, sorted, duplicates removed, and the TTL
 * replaced by `originalTtl` when one is given (the RRSIG Original TTL field,
 * RFC 4034 §3.1.4). `undefined` when any RDATA is malformed.
 */
export function canonicalRrset(rrset: RrSet, originalTtl?: number): CanonicalRrSet | undefined {
  const rdatas: Uint8Array[] = [];
  for (const rdata of rrset.rdatas) {
    const c = canonicalRdata(rrset.type, rdata);
    if (!c) return undefined;
    rdatas.push(c);
  }
  rdatas.sort(compareRdata);
  let kept = rdatas.length > 0 ? 1 : 0;
  for (let i = 1; i < rdatas.length; i++) {
    if (compareRdata(rdatas[i]!, rdatas[kept - 1]!) !== 0) rdatas[kept++] = rdatas[i]!;
  }
  rdatas.length = kept;
  return {
    owner: lowerName(rrset.owner),
    type: rrset.type,
    class: rrset.class,
    ttl: originalTtl ?? rrset.ttl,
    rdatas,
  };
}

/** The records of one owner, class and type, with the RRSIGs that cover that type. */
export interface RrsetGroup {
  /** Absent when only RRSIGs were seen for this owner and type. */
  rrset?: RrSet;
  rrsigs: Rr[];
}

/** The Type Covered field of an RRSIG RDATA (RFC 4034 §3.1.1), or -1 when too short. */
function typeCovered(rdata: Uint8Array): number {
  return rdata.length >= 2 ? (rdata[0]! << 8) | rdata[1]! : -1;
}

function groupKey(owner: Name, cls: number, type: number): string {
  let s = "";
  const lower = lowerName(owner);
  for (let i = 0; i < lower.length; i++) s += String.fromCharCode(lower[i]!);
  return `${s}/${cls}/${type}`;
}

/**
 * Groups records into RRsets by owner (case-insensitively), class and type,
 * keeping first-seen order (RFC 2181 §5). An RRSIG joins the group of the
 * type it covers; one too short to hold a Type Covered field is left out.
 * The RRset keeps the owner spelling of its first record and the lowest TTL
 * of its records (RFC 2181 §5.2).
 */
export function groupRrsets(rrs: readonly Rr[]): RrsetGroup[] {
  const groups = new Map<string, RrsetGroup>();
  for (const rr of rrs) {
    const isSig = rr.type === RrType.RRSIG;
    const type = isSig ? typeCovered(rr.rdata) : rr.type;
    if (type < 0) continue;
    const key = groupKey(rr.owner, rr.class, type);
    let group = groups.get(key);
    if (!group) {
      group = { rrsigs: [] };
      groups.set(key, group);
    }
    if (isSig) {
      group.rrsigs.push(rr);
    } else if (!group.rrset) {
      group.rrset = { owner: rr.owner, type, class: rr.class, ttl: rr.ttl, rdatas: [rr.rdata] };
    } else {
      group.rrset.rdatas.push(rr.rdata);
      if (rr.ttl < group.rrset.ttl) group.rrset.ttl = rr.ttl;
    }
  }
  return [...groups.values()];
}

/** True when `rr` belongs to `rrset`: same owner (case-insensitively), class and type. */
export function inRrset(rr: Rr, rrset: RrSet): boolean {
  return rr.type === rrset.type && rr.class === rrset.class && nameEquals(rr.owner, rrset.owner);
}
