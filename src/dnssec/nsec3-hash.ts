/**
 * The NSEC3 hash of an owner name (RFC 5155 §5): the iterated, salted hash
 * of the name's canonical wire form. Only hash algorithm 1 (SHA-1) is
 * assigned in the IANA "DNSSEC NSEC3 Hash Algorithms" registry; any other
 * number is unsupported, and NSEC3 records that use one are ignored by the
 * proofs (RFC 5155 §8.1).
 */
import { createHash } from "node:crypto";
import { lowerName, type Name } from "../dns/name.js";

/** NSEC3 hash algorithms we can compute, by IANA code point, with their digest length. */
export const NSEC3_HASH_ALGORITHMS: ReadonlyMap<number, { digest: string; length: number }> =
  new Map([[1, { digest: "sha1", length: 20 }]]);

/** Thrown when asked to hash with an algorithm outside NSEC3_HASH_ALGORITHMS. */
export class UnsupportedNsec3HashError extends Error {
  override name = "UnsupportedNsec3HashError";
  constructor(readonly hashAlgorithm: number) {
    super(`NSEC3 hash algorithm ${hashAlgorithm} is not supported`);
  }
}

export function isSupportedNsec3Hash(hashAlgorithm: number): boolean {
  return NSEC3_HASH_ALGORITHMS.has(hashAlgorithm);
}

/** Length in octets of the hashes an algorithm yields; undefined when unsupported. */
export function nsec3HashLength(hashAlgorithm: number): number | undefined {
  return NSEC3_HASH_ALGORITHMS.get(hashAlgorithm)?.length;
}

/**
 * RFC 5155 §5: IH(salt, x, 0) = H(x || salt) and IH(salt, x, k) =
 * H(IH(salt, x, k-1) || salt); the hash of a name is IH(salt, owner, iterations)
 * with the owner in canonical form (ASCII letters lowercased, RFC 4034 §6.2).
 *
 * Throws UnsupportedNsec3HashError for an unknown algorithm, RangeError for
 * an iteration count or salt that the 16-bit and 8-bit RDATA fields cannot
 * hold: callers filter records first, so both are misuse.
 */
export function nsec3Hash(
  name: Name,
  hashAlgorithm: number,
  salt: Uint8Array,
  iterations: number,
): Uint8Array {
  const algorithm = NSEC3_HASH_ALGORITHMS.get(hashAlgorithm);
  if (!algorithm) throw new UnsupportedNsec3HashError(hashAlgorithm);
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 0xffff) {
    throw new RangeError(`NSEC3 iterations ${iterations} outside 0..65535`);
  }
  if (salt.length > 0xff) throw new RangeError(`NSEC3 salt of ${salt.length} octets`);
  let digest: Uint8Array = createHash(algorithm.digest)
    .update(lowerName(name))
    .update(salt)
    .digest();
  for (let k = 0; k < iterations; k++) {
    digest = createHash(algorithm.digest).update(digest).update(salt).digest();
  }
  return digest;
}
