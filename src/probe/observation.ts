/**
 * What the probe engine hands to the assessment: one observation per probe
 * of one canary from one vantage, grouped into rounds. Types only; this file
 * is the contract between the probe engine and the pure decision core.
 *
 * Conventions the probe engine must keep:
 * - Names are in presentation format, lowercase, with the trailing dot
 *   ("de.", "nic.de."); types are mnemonics ("A", "DNSKEY").
 * - Times are whole seconds since the epoch, taken from the one injected clock.
 * - For a recursive vantage, the CD=0 probe (what users get) is sent before the
 *   CD=1 probe of the same name, and `userAnswer` comes from the CD=0 answer
 *   only; `verdict` is our own validation of the CD=1/DO answer, from the root
 *   trust anchor down. A CD=1 answer never yields a user-facing verdict.
 * - A probe that got no answer (timeout, unreachable, refused) has
 *   `reachable: false` and an indeterminate verdict. It is never bogus.
 * - Every round carries, for each recursive vantage, observations of the
 *   configured control zones made at the same time (`Round.control`).
 *
 * Limitations: one class (IN) only; the fingerprints cover the answer section
 * as the probe engine defines it below, not additional or authority data of
 * positive answers.
 */

import type { Verdict } from "../dnssec/verdict.js";

/** The resolver implementations the watcher distinguishes. */
export type ResolverSoftware = "unbound" | "bind" | "knot-resolver" | "pdns-recursor" | "other";

/** A recursive resolver the watcher asks. */
export interface RecursiveVantage {
  kind: "recursive";
  /** Unique name from the configuration, e.g. "unbound-fra1". */
  name: string;
  software: ResolverSoftware;
  /** Who runs it; distinct operators make a failure more credibly widespread. */
  operator?: string;
  /**
   * True for the resolvers this watcher pushes NTAs to. Their Extended DNS
   * Errors saying "NTA in effect" echo our own decision and never confirm it.
   */
  managed?: boolean;
}

/** One authoritative server of the watched zone, asked directly (no recursion). */
export interface AuthoritativeVantage {
  kind: "authoritative";
  /** The zone this server is authoritative for. */
  zone: string;
  /** IPv4 or IPv6 address the probe was sent to. */
  address: string;
  /** NS target name, when known. */
  host?: string;
}

export type Vantage = RecursiveVantage | AuthoritativeVantage;

/** A name under the zone that is probed, with the type asked for. */
export interface Canary {
  name: string;
  type: string;
  /**
   * Stable identity of the canary across rounds ("soa", "dnskey",
   * "signed-child-ds", "unsigned-child-ds", "nxdomain", or "name/TYPE" for a
   * configured one). The name of the "nxdomain" canary changes every round;
   * metric labels and comparisons across rounds use this id, never the name.
   */
  id?: string;
}

/** One EDNS Extended DNS Error option (RFC 8914 §2). */
export interface EdeOption {
  code: number;
  text?: string;
}

/** What a user of a recursive vantage got: the CD=0 answer. */
export interface UserAnswer {
  /** RCODE mnemonic: "NOERROR", "SERVFAIL", "NXDOMAIN", ... */
  rcode: string;
  /** The AD bit (RFC 4035 §3.2.3). */
  ad: boolean;
  ede: EdeOption[];
  latencyMs: number;
}

/** The last response of a validated lookup, as the probe engine saw it. */
export interface RawAnswer {
  /** RCODE mnemonic of the response that answered the canary. */
  rcode: string;
  /** Address of the server that gave it (the vantage, or the authoritative server). */
  server: string;
  /** Queries the lookup took, chain included. */
  queries: number;
}

/** Why a probe got no usable answer. */
export interface ProbeError {
  kind: "timeout" | "unreachable" | "refused" | "network";
  message: string;
}

/**
 * Hex digests of the answer's bytes, so paths can be compared without
 * storing the data. `rrset`: the answer RRset in canonical form (RFC 4034
 * §6.2, signatures excluded), or for a negative answer the NSEC/NSEC3
 * records that prove it; absent when the answer held no records. `rrsigs`:
 * the RRSIG RDATA covering it, sorted in canonical order; absent when unsigned.
 * `records`: one digest per record that says who publishes the zone, so a
 * record one path adds shows apart from a whole RRset changing with a
 * rollover or a new serial: each DNSKEY and DS record in canonical form
 * without TTL, and of an SOA only its MNAME and RNAME; sorted, absent when
 * the answer held none.
 * The whole object is absent when no answer was captured.
 */
export interface Fingerprints {
  rrset?: string;
  rrsigs?: string;
  records?: string[];
}

/** Key tags seen while validating this answer (RFC 4034 Appendix B). */
export interface KeyTagsSeen {
  /** Tags of the zone's DNSKEY records. */
  dnskey: number[];
  /** Tags named by the DS RRset at the parent. */
  ds: number[];
  /** Tags named by the RRSIGs over the answer. */
  rrsig: number[];
}

export interface Observation {
  /** The zone probed (watched or control). */
  zone: string;
  role: "watched" | "control";
  canary: Canary;
  vantage: Vantage;
  /** When the probe was sent. */
  at: number;
  reachable: boolean;
  error?: ProbeError;
  /** Recursive vantages only, when reachable. */
  userAnswer?: UserAnswer;
  /**
   * The answer `verdict` judged: the CD=1/DO answer of a recursive vantage,
   * or the authoritative server's own answer. Absent when none came back.
   */
  rawAnswer?: RawAnswer;
  /** Our own validation of the CD=1/DO answer (indeterminate when unreachable). */
  verdict: Verdict;
  fingerprints?: Fingerprints;
  /** The earliest RRSIG expiration over the answer, seconds since the epoch. */
  earliestExpiration?: number;
  keyTags: KeyTagsSeen;
}

/** All observations of one zone at one time, with the control zones seen then. */
export interface Round {
  zone: string;
  at: number;
  /** Observations of the watched zone, from recursive and authoritative vantages. */
  observations: Observation[];
  /** Observations of the control zones from the same recursive vantages. */
  control: Observation[];
}
