/**
 * Denial of existence with NSEC3 (RFC 5155 §8, with RFC 5155 errata 3441,
 * RFC 6840 §4.1 and §4.4, RFC 9276 §3.2). An NSEC3 record states that no
 * hashed owner name sorts strictly between its own hash and the next hashed
 * owner name; the last record of the chain wraps around to the first.
 *
 * Opt-out (RFC 5155 §6): an opt-out record covering the "next closer" name
 * leaves room for unsigned delegations it does not list, so a proof that
 * relies on it is insecure, never secure (RFC 5155 §9.2).
 *
 * Limitations: only hash algorithm 1 (SHA-1) exists; records with any other
 * algorithm are ignored (RFC 5155 §8.1), which usually leaves a proof
 * incomplete and the answer bogus.
 */
import { base32hexDecode } from "../dns/base32hex.js";
import { compareRdata } from "../dns/canonical.js";
import {
  ancestor,
  isSubdomain,
  labelCount,
  labels,
  nameKey,
  nameToText,
  wildcardOf,
  type Name,
} from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import { equalBytes } from "../dns/wire.js";
import {
  bogusFor,
  deniesBelowOwner,
  isDelegation,
  noDataBitmapFault,
  type Question,
} from "./denial-common.js";
import { nsec3Hash, nsec3HashLength } from "./nsec3-hash.js";
import { NSEC3_OPT_OUT, parseNsec3, type Nsec3 } from "./rdata.js";
import { insecure, SECURE, type Verdict } from "./verdict.js";

export interface Nsec3Record extends Nsec3 {
  owner: Name;
  /** The first label of the owner, decoded from base32hex. */
  ownerHash: Uint8Array;
}

export interface Nsec3Set {
  records: Nsec3Record[];
  /** Records of the zone left out, by why (RFC 5155 §8.1, §8.2). */
  ignored: { malformed: number; unknownAlgorithm: number; unknownFlags: number };
}

/** The NSEC3 records among `rrs` that belong to `zone` and can take part in a proof. */
export function readNsec3Records(rrs: readonly Rr[], zone: Name): Nsec3Set {
  const set: Nsec3Set = {
    records: [],
    ignored: { malformed: 0, unknownAlgorithm: 0, unknownFlags: 0 },
  };
  for (const rr of rrs) {
    // RFC 5155 §3: the owner is one label, the hash, directly below the apex;
    // records deeper down belong to some other zone's chain.
    if (rr.type !== RrType.NSEC3 || labelCount(rr.owner) !== labelCount(zone) + 1) continue;
    if (!isSubdomain(rr.owner, zone)) continue;
    const nsec3 = parseNsec3(rr.rdata);
    if (!nsec3) {
      set.ignored.malformed++;
      continue;
    }
    // RFC 5155 §8.1: records with an unknown hash algorithm are ignored.
    const hashLength = nsec3HashLength(nsec3.hashAlgorithm);
    if (hashLength === undefined) {
      set.ignored.unknownAlgorithm++;
      continue;
    }
    // RFC 5155 §8.2: flags other than opt-out are unknown; the record is ignored.
    if ((nsec3.flags & ~NSEC3_OPT_OUT) !== 0) {
      set.ignored.unknownFlags++;
      continue;
    }
    const ownerHash = base32hexDecode(String.fromCharCode(...labels(rr.owner)[0]!));
    if (ownerHash?.length !== hashLength || nsec3.nextHashed.length !== hashLength) {
      set.ignored.malformed++;
      continue;
    }
    set.records.push({ ...nsec3, owner: rr.owner, ownerHash });
  }
  return set;
}

/** Hashed owner names sort as unsigned octet strings, the canonical RDATA order. */
const compareBytes = compareRdata;

/** Hash strictly between owner hash and next hash, the wrap at the end of the chain included. */
function coversHash(r: Nsec3Record, hash: Uint8Array): boolean {
  const afterOwner = compareBytes(r.ownerHash, hash) < 0;
  const beforeNext = compareBytes(hash, r.nextHashed) < 0;
  if (compareBytes(r.ownerHash, r.nextHashed) < 0) return afterOwner && beforeNext;
  return afterOwner || beforeNext; // last record of the chain, or the only one
}

/** Outcome of the closest encloser proof (RFC 5155 §8.3). */
export type EncloserProof =
  | { kind: "exists"; match: Nsec3Record }
  | {
      kind: "proven";
      closestEncloser: Name;
      nextCloser: Name;
      /** The record covering the next closer name; its opt-out flag decides secure or insecure. */
      nextCloserCover: Nsec3Record;
    }
  | { kind: "failed"; verdict: Verdict };

/** Matching and covering over one set of NSEC3 records, each hash computed once. */
export class Nsec3Chain {
  private readonly hashes = new Map<string, Uint8Array>();

  constructor(
    readonly set: Nsec3Set,
    readonly zone: Name,
  ) {}

  /** The hash of `name` under the parameters of `r` (RFC 5155 §5). */
  private hashFor(name: Name, r: Nsec3Record): Uint8Array {
    const key = `${r.hashAlgorithm}/${r.iterations}/${Buffer.from(r.salt).toString("hex")}/${nameKey(name)}`;
    let hash = this.hashes.get(key);
    if (!hash) {
      hash = nsec3Hash(name, r.hashAlgorithm, r.salt, r.iterations);
      this.hashes.set(key, hash);
    }
    return hash;
  }

  /** RFC 5155 §8.3: a record matches a name when its owner hash is the name's hash. */
  match(name: Name): Nsec3Record | undefined {
    return this.set.records.find((r) => equalBytes(r.ownerHash, this.hashFor(name, r)));
  }

  /** RFC 5155 §8.3: a record covers a name when the name's hash falls strictly inside its span. */
  cover(name: Name): Nsec3Record | undefined {
    return this.set.records.find((r) => coversHash(r, this.hashFor(name, r)));
  }

  /** Highest iteration count among the usable records, 0 when there are none. */
  maxIterations(): number {
    return this.set.records.reduce((m, r) => Math.max(m, r.iterations), 0);
  }

  /**
   * RFC 5155 §8.3: the closest provable encloser is the longest ancestor of
   * the name with a matching record, and the next closer name (one label
   * longer, towards the name) must be covered.
   */
  closestEncloser(q: Question): EncloserProof {
    const match = this.match(q.qname);
    if (match) return { kind: "exists", match };
    const top = labelCount(this.zone);
    for (let n = labelCount(q.qname) - 1; n >= top; n--) {
      const candidate = ancestor(q.qname, n);
      const at = this.match(candidate);
      if (!at) continue;
      // RFC 6840 §4.1: a delegation or DNAME record proves nothing below its owner.
      if (!deniesBelowOwner(at.types)) {
        return {
          kind: "failed",
          verdict: bogusFor(
            q,
            "denial-invalid",
            `the closest encloser ${nameToText(candidate)} is a delegation or DNAME; its NSEC3 proves nothing below it`,
          ),
        };
      }
      const nextCloser = ancestor(q.qname, n + 1);
      const nextCloserCover = this.cover(nextCloser);
      if (!nextCloserCover) {
        return {
          kind: "failed",
          verdict: this.missing(
            q,
            `no NSEC3 covers the next closer name ${nameToText(nextCloser)}`,
          ),
        };
      }
      return { kind: "proven", closestEncloser: candidate, nextCloser, nextCloserCover };
    }
    return {
      kind: "failed",
      verdict: this.missing(q, `no NSEC3 matches any ancestor of ${nameToText(q.qname)}`),
    };
  }

  /** A bogus verdict for a missing record, naming records that were ignored. */
  missing(
    q: Question,
    message: string,
    kind: "nsec-missing" | "wildcard-proof-missing" = "nsec-missing",
  ): Verdict {
    const { malformed, unknownAlgorithm, unknownFlags } = this.set.ignored;
    if (malformed > 0) {
      return bogusFor(q, "malformed", `${message} (${malformed} malformed NSEC3 ignored)`);
    }
    const notes: string[] = [];
    if (unknownAlgorithm > 0) notes.push(`${unknownAlgorithm} with an unknown hash algorithm`);
    if (unknownFlags > 0) notes.push(`${unknownFlags} with unknown flags`);
    const suffix = notes.length > 0 ? ` (NSEC3 ignored: ${notes.join(", ")})` : "";
    return bogusFor(q, kind, message + suffix);
  }
}

function optOut(q: Question, cover: Nsec3Record, what: string): Verdict {
  return insecure(
    "opt-out",
    `${what}: the NSEC3 at ${nameToText(cover.owner)} covering it has opt-out set`,
    { owner: nameToText(q.qname) },
  );
}

/**
 * Name error (RFC 5155 §8.4): a closest encloser proof, and the wildcard at
 * the closest encloser covered. Insecure when the next closer name is
 * covered by an opt-out record (RFC 5155 §9.2).
 */
export function nsec3NameError(chain: Nsec3Chain, q: Question): Verdict {
  const proof = chain.closestEncloser(q);
  if (proof.kind === "exists") {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC3 at ${nameToText(proof.match.owner)} matches ${nameToText(q.qname)}: it exists`,
    );
  }
  if (proof.kind === "failed") return proof.verdict;
  const wildcard = wildcardOf(proof.closestEncloser);
  if (chain.match(wildcard)) {
    return bogusFor(
      q,
      "denial-invalid",
      `the wildcard ${nameToText(wildcard)} exists, so ${nameToText(q.qname)} should have been synthesized from it`,
    );
  }
  if (!chain.cover(wildcard)) {
    return bogusFor(
      q,
      "wildcard-proof-missing",
      `no NSEC3 covers the wildcard ${nameToText(wildcard)}`,
    );
  }
  if (proof.nextCloserCover.optOut) {
    return optOut(
      q,
      proof.nextCloserCover,
      `${nameToText(proof.nextCloser)} may be an unsigned delegation`,
    );
  }
  return SECURE;
}

/**
 * NODATA (RFC 5155 §8.5 with errata 3441, §8.6, §8.7): a record matching the
 * name without the type or CNAME (an empty non-terminal has one with an
 * empty bitmap); else a closest encloser proof with either a record at the
 * wildcard without the type or CNAME, or, since the name may be an empty
 * non-terminal above an unsigned delegation or the DS of one, an opt-out
 * record covering the next closer name (insecure).
 */
export function nsec3NoData(chain: Nsec3Chain, q: Question & { qtype: number }): Verdict {
  const qtext = nameToText(q.qname);
  const proof = chain.closestEncloser(q);
  if (proof.kind === "exists") {
    const fault = noDataBitmapFault(q.qname, q.qtype, proof.match.types);
    return fault ? bogusFor(q, "denial-invalid", fault) : SECURE;
  }
  if (proof.kind === "failed") return proof.verdict;
  const cover = proof.nextCloserCover;
  if (q.qtype === RrType.DS) {
    // RFC 5155 §8.6: without a matching record only opt-out can explain a DS NODATA.
    if (cover.optOut) return optOut(q, cover, `no DS proven at ${qtext}`);
    return bogusFor(
      q,
      "denial-invalid",
      `no NSEC3 matches ${qtext} and the one covering ${nameToText(proof.nextCloser)} has no opt-out: the name does not exist`,
    );
  }
  const wildcard = wildcardOf(proof.closestEncloser);
  const atWildcard = chain.match(wildcard);
  if (atWildcard) {
    // RFC 5155 §8.7
    const fault = noDataBitmapFault(wildcard, q.qtype, atWildcard.types);
    if (fault) return bogusFor(q, "denial-invalid", fault);
    return cover.optOut ? optOut(q, cover, `${nameToText(proof.nextCloser)} is unproven`) : SECURE;
  }
  if (cover.optOut) return optOut(q, cover, `${qtext} may be an empty non-terminal`);
  if (chain.cover(wildcard)) {
    return bogusFor(
      q,
      "denial-invalid",
      `the NSEC3 records prove that ${qtext} does not exist: a name error, not NODATA`,
    );
  }
  return chain.missing(q, `no NSEC3 matches ${qtext} or the wildcard ${nameToText(wildcard)}`);
}

/**
 * No DS at a delegation (RFC 5155 §8.6, §8.9; RFC 6840 §4.4): a record
 * matching the name with NS and neither DS nor SOA proves an insecure
 * delegation; with no matching record, an opt-out record covering the next
 * closer name makes it insecure. A matching record without NS shows there is
 * no zone cut: the absence of DS is secure and says nothing of a child zone.
 */
export function nsec3NoDs(chain: Nsec3Chain, q: Question): Verdict {
  const qtext = nameToText(q.qname);
  const proof = chain.closestEncloser(q);
  if (proof.kind === "exists") {
    const fault = noDataBitmapFault(q.qname, RrType.DS, proof.match.types);
    if (fault) return bogusFor(q, "denial-invalid", fault);
    // No cut here (the root's apex record, with NS and SOA, is none either).
    if (!isDelegation(proof.match.types)) return SECURE;
    return insecure("unsigned-zone", `the NSEC3 matching ${qtext} proves a delegation without DS`, {
      owner: qtext,
      type: "DS",
    });
  }
  if (proof.kind === "failed") return proof.verdict;
  if (proof.nextCloserCover.optOut) {
    return optOut(q, proof.nextCloserCover, `${qtext} is in an opt-out span`);
  }
  return bogusFor(
    q,
    "denial-invalid",
    `no NSEC3 matches ${qtext} and the one covering ${nameToText(proof.nextCloser)} has no opt-out`,
  );
}

/**
 * A wildcard expansion (RFC 5155 §8.8): the next closer name must be
 * covered. Insecure when the covering record has opt-out, since the next
 * closer name could then be an unsigned delegation (RFC 5155 §9.2).
 */
export function nsec3WildcardAnswer(
  chain: Nsec3Chain,
  q: Question,
  closestEncloser: Name,
): Verdict {
  const nextCloser = ancestor(q.qname, labelCount(closestEncloser) + 1);
  const cover = chain.cover(nextCloser);
  if (cover) {
    return cover.optOut ? optOut(q, cover, `${nameToText(nextCloser)} is unproven`) : SECURE;
  }
  if (chain.match(nextCloser)) {
    return bogusFor(
      q,
      "denial-invalid",
      `an NSEC3 matches ${nameToText(nextCloser)}: it exists, so the wildcard could not apply`,
    );
  }
  return chain.missing(
    q,
    `no NSEC3 covers the next closer name ${nameToText(nextCloser)}`,
    "wildcard-proof-missing",
  );
}
