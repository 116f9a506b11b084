/**
 * The shapes the assessment returns: each precondition is met or not, with
 * evidence a person can check (a sentence with the figures in it, and the
 * figures themselves for the console and the audit log).
 */

import type { ReasonKind } from "../dnssec/verdict.js";

export interface Evidence<F> {
  /** Words and figures, for people. */
  summary: string;
  figures: F;
}

export interface Precondition<F> {
  met: boolean;
  evidence: Evidence<F>;
}

/** The figures of one round for the widespread precondition. */
export interface RoundFigures {
  at: number;
  met: boolean;
  /** Recursive vantages answering, after exclusions. */
  vantagesCounted: number;
  vantagesFailing: string[];
  vantageShare: number;
  /** Vantages that did not answer: excluded from the denominator. */
  vantagesUnreachable: string[];
  /** Vantages whose control zones did not validate: excluded, their problem or ours. */
  vantagesControlFailed: string[];
  /** Vantages with no control-zone answer in the round: excluded, nothing proves they validate. */
  vantagesWithoutControl: string[];
  implementationsCounted: string[];
  implementationsFailing: string[];
  implementationShare: number;
  canariesCounted: number;
  canariesFailing: string[];
  canaryShare: number;
  /** Authoritative servers answering, and those serving data that fails validation. */
  authoritativesCounted: number;
  authoritativesBad: string[];
  authoritativesUnreachable: string[];
  /** Observations insecure because of their algorithm or NSEC3 iterations: not broken. */
  insecureByPolicy: number;
  clockSuspect: boolean;
}

export interface WidespreadFigures {
  required: number;
  /** How many of the most recent rounds in a row met the thresholds. */
  streak: number;
  /** The most recent rounds, oldest first (at most `required`). */
  rounds: RoundFigures[];
}

/** One set of paths that served the same bytes for a canary. */
export interface FingerprintGroup {
  fingerprint: string;
  paths: string[];
}

/** Bad paths of one canary that serve the same records no authoritative server serves. */
export interface UnpublishedRecords {
  canary: string;
  /** What the digests are of: "DNSKEY", "DS", or "SOA" (its MNAME and RNAME). */
  type: string;
  /** Fingerprints.records digests neither served by an authoritative server nor last known good. */
  records: string[];
  paths: string[];
}

/** Bad paths of one canary that serve the same RRset under differing RRSIGs. */
export interface SignatureVariants {
  canary: string;
  groups: FingerprintGroup[];
}

export interface TamperingFigures {
  /**
   * Canaries whose bad paths serve differing RRsets. (RRSIGs alone that
   * differ over the same RRset are a note, NoSecurityValueFigures.signatureVariants;
   * assessments stored before that may still hold field "rrsigs" here.)
   */
  differingBadPaths: { canary: string; field: "rrset" | "rrsigs"; groups: FingerprintGroup[] }[];
  /** Canaries whose unsigned data differs between bad and good paths. */
  differingFromGoodPaths: { canary: string; bad: FingerprintGroup[]; good: FingerprintGroup[] }[];
  /** Canaries whose data on bad paths differs from the last known good. */
  changedSinceLastKnownGood: { canary: string; lastKnownGood: string; seen: FingerprintGroup[] }[];
  /**
   * DNSKEY and DS records, and SOA names, on bad paths that no authoritative
   * server serves this round and the last known good does not hold (absent
   * in assessments stored before it was added).
   */
  unpublishedRecords?: UnpublishedRecords[];
}

export interface NoSecurityValueFigures {
  /** Bogus verdicts by reason kind, from our own validation. */
  kinds: Partial<Record<ReasonKind, number>>;
  /** Kinds a signing pipeline does not produce. */
  nonOperatorKinds: ReasonKind[];
  /**
   * Canaries on which some path serving bad data served records, so that
   * what it served could be compared with the other paths and the last known
   * good; with none, nothing was compared and the precondition is not met
   * (absent in assessments stored before it was added).
   */
  canariesCompared?: number;
  /** For signature-invalid: on how many canaries out of how many. */
  signatureInvalidCanaries: number;
  canariesObserved: number;
  keyTags: { dnskey: number[]; ds: number[]; rrsig: number[] };
  /** DNSKEY key tags shared by two keys in one DNSKEY RRset (RFC 4034 Appendix B). */
  collidingKeyTags: number[];
  /** Failing user answers at vantages whose raw data validates: their caches or software. */
  userOnlyFailures: number;
  lastKnownGood: { matched: number; unknown: number; changed: number };
  insecureByPolicy: number;
  /**
   * Canaries whose bad paths carry DNSKEY, DS or SOA records: compared with
   * what the authoritative servers serve, or not compared because none of
   * them answered the canary; on the latter, the records the last known good
   * lacks, which nothing vouches for (absent in assessments stored before it
   * was added).
   */
  publisherRecords?: {
    compared: string[];
    unchecked: string[];
    unexplained: UnpublishedRecords[];
  };
  /** RRSIGs differing among bad paths over the same RRset: a note, not tampering. */
  signatureVariants?: SignatureVariants[];
}

export interface NoSecurityValue extends Precondition<NoSecurityValueFigures> {
  /** Present when the data itself points to tampering: never propose, raise an alarm. */
  tampering?: Evidence<TamperingFigures>;
}

export type ConfirmationSource = "manual" | "statuspage" | "feed" | "peer-nta" | "ede-nta";

/** A public acknowledgement of the break, recorded by a person or a configured source. */
export interface Confirmation {
  zone: string;
  source: ConfirmationSource;
  /** Who recorded it: a person, a feed's name, a vantage. */
  author: string;
  /** A URL or a quoted text a person can check. */
  reference: string;
  at: number;
  expiresAt?: number;
}

export interface ConfirmedFigures {
  valid: Confirmation[];
  rejected: { confirmation: Confirmation; why: string }[];
}

/** A signature horizon close enough to warn about. */
export interface ExpiringSoon {
  /** The earliest of the per-canary latest expirations seen. */
  horizon: number;
  secondsLeft: number;
  canary: string;
}

export type ZoneStatus = "healthy" | "failing" | "unknown";

export interface Assessment {
  zone: string;
  at: number;
  /**
   * From the paths the latest round counts (recursive vantages whose control
   * zones validate, authoritative servers that answered): healthy, none of
   * them fails; failing, one does; unknown, none counts (nothing answered,
   * or every vantage answering is left out and no authoritative server
   * answered), or the local clock is suspect.
   */
  status: ZoneStatus;
  /** Why the status is unknown, in words (no path answered or counted, or the clock). */
  statusNote?: string;
  widespread: Precondition<WidespreadFigures>;
  confirmed: Precondition<ConfirmedFigures>;
  noSecurityValue: NoSecurityValue;
  /**
   * Every reachable recursive vantage (own validation, CD=1) and every
   * authoritative server, all of them reachable, validate the zone as secure
   * or provably insecure: the condition for retracting an NTA.
   */
  validEverywhere: boolean;
  /** How the zone validates when it does: "insecure" after its DS is gone. */
  validAs?: "secure" | "insecure";
  clockSuspect: boolean;
  expiringSoon?: ExpiringSoon;
  /** The NTA lifetime a proposal offers, and why. */
  suggestedLifetimeSeconds: number;
  lifetimeNote: string;
}
