/**
 * Validating one response once the keys of the zones it comes from are
 * known: the glue between the RRSIG checks (rrsig.ts), the DS-to-DNSKEY step
 * (ds.ts), and the denial proofs (denial.ts). Pure: records and keys in,
 * verdicts out.
 */
import { groupRrsets, type RrsetGroup } from "../dns/canonical.js";
import { nameEquals, nameToText, type Name } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import { algorithmName, isSupportedAlgorithm } from "./algorithms.js";
import { matchDsSet, isSupportedDigest } from "./ds.js";
import { parseDs, parseRrsig } from "./rdata.js";
import { verifyRrset, type RrsetVerdict } from "./rrsig.js";
import { bogus, insecure, SECURE, type Verdict } from "./verdict.js";

/** The DNSKEY RRset of a zone once it is trusted (RFC 4035 §5.2). */
export interface TrustedKeys {
  zone: Name;
  dnskeys: Rr[];
}

export interface KeysVerdict {
  verdict: Verdict;
  /** Present when the verdict is secure. */
  keys?: TrustedKeys;
}

function recordsOf(group: RrsetGroup): Rr[] {
  const set = group.rrset;
  if (!set) return [];
  return set.rdatas.map((rdata) => ({
    owner: set.owner,
    type: set.type,
    class: set.class,
    ttl: set.ttl,
    rdata,
  }));
}

/**
 * Decides whether the DNSKEY RRset of `zone` is trusted, from DS records
 * that are themselves trusted (validated at the parent, or configured as
 * anchors) and DNSKEY anchors (RFC 4035 §5.2):
 * - a DS (or anchor key) must point to a zone key that signs the DNSKEY RRset;
 * - when no DS uses an algorithm and digest type this validator supports,
 *   the zone is insecure (RFC 4035 §5.2, RFC 6840 §5.2).
 */
export function trustDnskeys(
  zone: Name,
  dnskey: RrsetGroup | undefined,
  ds: readonly Rr[],
  anchorKeys: readonly Rr[],
  now: number,
): KeysVerdict {
  const owner = nameToText(zone);
  const usableDs = ds.filter((r) => {
    const d = parseDs(r.rdata);
    return d !== undefined && isSupportedAlgorithm(d.algorithm) && isSupportedDigest(d.digestType);
  });
  if (usableDs.length === 0 && anchorKeys.length === 0) {
    const first = ds.map((r) => parseDs(r.rdata)).find((d) => d !== undefined);
    if (first && !isSupportedDigest(first.digestType)) {
      return {
        verdict: insecure("unsupported-digest", `no DS of ${owner} uses a supported digest type`, {
          owner,
          type: "DS",
        }),
      };
    }
    const algorithm = first?.algorithm;
    return {
      verdict: insecure(
        "unsupported-algorithm",
        `no DS of ${owner} uses a supported algorithm${algorithm !== undefined ? ` (${algorithmName(algorithm)})` : ""}`,
        { owner, type: "DS", ...(algorithm !== undefined ? { algorithm } : {}) },
      ),
    };
  }
  if (!dnskey?.rrset) {
    return {
      verdict: bogus("dnskey-missing", `no DNSKEY RRset for ${owner}`, { owner, type: "DNSKEY" }),
    };
  }
  const records = recordsOf(dnskey);
  const rdatas = dnskey.rrset.rdatas;
  // RFC 4035 §5.2: the keys a DS points to, by digest.
  const matched = matchDsSet(
    zone,
    usableDs.map((r) => r.rdata),
    rdatas,
  );
  const entry = new Set<number>(
    matched.matches.filter((m) => m.algorithmSupported).map((m) => m.dnskeyIndex),
  );
  // A DNSKEY anchor vouches for the identical key in the RRset.
  rdatas.forEach((rdata, i) => {
    if (anchorKeys.some((a) => sameBytes(a.rdata, rdata))) entry.add(i);
  });
  if (entry.size === 0) {
    return {
      verdict: bogus(
        "no-dnskey-matches-ds",
        `no DNSKEY of ${owner} matches its DS or trust anchor`,
        {
          owner,
          type: "DNSKEY",
        },
      ),
    };
  }
  const entryKeys = [...entry].map((i) => records[i]!);
  const v = verifyRrset(dnskey.rrset, dnskey.rrsigs, entryKeys, { zone, now });
  if (v.security !== "secure") return { verdict: stripChecks(v) };
  return { verdict: SECURE, keys: { zone, dnskeys: records } };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function stripChecks(v: RrsetVerdict): Verdict {
  return v.reason ? { security: v.security, reason: v.reason } : { security: v.security };
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
 * a denial proof is built only from those (RFC 4035 §5.4).
 */
export function validatedDenialRecords(
  section: readonly Rr[],
  keys: TrustedKeys,
  now: number,
): DenialRecords {
  const out: DenialRecords = { records: [] };
  for (const group of groupRrsets(section)) {
    const t = group.rrset?.type;
    if (t !== RrType.NSEC && t !== RrType.NSEC3) continue;
    const signer = signerOf(group);
    if (signer && !nameEquals(signer, keys.zone)) continue;
    const v = validateGroup(group, keys, now);
    if (v.security === "secure") out.records.push(...recordsOf(group));
    else if (!out.failure) out.failure = stripChecks(v);
  }
  return out;
}

/** Records of a group as a list (for proofs and evidence). */
export { recordsOf };
