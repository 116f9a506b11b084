/**
 * Denial of existence with NSEC (RFC 4035 §3.1.3, §5.4; RFC 6840 §4.1,
 * §4.4). An NSEC record states that no name sorts strictly between its owner
 * and its next owner name in canonical order (RFC 4034 §6.1), the last one of
 * a zone pointing back to the apex; its bitmap lists the types at its owner.
 *
 * Each proof takes NSEC records whose signatures the caller has verified and
 * returns a verdict; none of them looks at signatures or does any I/O.
 */
import {
  ancestor,
  compareNames,
  isSubdomain,
  labelCount,
  nameEquals,
  nameToText,
  wildcardOf,
  type Name,
} from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import {
  bogusFor,
  deniesBelowOwner,
  isDelegation,
  noDataBitmapFault,
  type Question,
} from "./denial-common.js";
import { parseNsec } from "./rdata.js";
import { insecure, SECURE, type Verdict } from "./verdict.js";

/** The NXNAME meta-type of compact denial (RFC 9824 §2; IANA RR TYPE 128). */
export const NXNAME = 128;

export interface NsecRecord {
  owner: Name;
  next: Name;
  types: ReadonlySet<number>;
}

export interface NsecSet {
  records: NsecRecord[];
  /** NSEC records of the zone whose RDATA could not be read, or whose next name leaves the zone. */
  malformed: number;
}

/** The NSEC records among `rrs` that belong to `zone`, decoded. */
export function readNsecRecords(rrs: readonly Rr[], zone: Name): NsecSet {
  const set: NsecSet = { records: [], malformed: 0 };
  for (const rr of rrs) {
    if (rr.type !== RrType.NSEC || !isSubdomain(rr.owner, zone)) continue;
    const nsec = parseNsec(rr.rdata);
    // RFC 4034 §4.1.1: the next owner name is in the zone; the last NSEC points to the apex.
    if (!nsec || !isSubdomain(nsec.next, zone)) {
      set.malformed++;
      continue;
    }
    set.records.push({ owner: rr.owner, next: nsec.next, types: nsec.types });
  }
  return set;
}

/** The last NSEC of a zone, whose next owner name wraps around to the apex. */
function wraps(nsec: NsecRecord): boolean {
  return compareNames(nsec.next, nsec.owner) <= 0;
}

/** Strictly between owner and next in canonical order, the wrap to the apex included. */
function between(nsec: NsecRecord, name: Name): boolean {
  if (compareNames(nsec.owner, name) >= 0) return false;
  return wraps(nsec) || compareNames(name, nsec.next) < 0;
}

/** RFC 6840 §4.1: a delegation or DNAME NSEC says nothing about names below its owner. */
function usableFor(nsec: NsecRecord, name: Name): boolean {
  return !isSubdomain(name, nsec.owner) || deniesBelowOwner(nsec.types);
}

export function matchingNsec(set: NsecSet, name: Name): NsecRecord | undefined {
  return set.records.find((nsec) => nameEquals(nsec.owner, name));
}

/**
 * An NSEC proving that `name` owns nothing at all: the name sorts between
 * owner and next, and next is not below it (else `name` would be an empty
 * non-terminal, which exists).
 */
export function coveringNsec(set: NsecSet, name: Name): NsecRecord | undefined {
  return set.records.find(
    (nsec) => between(nsec, name) && !isSubdomain(nsec.next, name) && usableFor(nsec, name),
  );
}

/**
 * An NSEC showing that `name` is an empty non-terminal: the name sorts
 * between owner and next, and next lies below it, so the name exists but
 * owns no RRset (RFC 4035 §3.1.3.2 with RFC 4592 §2.2.2).
 */
export function emptyNonTerminalNsec(set: NsecSet, name: Name): NsecRecord | undefined {
  return set.records.find(
    (nsec) =>
      between(nsec, name) &&
      isSubdomain(nsec.next, name) &&
      !nameEquals(nsec.next, name) &&
      usableFor(nsec, name),
  );
}

/** Number of rightmost labels two names share. */
function sharedLabels(a: Name, b: Name): number {
  let n = Math.min(labelCount(a), labelCount(b));
  while (n > 0 && !nameEquals(ancestor(a, n), ancestor(b, n))) n--;
  return n;
}

/**
 * The closest encloser of a name that `cover` proves absent: the longest
 * ancestor the name shares with the NSEC's owner or its next name (RFC 4035
 * §5.4). Any longer ancestor that existed would sort between owner and next.
 */
export function nsecClosestEncloser(name: Name, cover: NsecRecord): Name {
  return ancestor(name, Math.max(sharedLabels(name, cover.owner), sharedLabels(name, cover.next)));
}

function missing(set: NsecSet, q: Question, message: string): Verdict {
  if (set.malformed > 0) {
    return bogusFor(q, "malformed", `${message} (${set.malformed} malformed NSEC ignored)`);
  }
  return bogusFor(q, "nsec-missing", message);
}

/**
 * Name error (RFC 4035 §5.4, §3.1.3.2): an NSEC covers the name, and an NSEC
 * covers the wildcard at the closest encloser that the first one implies.
 * A compact denial NSEC at the name with NXNAME set (RFC 9824) also counts.
 */
export function nsecNameError(set: NsecSet, q: Question): Verdict {
  const qtext = nameToText(q.qname);
  const exact = matchingNsec(set, q.qname);
  if (exact) {
    // RFC 9824 §3: compact denial answers a name error with an NSEC at the
    // name itself, the NXNAME meta-type in its bitmap saying it does not exist.
    if (exact.types.has(NXNAME) && !exact.types.has(RrType.SOA)) return SECURE;
    return bogusFor(q, "denial-invalid", `an NSEC at ${qtext} shows that it exists`);
  }
  const ent = emptyNonTerminalNsec(set, q.qname);
  if (ent) {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC at ${nameToText(ent.owner)} shows ${qtext} is an empty non-terminal, which exists`,
    );
  }
  const cover = coveringNsec(set, q.qname);
  if (!cover) return missing(set, q, `no NSEC proves that ${qtext} does not exist`);
  const wildcard = wildcardOf(nsecClosestEncloser(q.qname, cover));
  if (matchingNsec(set, wildcard)) {
    return bogusFor(
      q,
      "denial-invalid",
      `the wildcard ${nameToText(wildcard)} exists, so ${qtext} should have been synthesized from it`,
    );
  }
  if (!coveringNsec(set, wildcard)) {
    return bogusFor(
      q,
      "wildcard-proof-missing",
      `no NSEC proves that the wildcard ${nameToText(wildcard)} does not exist`,
    );
  }
  return SECURE;
}

/**
 * NODATA (RFC 4035 §3.1.3.1, §3.1.3.4, §5.4): an NSEC at the name without
 * the type or CNAME; or the name is an empty non-terminal; or, for an answer
 * from a wildcard, an NSEC covering the name and an NSEC at the wildcard of
 * its closest encloser without the type or CNAME.
 */
export function nsecNoData(set: NsecSet, q: Question & { qtype: number }): Verdict {
  const qtext = nameToText(q.qname);
  const exact = matchingNsec(set, q.qname);
  if (exact) {
    const fault = noDataBitmapFault(exact.owner, q.qtype, exact.types);
    return fault ? bogusFor(q, "denial-invalid", fault) : SECURE;
  }
  if (emptyNonTerminalNsec(set, q.qname)) return SECURE;
  const cover = coveringNsec(set, q.qname);
  if (!cover) return missing(set, q, `no NSEC at or around ${qtext}`);
  const wildcard = wildcardOf(nsecClosestEncloser(q.qname, cover));
  const atWildcard = matchingNsec(set, wildcard);
  if (atWildcard) {
    const fault = noDataBitmapFault(atWildcard.owner, q.qtype, atWildcard.types);
    return fault ? bogusFor(q, "denial-invalid", fault) : SECURE;
  }
  if (coveringNsec(set, wildcard)) {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC records prove that ${qtext} does not exist: a name error, not NODATA`,
    );
  }
  return bogusFor(
    q,
    "wildcard-proof-missing",
    `${qtext} does not exist and no NSEC at the wildcard ${nameToText(wildcard)} was given`,
  );
}

/**
 * No DS at a name (RFC 4035 §5.2, RFC 6840 §4.4). An NSEC at the name with
 * NS and neither DS nor SOA proves an insecure delegation. The name being an
 * empty non-terminal, or an NSEC at it without NS, proves that there is no
 * zone cut there: the absence of DS is then secure and says nothing about
 * a child zone.
 */
export function nsecNoDs(set: NsecSet, q: Question): Verdict {
  const qtext = nameToText(q.qname);
  const exact = matchingNsec(set, q.qname);
  if (exact) {
    const fault = noDataBitmapFault(exact.owner, RrType.DS, exact.types);
    if (fault) return bogusFor(q, "denial-invalid", fault);
    // No cut here (the root's apex record, with NS and SOA, is none either).
    if (!isDelegation(exact.types)) return SECURE;
    return insecure("unsigned-zone", `the NSEC at ${qtext} proves a delegation without DS`, {
      owner: qtext,
      type: "DS",
    });
  }
  if (emptyNonTerminalNsec(set, q.qname)) return SECURE;
  if (coveringNsec(set, q.qname)) {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC records prove that ${qtext} does not exist, not that it is a delegation without DS`,
    );
  }
  return missing(set, q, `no NSEC at ${qtext}`);
}

/**
 * A wildcard expansion (RFC 4035 §5.3.4): an NSEC must prove that the next
 * closer name, the ancestor of the name one label below the closest
 * encloser, does not exist, so that no closer match than the wildcard was
 * possible.
 */
export function nsecWildcardAnswer(set: NsecSet, q: Question, closestEncloser: Name): Verdict {
  const nextCloser = ancestor(q.qname, labelCount(closestEncloser) + 1);
  if (coveringNsec(set, nextCloser)) return SECURE;
  const exists = matchingNsec(set, nextCloser) ?? emptyNonTerminalNsec(set, nextCloser);
  if (exists) {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC at ${nameToText(exists.owner)} shows that ${nameToText(nextCloser)} exists, so the wildcard could not apply`,
    );
  }
  if (set.malformed > 0) {
    return bogusFor(
      q,
      "malformed",
      `no NSEC proves ${nameToText(nextCloser)} absent (malformed NSEC ignored)`,
    );
  }
  return bogusFor(
    q,
    "wildcard-proof-missing",
    `no NSEC proves that ${nameToText(nextCloser)} does not exist`,
  );
}
