/**
 * Authenticated denial of existence: the entry points. Each takes the
 * question, the apex of the zone that answered, and the NSEC or NSEC3
 * records of the answer, whose RRSIGs the caller has already verified; each
 * returns a verdict and does no I/O.
 *
 * - secure: the denial is proven.
 * - insecure: the records are valid but cannot prove the denial, by design:
 *   an opt-out span (reason "opt-out"), an NSEC3 iteration count above the
 *   limit ("nsec3-iterations-too-high", EDE 27, RFC 9276 §3.2), or, for
 *   proveNoDs, a proven delegation without DS ("unsigned-zone").
 * - bogus: the proof is missing a record, or the records contradict the
 *   answer; the reason says which record and name.
 *
 * Records of other types, or outside the zone, are ignored. When both NSEC
 * and NSEC3 records are given, an NSEC proof is tried first.
 *
 * Limitations: NSEC3 hash algorithm 1 (SHA-1) only, as registered at IANA;
 * records with another algorithm are ignored (RFC 5155 §8.1).
 */
import {
  ancestor,
  isSubdomain,
  isWildcard,
  labelCount,
  nameToText,
  type Name,
} from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import {
  bogusFor,
  checkQuestion,
  resolveOptions,
  type DenialOptions,
  type Question,
} from "./denial-common.js";
import {
  nsecNameError,
  nsecNoData,
  nsecNoDs,
  nsecWildcardAnswer,
  readNsecRecords,
  type NsecSet,
} from "./nsec.js";
import {
  Nsec3Chain,
  nsec3NameError,
  nsec3NoData,
  nsec3NoDs,
  nsec3WildcardAnswer,
  readNsec3Records,
} from "./nsec3.js";
import { insecure, SECURE, type Verdict } from "./verdict.js";

export { NSEC3_ITERATIONS_LIMIT, type DenialOptions } from "./denial-common.js";
export { nsec3Hash, UnsupportedNsec3HashError } from "./nsec3-hash.js";

type NsecProof = (set: NsecSet) => Verdict;
type Nsec3Proof = (chain: Nsec3Chain) => Verdict;

function prove(
  q: Question,
  records: readonly Rr[],
  options: DenialOptions | undefined,
  withNsec: NsecProof,
  withNsec3: Nsec3Proof,
): Verdict {
  const { maxNsec3Iterations } = resolveOptions(options);
  checkQuestion(q);
  const nsec = readNsecRecords(records, q.zone);
  const nsec3 = readNsec3Records(records, q.zone);
  if (nsec.records.length > 0) {
    const verdict = withNsec(nsec);
    if (verdict.security !== "bogus" || nsec3.records.length === 0) return verdict;
  }
  const chain = new Nsec3Chain(nsec3, q.zone);
  if (nsec3.records.length === 0) {
    if (nsec.malformed > 0) return bogusFor(q, "malformed", "every NSEC record is malformed");
    return chain.missing(q, `no NSEC or NSEC3 records from ${nameToText(q.zone)}`);
  }
  // RFC 9276 §3.2: above the limit the answer is insecure, never bogus.
  const iterations = chain.maxIterations();
  if (iterations > maxNsec3Iterations) {
    return insecure(
      "nsec3-iterations-too-high",
      `NSEC3 records of ${nameToText(q.zone)} use ${iterations} iterations, above the limit of ${maxNsec3Iterations}`,
      { owner: nameToText(q.qname) },
    );
  }
  return withNsec3(chain);
}

/**
 * Proves an NXDOMAIN: the name does not exist and no wildcard could have
 * produced it (RFC 4035 §5.4; RFC 5155 §8.4).
 */
export function proveNameError(
  qname: Name,
  zone: Name,
  records: readonly Rr[],
  options?: DenialOptions,
): Verdict {
  const q: Question = { qname, zone };
  return prove(
    q,
    records,
    options,
    (set) => nsecNameError(set, q),
    (chain) => nsec3NameError(chain, q),
  );
}

/**
 * Proves a NODATA answer: the name exists (possibly as an empty
 * non-terminal) without the type, or a wildcard that would match it lacks
 * the type (RFC 4035 §3.1.3.1, §3.1.3.4, §5.4; RFC 5155 §8.5-§8.7). For DS,
 * an opt-out span gives insecure (RFC 5155 §8.6).
 */
export function proveNoData(
  qname: Name,
  qtype: number,
  zone: Name,
  records: readonly Rr[],
  options?: DenialOptions,
): Verdict {
  const q = { qname, qtype, zone };
  return prove(
    q,
    records,
    options,
    (set) => nsecNoData(set, q),
    (chain) => nsec3NoData(chain, q),
  );
}

/**
 * Proves that an answer synthesized from a wildcard was allowed: the name
 * asked for does not exist below the closest encloser (RFC 4035 §5.3.4;
 * RFC 5155 §8.8). `source` is either the Labels field of the answer's RRSIG
 * (the closest encloser keeps that many labels of the name) or the closest
 * encloser itself. Throws when `source` does not describe an expansion of
 * `qname` (a Labels count not below the name's, or a name not above it).
 */
export function proveWildcardAnswer(
  qname: Name,
  source: number | Name,
  zone: Name,
  records: readonly Rr[],
  options?: DenialOptions,
): Verdict {
  const owned = labelCount(qname);
  let closestEncloser: Name;
  if (typeof source === "number") {
    if (!Number.isInteger(source) || source < 0 || source >= owned) {
      throw new RangeError(
        `RRSIG Labels ${source} is no wildcard expansion of a ${owned}-label name`,
      );
    }
    closestEncloser = ancestor(qname, source);
  } else {
    if (labelCount(source) >= owned || !isSubdomain(qname, source)) {
      throw new RangeError(`${nameToText(source)} is not an ancestor of ${nameToText(qname)}`);
    }
    closestEncloser = source;
  }
  const q: Question = { qname, zone };
  // RFC 4035 §5.3.4: the wildcard itself asked for is no expansion; nothing to deny.
  if (isWildcard(qname) && labelCount(closestEncloser) === owned - 1) return SECURE;
  if (!isSubdomain(closestEncloser, zone)) {
    checkQuestion(q);
    return bogusFor(
      q,
      "denial-invalid",
      `the wildcard's closest encloser ${nameToText(closestEncloser)} is outside zone ${nameToText(zone)}`,
    );
  }
  return prove(
    q,
    records,
    options,
    (set) => nsecWildcardAnswer(set, q, closestEncloser),
    (chain) => nsec3WildcardAnswer(chain, q, closestEncloser),
  );
}

/**
 * Proves that a delegation has no DS, from the parent's records (RFC 4035
 * §5.2; RFC 5155 §8.6, §8.9; RFC 6840 §4.4). `qname` is the delegation
 * name and `zone` the parent zone. Insecure with reason "unsigned-zone" when
 * a record at the name shows NS without DS or SOA, and with reason "opt-out"
 * when the name lies in an NSEC3 opt-out span: either way the child zone is
 * unsigned. Secure when the records show there is no zone cut at the name
 * (it exists without NS, or is an empty non-terminal): no DS, no child.
 * Bogus otherwise, including when the record at the name has SOA set (it
 * comes from the child's apex) or DS set.
 */
export function proveNoDs(
  qname: Name,
  zone: Name,
  records: readonly Rr[],
  options?: DenialOptions,
): Verdict {
  const q: Question = { qname, qtype: RrType.DS, zone };
  return prove(
    q,
    records,
    options,
    (set) => nsecNoDs(set, q),
    (chain) => nsec3NoDs(chain, q),
  );
}
