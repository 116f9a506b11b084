/**
 * Trusting a zone's DNSKEY RRset from an authenticated DS RRset or from
 * DNSKEY trust anchors (RFC 4035 §5.2): the step of the chain of trust that
 * crosses a zone cut.
 *
 * 1. Keep the DS records this validator can use: a supported digest type
 *    and a supported algorithm. If there are none, the zone is insecure, not
 *    bogus (RFC 4035 §5.2, RFC 6840 §5.2).
 * 2. Of those, keep only the strongest digest type present in the set:
 *    SHA-384, then SHA-256, then SHA-1. RFC 4509 §3 asks to ignore SHA-1 DS
 *    records when SHA-256 ones are present; like Unbound, this applies the
 *    preference to the whole DS set, not key by key, so a downgrade to the
 *    weaker digest is never possible by stripping records.
 * 3. Find the zone's DNSKEYs that those DS records match (key tag,
 *    algorithm, digest; zone key, protocol 3). None: bogus, EDE 9.
 * 4. The DNSKEY RRset must be signed by one of the matched keys (or by a
 *    DNSKEY anchor), checked like any RRSIG (RFC 4035 §5.3). Then every key
 *    of the RRset is trusted to sign the zone's data.
 */
import { nameToText, type Name } from "../dns/name.js";
import { RrType, rrsetRecords, type Rr, type RrSet } from "../dns/rr.js";
import { isSupportedAlgorithm, algorithmName } from "./algorithms.js";
import { isSupportedDigest, matchDsSet } from "./ds.js";
import { keyTag } from "./keytag.js";
import { parseDnskey, parseDs } from "./rdata.js";
import { verifyRrset, type RrsetVerdict } from "./rrsig.js";
import { bogus, indeterminate, insecure, verdictOnly, type Verdict } from "./verdict.js";

export interface ZoneKeysInput {
  zone: Name;
  /** The zone's DNSKEY RRset; absent when the zone returned none. */
  dnskeys: RrSet | undefined;
  /** The RRSIGs covering the DNSKEY RRset. */
  rrsigs: readonly Rr[];
  /** The authenticated DS RRset for the zone (from its parent or a trust anchor). */
  ds?: readonly Rr[];
  /** DNSKEY trust anchors for the zone. */
  anchorKeys?: readonly Rr[];
  /** Seconds since the epoch. */
  now: number;
  skewSeconds?: number;
}

export interface ZoneKeys extends Verdict {
  /** Secure only: the zone's DNSKEY records, now trusted to sign its data. */
  keys: Rr[];
  /** Key tags of the DS records and DNSKEY anchors that were tried, strongest digest only. */
  tried: { keyTag: number; algorithm: number; digestType?: number }[];
  /** The signature check of the DNSKEY RRset, when it got that far. */
  rrset?: RrsetVerdict;
}

/** RFC 4509 §3, RFC 6605 §2: the stronger digest types first. */
const DIGEST_PREFERENCE = [4, 2, 1] as const;

function result(
  verdict: Verdict,
  tried: ZoneKeys["tried"],
  extra: Partial<ZoneKeys> = {},
): ZoneKeys {
  return { ...verdict, keys: [], tried, ...extra };
}

/** Validates a zone's DNSKEY RRset against its DS RRset or DNSKEY anchors (RFC 4035 §5.2). */
export function trustZoneKeys(input: ZoneKeysInput): ZoneKeys {
  const { zone } = input;
  const zoneText = nameToText(zone);
  const at = { owner: zoneText, type: "DNSKEY" };
  const dsRecords = input.ds ?? [];
  const anchorKeys = input.anchorKeys ?? [];
  if (dsRecords.length === 0 && anchorKeys.length === 0) {
    return result(
      indeterminate("no-trust-anchor", `no DS or trust anchor for ${zoneText}`, at),
      [],
    );
  }

  // Step 1: usable DS records and anchor keys.
  const parsed = dsRecords.map((rr) => ({ rr, ds: parseDs(rr.rdata) }));
  const usable = parsed.filter(
    (p) => p.ds && isSupportedDigest(p.ds.digestType) && isSupportedAlgorithm(p.ds.algorithm),
  );
  const usableKeys = anchorKeys.filter((rr) => {
    const k = parseDnskey(rr.rdata);
    return rr.type === RrType.DNSKEY && k && k.isZoneKey && isSupportedAlgorithm(k.algorithm);
  });
  if (usable.length === 0 && usableKeys.length === 0 && parsed.every((p) => !p.ds)) {
    // DS RDATA that cannot be read is bad data, not an algorithm we lack.
    return result(bogus("malformed", `every DS record of ${zoneText} is malformed`, at), []);
  }
  if (usable.length === 0 && usableKeys.length === 0) {
    // RFC 4035 §5.2, RFC 6840 §5.2: no supported algorithm or digest: insecure.
    const digestsOk = parsed.some((p) => p.ds && isSupportedDigest(p.ds.digestType));
    const kind =
      digestsOk || dsRecords.length === 0 ? "unsupported-algorithm" : "unsupported-digest";
    const listed = parsed
      .flatMap((p) =>
        p.ds ? [`${p.ds.keyTag}/${algorithmName(p.ds.algorithm)}/${p.ds.digestType}`] : [],
      )
      .join(", ");
    const msg = `no DS or anchor of ${zoneText} uses a supported algorithm and digest (${listed || "none readable"})`;
    return result(insecure(kind, msg, at), []);
  }

  // Step 2: the strongest digest type in the usable set.
  const best = DIGEST_PREFERENCE.find((d) => usable.some((p) => p.ds!.digestType === d));
  const chosen = usable.filter((p) => p.ds!.digestType === best);
  const tried: ZoneKeys["tried"] = [
    ...chosen.map((p) => ({
      keyTag: p.ds!.keyTag,
      algorithm: p.ds!.algorithm,
      digestType: p.ds!.digestType,
    })),
    ...usableKeys.map((rr) => ({ keyTag: keyTag(rr.rdata), algorithm: rr.rdata[3]! })),
  ];

  const dnskeys = input.dnskeys;
  if (!dnskeys || dnskeys.rdatas.length === 0) {
    return result(bogus("dnskey-missing", `${zoneText} has no DNSKEY RRset`, at), tried);
  }

  // Step 3: the zone's keys that the chosen DS records point at.
  const match = matchDsSet(
    zone,
    chosen.map((p) => p.rr.rdata),
    dnskeys.rdatas,
  );
  const signers = new Map<Uint8Array, Rr>();
  const keyRecords = rrsetRecords(dnskeys);
  for (const m of match.matches) {
    if (m.algorithmSupported)
      signers.set(keyRecords[m.dnskeyIndex]!.rdata, keyRecords[m.dnskeyIndex]!);
  }
  for (const rr of usableKeys) signers.set(rr.rdata, { ...rr, owner: dnskeys.owner });
  if (signers.size === 0) {
    const tags = tried.map((t) => t.keyTag).join(", ");
    const msg = `no DNSKEY of ${zoneText} matches its DS (key tags ${tags})`;
    return result(bogus("no-dnskey-matches-ds", msg, at), tried);
  }

  // Step 4: the DNSKEY RRset signed by a key the DS or an anchor vouches for.
  const verdict = verifyRrset(dnskeys, input.rrsigs, [...signers.values()], {
    zone,
    now: input.now,
    ...(input.skewSeconds !== undefined && { skewSeconds: input.skewSeconds }),
  });
  if (verdict.security === "secure") {
    return { security: "secure", keys: keyRecords, tried, rrset: verdict };
  }
  return result(verdictOnly(verdict), tried, { rrset: verdict });
}
