/**
 * DS digests (RFC 4034 §5.1.4): digest = H(owner name in canonical form ||
 * DNSKEY RDATA), with SHA-1 (RFC 4034), SHA-256 (RFC 4509) and SHA-384
 * (RFC 6605 §2). Other digest types, GOST R 34.11-94 (RFC 5933) among them,
 * are unsupported: that is an explicit result, not an exception, and a DS set
 * made only of them leaves the child insecure (RFC 4035 §5.2, RFC 6840 §5.2).
 */
import { createHash } from "node:crypto";
import { lowerName, type Name } from "../dns/name.js";
import { equalBytes } from "../dns/wire.js";
import { isSupportedAlgorithm } from "./algorithms.js";
import { keyTag } from "./keytag.js";
import { parseDnskey, parseDs, type Dnskey, type Ds } from "./rdata.js";

export interface DigestTypeSpec {
  number: number;
  /** The IANA mnemonic ("Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms"). */
  mnemonic: string;
  hash?: "sha1" | "sha256" | "sha384";
  /** Digest length in octets. */
  length?: number;
}

export const DIGEST_TYPES: readonly DigestTypeSpec[] = [
  { number: 0, mnemonic: "Reserved" },
  { number: 1, mnemonic: "SHA-1", hash: "sha1", length: 20 },
  { number: 2, mnemonic: "SHA-256", hash: "sha256", length: 32 },
  { number: 3, mnemonic: "GOST R 34.11-94" },
  { number: 4, mnemonic: "SHA-384", hash: "sha384", length: 48 },
  { number: 5, mnemonic: "GOST R 34.11-2012" },
  { number: 6, mnemonic: "SM3" },
];

const byNumber = new Map(DIGEST_TYPES.map((d) => [d.number, d]));

export function isSupportedDigest(digestType: number): boolean {
  return byNumber.get(digestType)?.hash !== undefined;
}

export type DsDigest =
  { ok: true; digest: Uint8Array } | { ok: false; unsupported: "digest-type"; detail: string };

/** The DS digest of a DNSKEY at `owner` (RFC 4034 §5.1.4). */
export function dsDigest(owner: Name, dnskeyRdata: Uint8Array, digestType: number): DsDigest {
  const spec = byNumber.get(digestType);
  if (!spec?.hash) {
    const name = spec ? `${digestType} (${spec.mnemonic})` : String(digestType);
    return {
      ok: false,
      unsupported: "digest-type",
      detail: `DS digest type ${name} is not supported`,
    };
  }
  const h = createHash(spec.hash);
  h.update(lowerName(owner));
  h.update(dnskeyRdata);
  return { ok: true, digest: new Uint8Array(h.digest()) };
}

/** The RDATA of the DS record for a DNSKEY at `owner`, or the unsupported result. */
export function makeDs(
  owner: Name,
  dnskeyRdata: Uint8Array,
  digestType: number,
): { ok: true; rdata: Uint8Array } | { ok: false; detail: string } {
  const d = dsDigest(owner, dnskeyRdata, digestType);
  if (!d.ok) return d;
  const tag = keyTag(dnskeyRdata);
  const out = new Uint8Array(4 + d.digest.length);
  out[0] = tag >> 8;
  out[1] = tag & 0xff;
  out[2] = dnskeyRdata[3] ?? 0;
  out[3] = digestType;
  out.set(d.digest, 4);
  return { ok: true, rdata: out };
}

export interface DsMatch {
  dsIndex: number;
  ds: Ds;
  dnskeyIndex: number;
  dnskey: Dnskey;
  /** Whether the key's algorithm can be validated here (algorithms.ts). */
  algorithmSupported: boolean;
}

/** How a DS RRset relates to a DNSKEY RRset. Indices refer to the input arrays. */
export interface DsSetMatch {
  /** DS records whose digest matches a zone key (RFC 4035 §5.2). */
  matches: DsMatch[];
  /** DS records with a digest type this validator cannot compute. */
  unsupportedDigest: number[];
  /** DS records whose RDATA is malformed. */
  malformed: number[];
  /** DS records that could be checked but match no zone key. */
  unmatched: number[];
}

/**
 * Matches every DS record at `owner` against every DNSKEY there: same key
 * tag, same algorithm, same digest, and the key is a zone key with protocol 3
 * (RFC 4035 §5.2, RFC 4034 §2.1.1-2). Colliding key tags are all tried.
 */
export function matchDsSet(
  owner: Name,
  dsRdatas: readonly Uint8Array[],
  dnskeyRdatas: readonly Uint8Array[],
): DsSetMatch {
  const result: DsSetMatch = { matches: [], unsupportedDigest: [], malformed: [], unmatched: [] };
  const keys = dnskeyRdatas.map((rdata) => ({
    rdata,
    key: parseDnskey(rdata),
    tag: keyTag(rdata),
  }));
  dsRdatas.forEach((dsRdata, dsIndex) => {
    const ds = parseDs(dsRdata);
    if (!ds) {
      result.malformed.push(dsIndex);
      return;
    }
    if (!isSupportedDigest(ds.digestType)) {
      result.unsupportedDigest.push(dsIndex);
      return;
    }
    let matched = false;
    keys.forEach(({ rdata, key, tag }, dnskeyIndex) => {
      if (!key || tag !== ds.keyTag || key.algorithm !== ds.algorithm) return;
      if (!key.isZoneKey || key.protocol !== 3) return;
      const d = dsDigest(owner, rdata, ds.digestType);
      if (d.ok && equalBytes(d.digest, ds.digest)) {
        matched = true;
        result.matches.push({
          dsIndex,
          ds,
          dnskeyIndex,
          dnskey: key,
          algorithmSupported: isSupportedAlgorithm(key.algorithm),
        });
      }
    });
    if (!matched) result.unmatched.push(dsIndex);
  });
  return result;
}
