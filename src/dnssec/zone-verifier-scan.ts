/**
 * The plan of zone-verifier.ts (planZone) made from a zone scan
 * (zonefile-scan.ts) rather than from record objects: the same RRsets in
 * the same order, the same counts and early failures, but objects are made
 * only for the RRsets that are verified. Glue and delegations, most of a
 * TLD-heavy zone, are counted and left as bytes.
 *
 * Grouping follows canonical.ts groupRrsets: by owner (case-insensitively),
 * class and type, in first-seen order; an RRSIG joins the type it covers,
 * one too short to say is left out; an RRset keeps the owner spelling of its
 * first record and the lowest TTL of its records (RFC 2181 §5.2).
 */
import type { Name } from "../dns/name.js";
import { RrType, rrsetRecords, type Rr } from "../dns/rr.js";
import type { ZoneScan } from "../dns/zonefile-scan.js";
import {
  emptyPlan,
  isOurs,
  ownerKey,
  typeCoveredMismatches,
  zonePlacer,
  type ZonePlan,
} from "./zone-verifier.js";

/** Lowercased owner bytes as a string, as ownerKey makes it, straight from the scan's buffer. */
function keyAt(wire: Uint8Array, start: number, end: number): string {
  let key = "";
  for (let i = start; i < end; i++) {
    const b = wire[i]!;
    key += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  }
  return key;
}

/** Groups as parallel columns; each group's records are a linked list through `next`. */
class Groups {
  count = 0;
  owner = new Int32Array(1024);
  kind = new Int32Array(1024); // class << 16 | type
  nextOfOwner = new Int32Array(1024);
  dataHead = new Int32Array(1024);
  dataTail = new Int32Array(1024);
  sigHead = new Int32Array(1024);
  sigTail = new Int32Array(1024);

  add(owner: number, kind: number, nextOfOwner: number): number {
    if (this.count === this.owner.length) {
      const n = this.count * 2;
      for (const f of [
        "owner",
        "kind",
        "nextOfOwner",
        "dataHead",
        "dataTail",
        "sigHead",
        "sigTail",
      ] as const) {
        const a = new Int32Array(n);
        a.set(this[f]);
        this[f] = a;
      }
    }
    const g = this.count++;
    this.owner[g] = owner;
    this.kind[g] = kind;
    this.nextOfOwner[g] = nextOfOwner;
    this.dataHead[g] = -1;
    this.dataTail[g] = -1;
    this.sigHead[g] = -1;
    this.sigTail[g] = -1;
    return g;
  }
}

/** planZone for a scanned zone file. */
export function planScan(scan: ZoneScan, options: { origin: Name; now: number }): ZonePlan {
  const { origin, now } = options;
  const { wire, count } = scan;
  const apexKey = ownerKey(origin);

  // Owners by key, and each owner's first group (its groups are chained).
  const ownerIds = new Map<string, number>();
  const ownerKeys: string[] = [];
  const ownerGroups: number[] = [];
  const groups = new Groups();
  const next = new Int32Array(count).fill(-1);
  let spelling = -1;
  let owner = -1;
  for (let r = 0; r < count; r++) {
    const type = scan.type[r]!;
    const isSig = type === RrType.RRSIG;
    const rs = scan.rdataStart[r]!;
    const covered = !isSig
      ? type
      : scan.rdataEnd[r]! - rs >= 2
        ? (wire[rs]! << 8) | wire[rs + 1]!
        : -1;
    if (covered < 0) continue;
    if (scan.ownerStart[r] !== spelling) {
      spelling = scan.ownerStart[r]!;
      const key = keyAt(wire, spelling, scan.ownerEnd[r]!);
      const known = ownerIds.get(key);
      if (known === undefined) {
        owner = ownerKeys.length;
        ownerIds.set(key, owner);
        ownerKeys.push(key);
        ownerGroups.push(-1);
      } else {
        owner = known;
      }
    }
    const kind = (scan.class[r]! << 16) | covered;
    let g = ownerGroups[owner]!;
    while (g >= 0 && groups.kind[g] !== kind) g = groups.nextOfOwner[g]!;
    if (g < 0) {
      g = groups.add(owner, kind, ownerGroups[owner]!);
      ownerGroups[owner] = g;
    }
    if (isSig) {
      if (groups.sigTail[g]! < 0) groups.sigHead[g] = r;
      else next[groups.sigTail[g]!] = r;
      groups.sigTail[g] = r;
    } else {
      if (groups.dataTail[g]! < 0) groups.dataHead[g] = r;
      else next[groups.dataTail[g]!] = r;
      groups.dataTail[g] = r;
    }
  }

  // Zone cuts (NS below the apex) and DNAME owners: what lies below them is not ours.
  const cuts = new Set<string>();
  const dnames = new Set<string>();
  let signed = false;
  for (let g = 0; g < groups.count; g++) {
    if (groups.sigHead[g]! >= 0) signed = true;
    if (groups.dataHead[g]! < 0) continue;
    const key = ownerKeys[groups.owner[g]!]!;
    const type = groups.kind[g]! & 0xffff;
    if (type === RrType.NS && key !== apexKey) cuts.add(key);
    if (type === RrType.DNAME) dnames.add(key);
    if (type === RrType.DNSKEY && key === apexKey) signed = true;
  }

  const placeOf = zonePlacer(origin, cuts, dnames);
  const plan = emptyPlan(origin, now, signed);
  // Owner spellings as names, made once each.
  let nameAt = -1;
  let name: Name = wire.subarray(0, 0);
  const ownerName = (r: number): Name => {
    if (scan.ownerStart[r] !== nameAt) {
      nameAt = scan.ownerStart[r]!;
      name = wire.subarray(nameAt, scan.ownerEnd[r]!);
    }
    return name;
  };
  for (let g = 0; g < groups.count; g++) {
    const key = ownerKeys[groups.owner[g]!]!;
    const type = groups.kind[g]! & 0xffff;
    const cls = groups.kind[g]! >>> 16;
    let sigs = 0;
    for (let r = groups.sigHead[g]!; r >= 0; r = next[r]!) sigs++;
    if (!isOurs(placeOf(key), type, key === apexKey)) {
      for (let r = groups.dataHead[g]!; r >= 0; r = next[r]!) plan.skipped++;
      plan.skipped += sigs;
      continue;
    }
    plan.signatures += sigs;
    const rrsigs: Rr[] = [];
    for (let r = groups.sigHead[g]!; r >= 0; r = next[r]!) {
      rrsigs.push({
        owner: ownerName(r),
        type: RrType.RRSIG,
        class: cls,
        ttl: scan.ttl[r]!,
        rdata: wire.subarray(scan.rdataStart[r]!, scan.rdataEnd[r]!),
      });
    }
    const first = groups.dataHead[g]!;
    if (first < 0) {
      typeCoveredMismatches(plan, ownerName(groups.sigHead[g]!), type, rrsigs);
      continue;
    }
    const rdatas: Uint8Array[] = [];
    let ttl = scan.ttl[first]!;
    for (let r = first; r >= 0; r = next[r]!) {
      rdatas.push(wire.subarray(scan.rdataStart[r]!, scan.rdataEnd[r]!));
      if (scan.ttl[r]! < ttl) ttl = scan.ttl[r]!;
    }
    const rrset = { owner: ownerName(first), type, class: cls, ttl, rdatas };
    const job = { rrset, rrsigs };
    plan.jobs.push(job);
    if (type === RrType.DNSKEY && key === apexKey) plan.apexDnskey = job;
  }
  if (plan.apexDnskey) plan.zoneKeys = rrsetRecords(plan.apexDnskey.rrset);
  return plan;
}
