/**
 * The canaries of a zone: the names and types probed each round.
 *
 * Configured canaries are used as given. Otherwise these are derived:
 * - "soa" and "dnskey": the apex SOA and DNSKEY RRsets, signed by the zone;
 * - "signed-child-ds": the DS RRset of a signed delegation, signed by the
 *   zone (RFC 4035 §2.4);
 * - "unsigned-child-ds": the DS query of an unsigned delegation, answered
 *   by a signed "no data" proof (RFC 4035 §3.1.4.1, RFC 5155 §7.2.4);
 * - "nxdomain": a random name that does not exist, answered by a signed
 *   name error proof (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2). The label is
 *   drawn again each round so no cache can answer it, and is the same for
 *   every vantage and server within a round so their proofs compare.
 *
 * Which delegations are signed and unsigned comes from the configuration
 * (`signedChild`, `unsignedChild`): walking NSEC chains works only for
 * zones that use NSEC, and most TLDs use NSEC3, which hides names. Without
 * a hint the canary is left out (see `missingHints`).
 *
 * Canary names with random labels must never become metric labels: every
 * canary carries a stable `id` for that.
 */
import type { Canary } from "./observation.js";

/** A canary with its stable id (always set here). */
export type ProbeCanary = Canary & { id: string };

export interface CanaryHints {
  name: string;
  canaries?: readonly { name: string; type: string }[];
  signedChild?: string;
  unsignedChild?: string;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A label no zone is expected to hold: a fixed prefix and 12 random letters and digits. */
export function randomLabel(random: () => number): string {
  let s = "nta-watch-";
  for (let i = 0; i < 12; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return s;
}

/** The name `label` prepended to `zone` (both in presentation form). */
function below(label: string, zone: string): string {
  return zone === "." ? `${label}.` : `${label}.${zone}`;
}

/** The id of a configured canary: its name and type, stable across rounds. */
export function configuredId(c: { name: string; type: string }): string {
  return `${c.name}/${c.type}`;
}

/** The canaries of one round for `zone`; `random` draws the "nxdomain" label. */
export function canariesFor(zone: CanaryHints, random: () => number): ProbeCanary[] {
  if (zone.canaries && zone.canaries.length > 0) {
    return zone.canaries.map((c) => ({ id: configuredId(c), name: c.name, type: c.type }));
  }
  const out: ProbeCanary[] = [
    { id: "soa", name: zone.name, type: "SOA" },
    { id: "dnskey", name: zone.name, type: "DNSKEY" },
  ];
  if (zone.signedChild) out.push({ id: "signed-child-ds", name: zone.signedChild, type: "DS" });
  if (zone.unsignedChild)
    out.push({ id: "unsigned-child-ds", name: zone.unsignedChild, type: "DS" });
  out.push({ id: "nxdomain", name: below(randomLabel(random), zone.name), type: "A" });
  return out;
}

/** The derived canaries left out for want of a hint, to tell the operator. */
export function missingHints(zone: CanaryHints): string[] {
  if (zone.canaries && zone.canaries.length > 0) return [];
  const out: string[] = [];
  if (!zone.signedChild) out.push("signed-child-ds (set signedChild)");
  if (!zone.unsignedChild) out.push("unsigned-child-ds (set unsignedChild)");
  return out;
}
