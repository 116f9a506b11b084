/**
 * What one observation says on its own: does it fail, does it count at all,
 * and under which keys it is grouped. Everything above works from these.
 */

import { Ede, type ReasonKind } from "../dnssec/verdict.js";
export { isoTime } from "../dnssec/serial-time.js";
import type { Canary, Observation, Vantage } from "../probe/observation.js";

/** A stable key for a vantage: "recursive:<name>" or "authoritative:<address>". */
export function vantageKey(v: Vantage): string {
  return v.kind === "recursive" ? `recursive:${v.name}` : `authoritative:${v.address}`;
}

/** A short label for people: the resolver's name, or the server's host and address. */
export function vantageLabel(v: Vantage): string {
  if (v.kind === "recursive") return `${v.name} (${v.software})`;
  return v.host ? `${v.host} ${v.address}` : v.address;
}

/**
 * A key for a canary that is stable across rounds: its `id` when the probe
 * engine set one (the "nxdomain" canary's name changes every round), else
 * "<name>/<TYPE>" with the name lowercased.
 */
export function canaryKey(c: Canary): string {
  return c.id ?? `${c.name.toLowerCase()}/${c.type.toUpperCase()}`;
}

/** Zone names compare without case and with or without the trailing dot. */
export function sameZone(a: string, b: string): boolean {
  const norm = (z: string) => (z.endsWith(".") ? z : `${z}.`).toLowerCase();
  return norm(a) === norm(b);
}

/**
 * Extended DNS Errors that say validation failed (RFC 8914 §4.7-4.13, §4.26).
 * Not 5 (indeterminate is not bogus), not 1, 2 or 27: those mark answers a
 * resolver treats as insecure because of algorithm, digest or NSEC3
 * iterations, which is policy, not a break.
 */
const DNSSEC_FAILURE_EDE: ReadonlySet<number> = new Set([
  Ede.DNSSEC_BOGUS,
  Ede.SIGNATURE_EXPIRED,
  Ede.SIGNATURE_NOT_YET_VALID,
  Ede.DNSKEY_MISSING,
  Ede.RRSIGS_MISSING,
  Ede.NO_ZONE_KEY_BIT_SET,
  Ede.NSEC_MISSING,
  Ede.SIGNATURE_EXPIRED_BEFORE_VALID,
]);

/**
 * Kinds that make a zone insecure by policy: an algorithm or digest the
 * validator does not implement (RFC 4035 §5.2), NSEC3 iterations above the
 * limit (RFC 9276 §3.2). Such a zone is not broken and never gets an NTA.
 */
const POLICY_INSECURE_KINDS: ReadonlySet<ReasonKind> = new Set<ReasonKind>([
  "unsupported-algorithm",
  "unsupported-digest",
  "nsec3-iterations-too-high",
]);

/** Kinds that say the signature window does not contain "now" (RFC 4035 §5.3.1). */
export const TIME_KINDS: ReadonlySet<ReasonKind> = new Set<ReasonKind>([
  "signature-expired",
  "signature-not-yet-valid",
]);

/** The observation is insecure because of algorithm or iterations: not broken at all. */
export function insecureByPolicy(o: Observation): boolean {
  const kind = o.verdict.reason?.kind;
  return o.verdict.security === "insecure" && kind !== undefined && POLICY_INSECURE_KINDS.has(kind);
}

/** The CD=0 answer a user got was SERVFAIL with an EDE that names a DNSSEC failure. */
export function userSawDnssecFailure(o: Observation): boolean {
  const a = o.userAnswer;
  return (
    a !== undefined &&
    a.rcode.toUpperCase() === "SERVFAIL" &&
    a.ede.some((e) => DNSSEC_FAILURE_EDE.has(e.code))
  );
}

/** Our own validation of the CD=1 answer says bogus. */
export function locallyBogus(o: Observation): boolean {
  return o.reachable && o.verdict.security === "bogus";
}

/**
 * The observation fails: it answered, and either our own validation says
 * bogus or (recursive vantages) the user got SERVFAIL with a DNSSEC EDE.
 * Unreachable never fails (STYLE: could not check is not checked and failed),
 * nor does an answer insecure by policy.
 */
export function fails(o: Observation): boolean {
  if (!o.reachable || insecureByPolicy(o)) return false;
  return locallyBogus(o) || (o.vantage.kind === "recursive" && userSawDnssecFailure(o));
}

/** The observation validates: secure or provably insecure, and nothing failed. */
export function validates(o: Observation): boolean {
  if (!o.reachable || fails(o)) return false;
  return o.verdict.security === "secure" || o.verdict.security === "insecure";
}

/** Our own validation failed on the signature window: the clock may be at fault. */
export function timeBogus(o: Observation): boolean {
  const kind = o.verdict.reason?.kind;
  return locallyBogus(o) && kind !== undefined && TIME_KINDS.has(kind);
}

/** Formats a share as a percentage for summaries: 0.75 -> "75 %". */
export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

export function distinct<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
