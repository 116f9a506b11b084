/**
 * What the NSEC and NSEC3 proofs share: the options and their limits, the
 * question being answered, and the RFC 6840 §4.1 rule about records that sit
 * on the parent side of a zone cut or at a DNAME.
 */
import { isSubdomain, labelCount, nameToText, type Name } from "../dns/name.js";
import { RrType, typeToText } from "../dns/rr.js";
import { bogus, type ReasonKind, type Verdict } from "./verdict.js";

/**
 * The NSEC3 iteration limit. Above it an answer is insecure, never bogus
 * (RFC 9276 §3.2, with EDE 27). The default is the 150 that Unbound, BIND
 * and Knot Resolver apply. The range runs from 0 (RFC 9276 §3.1 asks
 * signers for 0 extra iterations, so a validator may insist on it) to 2500,
 * the highest count RFC 5155 §10.3 ever allowed, for 4096-bit keys; a
 * higher limit would accept counts that no signer was meant to use.
 */
export const NSEC3_ITERATIONS_LIMIT = { default: 150, min: 0, max: 2500 } as const;

export interface DenialOptions {
  /** Highest NSEC3 iteration count still validated; see NSEC3_ITERATIONS_LIMIT. */
  maxNsec3Iterations?: number;
}

/** Reads the options, throwing on a limit outside its documented range. */
export function resolveOptions(options: DenialOptions = {}): Required<DenialOptions> {
  const limit = options.maxNsec3Iterations ?? NSEC3_ITERATIONS_LIMIT.default;
  if (
    !Number.isInteger(limit) ||
    limit < NSEC3_ITERATIONS_LIMIT.min ||
    limit > NSEC3_ITERATIONS_LIMIT.max
  ) {
    throw new RangeError(
      `maxNsec3Iterations ${limit} outside ${NSEC3_ITERATIONS_LIMIT.min}..${NSEC3_ITERATIONS_LIMIT.max}`,
    );
  }
  return { maxNsec3Iterations: limit };
}

/** The question a denial answers, with the zone whose records make the proof. */
export interface Question {
  qname: Name;
  /** Undefined for a name error, where no type matters. */
  qtype?: number;
  zone: Name;
}

export function checkQuestion(q: Question): void {
  if (!isSubdomain(q.qname, q.zone)) {
    throw new RangeError(`${nameToText(q.qname)} is not in zone ${nameToText(q.zone)}`);
  }
}

/** A bogus verdict about a question, its owner and type filled in. */
export function bogusFor(q: Question, kind: ReasonKind, message: string): Verdict {
  return bogus(kind, message, {
    owner: nameToText(q.qname),
    ...(q.qtype !== undefined ? { type: typeToText(q.qtype) } : {}),
  });
}

/**
 * RFC 6840 §4.1: a record whose bitmap shows NS without SOA sits on the
 * parent side of a zone cut, and one with DNAME redirects everything below
 * it; neither can deny any name below its owner.
 */
export function deniesBelowOwner(types: ReadonlySet<number>): boolean {
  return !isDelegation(types) && !types.has(RrType.DNAME);
}

/** RFC 6840 §4.1: NS without SOA in a bitmap marks the parent side of a zone cut. */
export function isDelegation(types: ReadonlySet<number>): boolean {
  return types.has(RrType.NS) && !types.has(RrType.SOA);
}

/**
 * The bitmap check of a NODATA proof at a name that exists (RFC 4035
 * §3.1.3.1, RFC 5155 §8.5 and §8.6): neither the type asked for nor CNAME may
 * be present, and the record must be usable for that type (RFC 6840 §4.1: at
 * a delegation only DS can be denied; RFC 6840 §4.4: DS cannot be denied by
 * the child's apex record, except at the root, which has no parent: the
 * root zone answers for the DS of "." itself, from its apex record).
 * Returns what is wrong, or undefined.
 */
export function noDataBitmapFault(
  owner: Name,
  qtype: number,
  types: ReadonlySet<number>,
): string | undefined {
  const at = nameToText(owner);
  if (types.has(qtype)) return `the bitmap at ${at} lists ${typeToText(qtype)}`;
  if (qtype !== RrType.CNAME && types.has(RrType.CNAME)) {
    return `the bitmap at ${at} lists CNAME: the answer should have been the CNAME`;
  }
  if (qtype === RrType.DS) {
    // RFC 4035 §3.1.4.1: the DS RRset belongs to the parent side of the cut.
    // The root has no parent side; its servers deny the DS of "." with the
    // apex NSEC (as Unbound's val_nsec.c does, the root is exempt).
    if (types.has(RrType.SOA) && labelCount(owner) > 0) {
      return `the record at ${at} has SOA set: it is the child zone's apex record and cannot deny the parent's DS`;
    }
    return undefined;
  }
  if (isDelegation(types)) {
    return `the record at ${at} is from the parent side of a delegation and can deny only DS`;
  }
  return undefined;
}
