/**
 * The four security states of RFC 4035 §4.3 and the typed reasons behind
 * every state but secure. A reason names what failed in the field's terms,
 * carries the details an operator needs to find it (owner, type, key tag,
 * algorithm, validity window) and maps to one Extended DNS Error code
 * (RFC 8914 §4), the same one a validating resolver would return.
 */

export type Security = "secure" | "insecure" | "bogus" | "indeterminate";

/** Extended DNS Error info-codes (RFC 8914 §4 and the IANA registry). */
export const Ede = {
  OTHER: 0,
  UNSUPPORTED_DNSKEY_ALGORITHM: 1,
  UNSUPPORTED_DS_DIGEST_TYPE: 2,
  STALE_ANSWER: 3,
  FORGED_ANSWER: 4,
  DNSSEC_INDETERMINATE: 5,
  DNSSEC_BOGUS: 6,
  SIGNATURE_EXPIRED: 7,
  SIGNATURE_NOT_YET_VALID: 8,
  DNSKEY_MISSING: 9,
  RRSIGS_MISSING: 10,
  NO_ZONE_KEY_BIT_SET: 11,
  NSEC_MISSING: 12,
  CACHED_ERROR: 13,
  NOT_READY: 14,
  BLOCKED: 15,
  CENSORED: 16,
  FILTERED: 17,
  PROHIBITED: 18,
  STALE_NXDOMAIN_ANSWER: 19,
  NOT_AUTHORITATIVE: 20,
  NOT_SUPPORTED: 21,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
  INVALID_DATA: 24,
  SIGNATURE_EXPIRED_BEFORE_VALID: 25,
  TOO_EARLY: 26,
  UNSUPPORTED_NSEC3_ITERATIONS: 27,
  UNABLE_TO_CONFORM_TO_POLICY: 28,
  SYNTHESIZED: 29,
  INVALID_QUERY_TYPE: 30,
} as const;

/**
 * What went wrong, one kind per distinct failure. The kinds that an operator's
 * broken signing pipeline produces are the ones the assessment treats as
 * having no security value; the others (a forged-looking answer, data that
 * differs between paths) are judged there from several observations.
 */
export type ReasonKind =
  // RRSIG checks, RFC 4035 §5.3.1
  | "signature-expired"
  | "signature-not-yet-valid"
  | "signature-window-inverted"
  | "signature-invalid"
  | "rrsigs-missing"
  | "signer-not-zone"
  | "labels-mismatch"
  | "type-covered-mismatch"
  | "no-matching-dnskey"
  | "key-not-zone-key"
  | "key-revoked"
  // chain of trust, RFC 4035 §5.2
  | "dnskey-missing"
  | "no-dnskey-matches-ds"
  | "ds-missing"
  | "unsupported-algorithm"
  | "unsupported-digest"
  // denial of existence, RFC 4035 §5.4 and RFC 5155 §8
  | "nsec-missing"
  | "denial-invalid"
  | "nsec3-iterations-too-high"
  | "wildcard-proof-missing"
  | "opt-out"
  // the data itself or the path to it
  | "malformed"
  | "cname-loop"
  | "referral-loop"
  | "unreachable"
  | "timeout"
  | "lame"
  | "limit-exceeded"
  | "unsigned-zone"
  | "no-trust-anchor"
  | "negative-trust-anchor";

export interface Reason {
  kind: ReasonKind;
  /** One sentence for people: what failed and where. */
  message: string;
  /** The RFC 8914 info-code a resolver would attach. */
  ede: number;
  /** Owner name of the RRset concerned, in presentation format. */
  owner?: string;
  /** Type mnemonic of the RRset concerned. */
  type?: string;
  keyTag?: number;
  algorithm?: number;
  /** RRSIG inception and expiration, seconds since the epoch. */
  inception?: number;
  expiration?: number;
}

export interface Verdict {
  security: Security;
  /** Present for every state but secure, and for secure answers that carry a note. */
  reason?: Reason;
}

export const SECURE: Verdict = Object.freeze({ security: "secure" }) as Verdict;

const EDE_FOR_KIND: Record<ReasonKind, number> = {
  "signature-expired": Ede.SIGNATURE_EXPIRED,
  "signature-not-yet-valid": Ede.SIGNATURE_NOT_YET_VALID,
  "signature-window-inverted": Ede.SIGNATURE_EXPIRED_BEFORE_VALID,
  "signature-invalid": Ede.DNSSEC_BOGUS,
  "rrsigs-missing": Ede.RRSIGS_MISSING,
  "signer-not-zone": Ede.DNSSEC_BOGUS,
  "labels-mismatch": Ede.DNSSEC_BOGUS,
  "type-covered-mismatch": Ede.DNSSEC_BOGUS,
  "no-matching-dnskey": Ede.DNSKEY_MISSING,
  "key-not-zone-key": Ede.NO_ZONE_KEY_BIT_SET,
  "key-revoked": Ede.DNSSEC_BOGUS,
  "dnskey-missing": Ede.DNSKEY_MISSING,
  "no-dnskey-matches-ds": Ede.DNSKEY_MISSING,
  "ds-missing": Ede.DNSSEC_BOGUS,
  "unsupported-algorithm": Ede.UNSUPPORTED_DNSKEY_ALGORITHM,
  "unsupported-digest": Ede.UNSUPPORTED_DS_DIGEST_TYPE,
  "nsec-missing": Ede.NSEC_MISSING,
  "denial-invalid": Ede.DNSSEC_BOGUS,
  "nsec3-iterations-too-high": Ede.UNSUPPORTED_NSEC3_ITERATIONS,
  "wildcard-proof-missing": Ede.NSEC_MISSING,
  "opt-out": Ede.OTHER,
  malformed: Ede.INVALID_DATA,
  "cname-loop": Ede.OTHER,
  "referral-loop": Ede.OTHER,
  unreachable: Ede.NO_REACHABLE_AUTHORITY,
  timeout: Ede.NO_REACHABLE_AUTHORITY,
  lame: Ede.NOT_AUTHORITATIVE,
  "limit-exceeded": Ede.OTHER,
  "unsigned-zone": Ede.OTHER,
  "no-trust-anchor": Ede.DNSSEC_INDETERMINATE,
  "negative-trust-anchor": Ede.OTHER,
};

/** The RFC 8914 code for a reason kind. */
export function edeFor(kind: ReasonKind): number {
  return EDE_FOR_KIND[kind];
}

type ReasonDetails = Omit<Reason, "kind" | "message" | "ede">;

export function reason(kind: ReasonKind, message: string, details: ReasonDetails = {}): Reason {
  return { kind, message, ede: edeFor(kind), ...details };
}

export function bogus(kind: ReasonKind, message: string, details: ReasonDetails = {}): Verdict {
  return { security: "bogus", reason: reason(kind, message, details) };
}

export function insecure(kind: ReasonKind, message: string, details: ReasonDetails = {}): Verdict {
  return { security: "insecure", reason: reason(kind, message, details) };
}

export function indeterminate(
  kind: ReasonKind,
  message: string,
  details: ReasonDetails = {},
): Verdict {
  return { security: "indeterminate", reason: reason(kind, message, details) };
}

/** The state and reason alone, without what a check returns beside them (keys, per-signature checks). */
export function verdictOnly(v: Verdict): Verdict {
  return v.reason ? { security: v.security, reason: v.reason } : { security: v.security };
}

/**
 * Combines the verdicts of the links of one answer: the answer is only as
 * strong as its weakest link. Bogus wins over indeterminate, which wins over
 * insecure; the first reason of the winning state is kept.
 */
export function weakest(verdicts: readonly Verdict[]): Verdict {
  const rank: Record<Security, number> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };
  let worst: Verdict = SECURE;
  for (const v of verdicts) if (rank[v.security] > rank[worst.security]) worst = v;
  return worst;
}
