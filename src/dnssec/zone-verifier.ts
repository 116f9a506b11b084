/**
 * Verifies every signature of a whole zone, given as records (a zone file
 * read by zonefile.ts or a zone transfer), at a given time. Pure: records,
 * origin, time and optional trust anchors in, a report out.
 *
 * What is checked, and what an operator gets back:
 *
 * - The zone's authoritative RRsets: the apex and every name below it,
 *   except names below a zone cut (glue and anything else occluded) and below
 *   a DNAME (RFC 6672 §2.3). At a cut only DS and NSEC belong to this zone;
 *   the NS RRset there and any glue address are the child's and are not
 *   signed (RFC 4035 §2.2). A DS RRset at the apex is the parent's, and
 *   skipped too.
 * - Every RRSIG of those RRsets is checked on its own against the apex
 *   DNSKEY RRset (RFC 4035 §5.3). Each failing signature is reported, even
 *   when another signature keeps its RRset secure: a stale or broken
 *   signature is a defect of the zone all the same. A signature with an
 *   algorithm this validator cannot check is only reported when nothing else
 *   validates the RRset.
 * - In a signed zone (one with a DNSKEY RRset at the apex or any RRSIG), an
 *   authoritative RRset without RRSIG is bogus, `rrsigs-missing`; an RRSIG
 *   whose RRset does not exist is reported as `type-covered-mismatch`.
 * - With trust anchors (DS or DNSKEY records for the apex), the DNSKEY RRset
 *   must also be signed by a key they vouch for (zone-keys.ts). If it is not,
 *   nothing in the zone is secure: every RRset counts as bogus (or, when the
 *   anchors only use unsupported algorithms, what verified counts as insecure).
 * - An unsigned zone, with no anchor given, is insecure throughout and has
 *   no failures.
 *
 * Counts are of RRsets (`rrsets` = secure + bogus + insecure) and of RRSIG
 * records (`signatures`); `failures` lists signatures and RRsets, in zone
 * order.
 */
import { groupRrsets } from "../dns/canonical.js";
import { labelCount, nameEquals, nameToText, type Name } from "../dns/name.js";
import { RrType, rrsetRecords, typeToText, type Rr, type RrSet } from "../dns/rr.js";
import { verifyRrset } from "./rrsig.js";
import { edeFor, type Reason, type Security, type Verdict } from "./verdict.js";
import { trustZoneKeys } from "./zone-keys.js";

export interface VerifyZoneOptions {
  /** The zone's apex. */
  origin: Name;
  /** Seconds since the epoch. */
  now: number;
  /** Trust anchors for the apex; the DNSKEY RRset is then checked against them too. */
  anchors?: { ds: readonly Rr[]; dnskey: readonly Rr[] };
}

export interface ZoneFailure {
  /** Owner and type of the RRset concerned, presentation format. */
  owner: string;
  type: string;
  reason: Reason["kind"];
  /** RFC 8914 info-code. */
  ede: number;
  message: string;
  keyTag?: number;
  algorithm?: number;
  /** Seconds since the epoch. */
  inception?: number;
  expiration?: number;
}

export interface ZoneReport {
  zone: string;
  /** The time verified at, seconds since the epoch. */
  now: number;
  /** Authoritative RRsets verified (RRSIG RRsets not counted). */
  rrsets: number;
  /** RRSIG records checked. */
  signatures: number;
  secure: number;
  bogus: number;
  insecure: number;
  /** Records not verified: below a zone cut or a DNAME, NS and glue at a cut, outside the zone. */
  skipped: number;
  /** The check of the DNSKEY RRset against the trust anchors, when any were given. */
  chain?: Verdict;
  failures: ZoneFailure[];
}

/** Lowercased wire form as a string, for maps; its suffixes at label starts are its ancestors. */
export function ownerKey(owner: Name): string {
  let key = "";
  for (let i = 0; i < owner.length; i++) {
    const b = owner[i]!;
    key += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  }
  return key;
}

/** Offsets of the labels of a name key, leftmost first (the root label excluded). */
function labelStarts(key: string): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < key.length && key.charCodeAt(i) !== 0; i += 1 + key.charCodeAt(i))
    offsets.push(i);
  return offsets;
}

export type Place = "authoritative" | "cut" | "occluded" | "outside";

function failureOf(r: Reason, owner: string, type: string): ZoneFailure {
  const f: ZoneFailure = { owner, type, reason: r.kind, ede: r.ede, message: r.message };
  if (r.keyTag !== undefined) f.keyTag = r.keyTag;
  if (r.algorithm !== undefined) f.algorithm = r.algorithm;
  if (r.inception !== undefined) f.inception = r.inception;
  if (r.expiration !== undefined) f.expiration = r.expiration;
  return f;
}

/** One authoritative RRset to verify, with the RRSIGs that cover it. */
export interface RrsetJob {
  rrset: RrSet;
  rrsigs: Rr[];
}

/** What verifying one job found. */
export interface JobResult {
  security: Security;
  failures: ZoneFailure[];
}

/**
 * A zone sorted out for verification: the jobs in zone order, with the
 * failures found while sorting (RRSIGs of absent RRsets) placed between
 * them. Jobs can be verified in any order and on any thread.
 */
export interface ZonePlan {
  origin: Name;
  now: number;
  /** Whether the zone is signed at all: a DNSKEY RRset at the apex or any RRSIG. */
  signed: boolean;
  /** The apex DNSKEY records, the keys every RRSIG is checked with. */
  zoneKeys: Rr[];
  apexDnskey: RrsetJob | undefined;
  jobs: RrsetJob[];
  /** Failures found while sorting, each with the number of jobs before it. */
  early: { before: number; failure: ZoneFailure }[];
  signatures: number;
  skipped: number;
}

/**
 * Where a name lies, by its key (ownerKey), given the zone's cuts and DNAME
 * owners (keys too): in the zone when its rightmost labels are the apex;
 * below a cut or a DNAME when one of its ancestors between itself and the
 * apex is one. Answers are kept per key.
 */
export function zonePlacer(
  origin: Name,
  cuts: ReadonlySet<string>,
  dnames: ReadonlySet<string>,
): (key: string) => Place {
  const apexKey = ownerKey(origin);
  const apexLabels = labelCount(origin);
  const places = new Map<string, Place>();
  return (key) => {
    let p = places.get(key);
    if (p) return p;
    const starts = labelStarts(key);
    const apexAt = starts.length - apexLabels;
    if (
      apexAt < 0 ||
      key.slice(apexAt < starts.length ? starts[apexAt] : key.length - 1) !== apexKey
    ) {
      p = "outside";
    } else {
      p = cuts.has(key) ? "cut" : "authoritative";
      for (let k = 1; k < apexAt && p !== "occluded"; k++) {
        const ancestorKey = key.slice(starts[k]);
        if (cuts.has(ancestorKey) || dnames.has(ancestorKey)) p = "occluded";
      }
    }
    places.set(key, p);
    return p;
  };
}

/**
 * Whether an RRset of `type` at a name in `place` is this zone's to sign:
 * RFC 4035 §2.2, at a cut only DS and NSEC are; RFC 4034 §5, a DS at the
 * apex is the parent's.
 */
export function isOurs(place: Place, type: number, atApex: boolean): boolean {
  return (
    (place === "authoritative" && !(type === RrType.DS && atApex)) ||
    (place === "cut" && (type === RrType.DS || type === RrType.NSEC))
  );
}

export function emptyPlan(origin: Name, now: number, signed: boolean): ZonePlan {
  return {
    origin,
    now,
    signed,
    zoneKeys: [],
    apexDnskey: undefined,
    jobs: [],
    early: [],
    signatures: 0,
    skipped: 0,
  };
}

/** RRSIGs at `owner` for a type the owner does not have: one failure each, placed after the jobs so far. */
export function typeCoveredMismatches(
  plan: ZonePlan,
  owner: Name,
  type: number,
  rrsigs: readonly Rr[],
): void {
  const ownerText = nameToText(owner);
  const typeText = typeToText(type);
  for (const sig of rrsigs) {
    const kind = "type-covered-mismatch";
    plan.early.push({
      before: plan.jobs.length,
      failure: {
        owner: ownerText,
        type: typeText,
        reason: kind,
        ede: edeFor(kind),
        message: `RRSIG at ${ownerText} covers ${typeText}, which ${ownerText} does not have`,
        keyTag: (sig.rdata[16]! << 8) | sig.rdata[17]!,
        algorithm: sig.rdata[2]!,
      },
    });
  }
}

/** Sorts a zone's records into RRsets and picks the ones to verify (see the module doc). */
export function planZone(records: readonly Rr[], options: VerifyZoneOptions): ZonePlan {
  const { origin, now } = options;
  const apexKey = ownerKey(origin);
  const groups = groupRrsets(records);

  // Zone cuts (NS below the apex) and DNAME owners: what lies below them is not ours.
  const cuts = new Set<string>();
  const dnames = new Set<string>();
  const keys: string[] = new Array<string>(groups.length);
  let signed = false;
  let lastOwner: Name | undefined;
  let lastKey = "";
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const owner = g.rrset?.owner ?? g.rrsigs[0]!.owner;
    // Zone files keep an owner's records together: reuse the key of the previous group.
    if (!lastOwner || !nameEquals(owner, lastOwner)) {
      lastKey = ownerKey(owner);
      lastOwner = owner;
    }
    keys[i] = lastKey;
    if (g.rrsigs.length > 0) signed = true;
    if (!g.rrset) continue;
    if (g.rrset.type === RrType.NS && lastKey !== apexKey) cuts.add(lastKey);
    if (g.rrset.type === RrType.DNAME) dnames.add(lastKey);
    if (g.rrset.type === RrType.DNSKEY && lastKey === apexKey) signed = true;
  }
  const placeOf = zonePlacer(origin, cuts, dnames);
  const plan = emptyPlan(origin, now, signed);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    const owner = g.rrset?.owner ?? g.rrsigs[0]!.owner;
    const place = placeOf(keys[i]!);
    const type = g.rrset?.type ?? (g.rrsigs[0]!.rdata[0]! << 8) | g.rrsigs[0]!.rdata[1]!;
    if (!isOurs(place, type, keys[i] === apexKey)) {
      plan.skipped += (g.rrset?.rdatas.length ?? 0) + g.rrsigs.length;
      continue;
    }
    plan.signatures += g.rrsigs.length;
    if (g.rrset) {
      const job = { rrset: g.rrset, rrsigs: g.rrsigs };
      plan.jobs.push(job);
      if (type === RrType.DNSKEY && keys[i] === apexKey) plan.apexDnskey = job;
      continue;
    }
    typeCoveredMismatches(plan, owner, type, g.rrsigs);
  }
  if (plan.apexDnskey) plan.zoneKeys = rrsetRecords(plan.apexDnskey.rrset);
  return plan;
}

/** Verifies one RRset's signatures with the zone's keys (RFC 4035 §5.3). */
export function checkJob(
  job: RrsetJob,
  zoneKeys: readonly Rr[],
  context: { origin: Name; now: number; signed: boolean },
): JobResult {
  if (!context.signed) return { security: "insecure", failures: [] };
  const { rrset, rrsigs } = job;
  const v = verifyRrset(rrset, rrsigs, zoneKeys, { zone: context.origin, now: context.now });
  const failures: ZoneFailure[] = [];
  if (v.security === "insecure") return { security: v.security, failures };
  const ownerText = nameToText(rrset.owner);
  const typeText = typeToText(rrset.type);
  if (v.checks.length === 0 && v.reason) {
    // RRset-level failure: no RRSIG at all, or RDATA that cannot be put in canonical form.
    failures.push(failureOf(v.reason, ownerText, typeText));
  }
  for (const c of v.checks) {
    if (c.ok) continue;
    if (v.security === "secure" && c.reason.kind === "unsupported-algorithm") continue;
    failures.push(failureOf(c.reason, ownerText, typeText));
  }
  return { security: v.security, failures };
}

/**
 * The report from the jobs' results (in job order), after checking the
 * DNSKEY RRset against the trust anchors when there are any.
 */
export function finishZone(
  plan: ZonePlan,
  results: readonly JobResult[],
  anchors?: VerifyZoneOptions["anchors"],
): ZoneReport {
  const report: ZoneReport = {
    zone: nameToText(plan.origin),
    now: plan.now,
    rrsets: plan.jobs.length,
    signatures: plan.signatures,
    secure: 0,
    bogus: 0,
    insecure: 0,
    skipped: plan.skipped,
    failures: [],
  };
  let early = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    while (early < plan.early.length && plan.early[early]!.before <= i) {
      report.failures.push(plan.early[early++]!.failure);
    }
    report.failures.push(...r.failures);
  }
  while (early < plan.early.length) report.failures.push(plan.early[early++]!.failure);

  // The chain of trust into the zone: its DNSKEY RRset against the anchors.
  let chainBroken: Security | undefined;
  if (anchors) {
    const chain = trustZoneKeys({
      zone: plan.origin,
      dnskeys: plan.apexDnskey?.rrset,
      rrsigs: plan.apexDnskey?.rrsigs ?? [],
      ds: anchors.ds,
      anchorKeys: anchors.dnskey,
      now: plan.now,
    });
    report.chain = chain.reason
      ? { security: chain.security, reason: chain.reason }
      : { security: chain.security };
    if (chain.security !== "secure") {
      chainBroken = chain.security === "insecure" ? "insecure" : "bogus";
      if (chain.reason && chain.security !== "insecure") {
        report.failures.push(failureOf(chain.reason, report.zone, "DNSKEY"));
      }
    }
  }

  for (const r of results) {
    // A broken chain makes everything bogus; anchors with only unsupported
    // algorithms make what verified insecure (RFC 4035 §5.2).
    const s = r.security;
    const final =
      chainBroken === "bogus" ? "bogus" : s === "secure" && chainBroken ? chainBroken : s;
    if (final === "secure") report.secure++;
    else if (final === "insecure") report.insecure++;
    else report.bogus++;
  }
  return report;
}

/** Verifies every signed RRset of a zone at `options.now`, on this thread. */
export function verifyZone(records: readonly Rr[], options: VerifyZoneOptions): ZoneReport {
  const plan = planZone(records, options);
  const results = plan.jobs.map((job) => checkJob(job, plan.zoneKeys, plan));
  return finishZone(plan, results, options.anchors);
}
