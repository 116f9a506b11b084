/**
 * Validating one response once the keys of the zones it comes from are
 * known: the glue between the RRSIG checks (rrsig.ts), the DS-to-DNSKEY step
 * (zone-keys.ts), and the denial proofs (denial.ts). Pure: records and keys in,
 * verdicts out.
 */
import { groupRrsets, type RrsetGroup } from "../dns/canonical.js";
import { nameEquals, type Name } from "../dns/name.js";
import { RrType, rrsetRecords, type Rr } from "../dns/rr.js";
import { parseRrsig } from "./rdata.js";
import { verifyRrset, type RrsetVerdict } from "./rrsig.js";
import { bogus, verdictOnly, type Verdict } from "./verdict.js";
import type { ZoneKeys } from "./zone-keys.js";

/** The DNSKEY RRset of a zone once it is trusted (RFC 4035 §5.2). */
export interface TrustedKeys {
  zone: Name;
  dnskeys: Rr[];
}

function recordsOf(group: RrsetGroup): Rr[] {
  return group.rrset ? rrsetRecords(group.rrset) : [];
}

/** The trusted keys of a zone from the DS-to-DNSKEY step, when it ended secure. */
export function trustedKeysOf(zone: Name, z: ZoneKeys): TrustedKeys | undefined {
  return z.security === "secure" ? { zone, dnskeys: z.keys } : undefined;
}

/** The signer named by the first RRSIG of a group that can be read. */
export function signerOf(group: RrsetGroup): Name | undefined {
  for (const rr of group.rrsigs) {
    const sig = parseRrsig(rr.rdata);
    if (sig) return sig.signer;
  }
  return undefined;
}

/** Validates one RRset with the keys of its zone (RFC 4035 §5.3). */
export function validateGroup(group: RrsetGroup, keys: TrustedKeys, now: number): RrsetVerdict {
  if (!group.rrset) {
    return { ...bogus("malformed", "RRSIGs without the RRset they cover"), checks: [] };
  }
  return verifyRrset(group.rrset, group.rrsigs, keys.dnskeys, { zone: keys.zone, now });
}

export interface DenialRecords {
  /** NSEC and NSEC3 records whose RRsets validated. */
  records: Rr[];
  /** The first NSEC or NSEC3 RRset that did not validate, if any. */
  failure?: Verdict;
}

/**
 * The NSEC and NSEC3 records of a section that validate with the zone's keys;
 * a denial proof is built only from those (RFC 4035 §5.4). `validate` checks
 * each RRset (a round's shared checks pass their own).
 */
export function validatedDenialRecords(
  section: readonly Rr[],
  keys: TrustedKeys,
  now: number,
  validate: typeof validateGroup = validateGroup,
): DenialRecords {
  const out: DenialRecords = { records: [] };
  for (const group of groupRrsets(section)) {
    const t = group.rrset?.type;
    if (t !== RrType.NSEC && t !== RrType.NSEC3) continue;
    const signer = signerOf(group);
    if (signer && !nameEquals(signer, keys.zone)) continue;
    const v = validate(group, keys, now);
    if (v.security === "secure") out.records.push(...recordsOf(group));
    else if (!out.failure) out.failure = verdictOnly(v);
  }
  return out;
}

/** Records of a group as a list (for proofs and evidence). */
export { recordsOf };
