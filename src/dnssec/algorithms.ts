/**
 * DNSSEC signing algorithms: one table, checked against the IANA registry
 * "DNS Security Algorithm Numbers", each number written out with its
 * mnemonic, and one small adapter per family over node:crypto.
 *
 * Supported for validation: the algorithms RFC 8624 §3.1 says a validator
 * MUST (or RECOMMENDED) implement. Everything else, including RSAMD5, DSA and
 * ECC-GOST, and every number the table does not list, is unsupported: an
 * RRset signed only with such algorithms is insecure, not bogus
 * (RFC 4035 §5.2, RFC 6840 §5.2).
 *
 * Public keys become KeyObjects through JWK, which needs no ASN.1 encoding:
 * RSA from the RFC 3110 layout, ECDSA from the raw x || y point (RFC 6605
 * §4), EdDSA from the raw public key (RFC 8080 §3). KeyObjects are cached per
 * key. A malformed key or signature is a failed verification with a cause,
 * never an exception.
 *
 * Limitations: RSA moduli above 4096 bits are refused (RFC 3110 §2); there
 * is no minimum key size.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";

type Family = "rsa" | "ecdsa" | "eddsa";

export interface AlgorithmSpec {
  number: number;
  /** The IANA mnemonic. */
  mnemonic: string;
  /** Absent when the algorithm is not supported for validation. */
  verifier?: {
    family: Family;
    /** Digest for node:crypto; null for EdDSA, which hashes internally. */
    hash: "sha1" | "sha256" | "sha384" | "sha512" | null;
    /** JWK curve name for ECDSA and EdDSA. */
    curve?: "P-256" | "P-384" | "Ed25519" | "Ed448";
    /** Public key length in octets for ECDSA (x || y) and EdDSA. */
    keyLength?: number;
    /** Signature length in octets for ECDSA (r || s) and EdDSA. */
    signatureLength?: number;
  };
  /** Why it is not supported, for the ones that are not. */
  note?: string;
}

const RSA = (hash: "sha1" | "sha256" | "sha512") => ({ family: "rsa" as const, hash });

/** IANA "DNS Security Algorithm Numbers", the numbers a DNSKEY or RRSIG may carry. */
export const ALGORITHMS: readonly AlgorithmSpec[] = [
  { number: 0, mnemonic: "DELETE", note: "RFC 8078 §4: CDS/CDNSKEY deletion only" },
  { number: 1, mnemonic: "RSAMD5", note: "RFC 8624 §3.1: MUST NOT validate" },
  { number: 2, mnemonic: "DH", note: "RFC 2539: not a signing algorithm" },
  { number: 3, mnemonic: "DSA", note: "RFC 8624 §3.1: MUST NOT validate" },
  { number: 5, mnemonic: "RSASHA1", verifier: RSA("sha1") },
  { number: 6, mnemonic: "DSA-NSEC3-SHA1", note: "RFC 8624 §3.1: MUST NOT validate" },
  { number: 7, mnemonic: "RSASHA1-NSEC3-SHA1", verifier: RSA("sha1") },
  { number: 8, mnemonic: "RSASHA256", verifier: RSA("sha256") },
  { number: 10, mnemonic: "RSASHA512", verifier: RSA("sha512") },
  { number: 12, mnemonic: "ECC-GOST", note: "RFC 8624 §3.1: MAY; not available in node:crypto" },
  {
    number: 13,
    mnemonic: "ECDSAP256SHA256",
    verifier: {
      family: "ecdsa",
      hash: "sha256",
      curve: "P-256",
      keyLength: 64,
      signatureLength: 64,
    },
  },
  {
    number: 14,
    mnemonic: "ECDSAP384SHA384",
    verifier: {
      family: "ecdsa",
      hash: "sha384",
      curve: "P-384",
      keyLength: 96,
      signatureLength: 96,
    },
  },
  {
    number: 15,
    mnemonic: "ED25519",
    verifier: { family: "eddsa", hash: null, curve: "Ed25519", keyLength: 32, signatureLength: 64 },
  },
  {
    number: 16,
    mnemonic: "ED448",
    verifier: { family: "eddsa", hash: null, curve: "Ed448", keyLength: 57, signatureLength: 114 },
  },
  { number: 17, mnemonic: "SM2SM3", note: "RFC 9563: not implemented" },
  { number: 23, mnemonic: "ECC-GOST12", note: "RFC 9558: not implemented" },
  { number: 252, mnemonic: "INDIRECT", note: "RFC 4034 Appendix A.1: reserved" },
  { number: 253, mnemonic: "PRIVATEDNS", note: "RFC 4034 Appendix A.1.1: private" },
  { number: 254, mnemonic: "PRIVATEOID", note: "RFC 4034 Appendix A.1.1: private" },
];

const byNumber = new Map(ALGORITHMS.map((a) => [a.number, a]));
const byMnemonic = new Map(ALGORITHMS.map((a) => [a.mnemonic, a]));

export function algorithmSpec(algorithm: number): AlgorithmSpec | undefined {
  return byNumber.get(algorithm);
}

/** The number of a mnemonic from the table; throws on a name it does not hold. */
export function algorithmNumber(mnemonic: string): number {
  const spec = byMnemonic.get(mnemonic.toUpperCase());
  if (!spec) throw new RangeError(`unknown DNSSEC algorithm mnemonic ${mnemonic}`);
  return spec.number;
}

/** The mnemonic, or the decimal number when the table does not list it. */
export function algorithmName(algorithm: number): string {
  return byNumber.get(algorithm)?.mnemonic ?? String(algorithm);
}

/** True when signatures of this algorithm can be validated here. */
export function isSupportedAlgorithm(algorithm: number): boolean {
  return byNumber.get(algorithm)?.verifier !== undefined;
}

export type VerifyCause =
  "unsupported-algorithm" | "malformed-key" | "malformed-signature" | "bad-signature";

export type VerifyResult = { ok: true } | { ok: false; cause: VerifyCause; detail: string };

type Imported = KeyObject | { error: string };

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64url");
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

const MAX_RSA_MODULUS_OCTETS = 512; // RFC 3110 §2: at most 4096 bits

/** RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus. */
function rsaJwk(key: Uint8Array): JsonWebKey | string {
  if (key.length < 1) return "empty RSA key";
  let expLen = key[0]!;
  let at = 1;
  if (expLen === 0) {
    if (key.length < 3) return "truncated RSA exponent length";
    expLen = (key[1]! << 8) | key[2]!;
    at = 3;
  }
  if (expLen === 0 || at + expLen >= key.length) return "RSA exponent or modulus missing";
  const exponent = stripLeadingZeros(key.subarray(at, at + expLen));
  const modulus = stripLeadingZeros(key.subarray(at + expLen));
  if (modulus.length > MAX_RSA_MODULUS_OCTETS) return "RSA modulus above 4096 bits";
  return { kty: "RSA", n: b64url(modulus), e: b64url(exponent) };
}

function importKey(spec: AlgorithmSpec, key: Uint8Array): Imported {
  const v = spec.verifier!;
  let jwk: JsonWebKey | string;
  if (v.family === "rsa") {
    jwk = rsaJwk(key);
  } else if (key.length !== v.keyLength) {
    jwk = `${spec.mnemonic} key of ${key.length} octets, expected ${v.keyLength}`;
  } else if (v.family === "ecdsa") {
    // RFC 6605 §4: the public key is the point's x and y, each of half the length.
    const half = key.length / 2;
    jwk = {
      kty: "EC",
      crv: v.curve,
      x: b64url(key.subarray(0, half)),
      y: b64url(key.subarray(half)),
    };
  } else {
    // RFC 8080 §3: the raw public key of RFC 8032.
    jwk = { kty: "OKP", crv: v.curve, x: b64url(key) };
  }
  if (typeof jwk === "string") return { error: jwk };
  try {
    return createPublicKey({ key: jwk, format: "jwk" });
  } catch (e) {
    return { error: `${spec.mnemonic} key rejected: ${(e as Error).message}` };
  }
}

// KeyObjects, first by the identity of the key bytes, then by their content.
const MAX_CACHED_KEYS = 4096;
const byIdentity = new WeakMap<Uint8Array, Imported>();
const byContent = new Map<string, Imported>();

function cachedKey(spec: AlgorithmSpec, key: Uint8Array): Imported {
  const known = byIdentity.get(key);
  if (known) return known;
  const id = `${spec.number}:${Buffer.from(key.buffer, key.byteOffset, key.length).toString("latin1")}`;
  let imported = byContent.get(id);
  if (!imported) {
    imported = importKey(spec, key);
    if (byContent.size >= MAX_CACHED_KEYS) byContent.delete(byContent.keys().next().value!);
    byContent.set(id, imported);
  }
  byIdentity.set(key, imported);
  return imported;
}

/**
 * The KeyObject of a DNSKEY public key (the RDATA after flags, protocol and
 * algorithm), the cached one verifySignature uses; undefined when the
 * algorithm is not supported or the key is malformed or refused (RSA moduli
 * above 4096 bits, RFC 3110 §2).
 */
export function dnskeyKeyObject(algorithm: number, publicKey: Uint8Array): KeyObject | undefined {
  const spec = byNumber.get(algorithm);
  if (!spec?.verifier) return undefined;
  const key = cachedKey(spec, publicKey);
  return "error" in key ? undefined : key;
}

/**
 * Verifies `signature` over `data` with a DNSKEY public key (the RDATA after
 * flags, protocol and algorithm).
 */
export function verifySignature(
  algorithm: number,
  publicKey: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): VerifyResult {
  const spec = byNumber.get(algorithm);
  const v = spec?.verifier;
  if (!spec || !v) {
    return {
      ok: false,
      cause: "unsupported-algorithm",
      detail: `algorithm ${algorithmName(algorithm)} is not supported`,
    };
  }
  const key = cachedKey(spec, publicKey);
  if ("error" in key) return { ok: false, cause: "malformed-key", detail: key.error };
  if (v.signatureLength !== undefined && signature.length !== v.signatureLength) {
    return {
      ok: false,
      cause: "malformed-signature",
      detail: `${spec.mnemonic} signature of ${signature.length} octets, expected ${v.signatureLength}`,
    };
  }
  let good: boolean;
  try {
    if (v.family === "ecdsa") {
      // RFC 6605 §4: the signature is r || s, not DER; no low-S rule applies.
      good = verify(v.hash, data, { key, dsaEncoding: "ieee-p1363" }, signature);
    } else {
      // RSA: PKCS #1 v1.5 (RFC 3110 §3, RFC 5702 §3); EdDSA: pure, no prehash (RFC 8080 §4).
      good = verify(v.hash, data, key, signature);
    }
  } catch (e) {
    return {
      ok: false,
      cause: "malformed-signature",
      detail: `${spec.mnemonic}: ${(e as Error).message}`,
    };
  }
  return good
    ? { ok: true }
    : { ok: false, cause: "bad-signature", detail: `${spec.mnemonic} signature does not verify` };
}
