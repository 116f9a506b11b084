/**
 * Readers for the RDATA of the DNSSEC types (RFC 4034 §2-§5, RFC 5155 §3-§4)
 * and the type bitmap shared by NSEC and NSEC3 (RFC 4034 §4.1.2).
 *
 * Every reader takes RDATA exactly as it came off the wire and returns either
 * the decoded value or `undefined` when the RDATA is malformed (too short,
 * too long, a bad name, a bad bitmap); none of them throws on such input.
 * Byte fields are views into the input (no copies).
 */
import { wireNameEnd } from "../dns/canonical.js";
import type { Name } from "../dns/name.js";
import { u16, u32 } from "../dns/wire.js";

/** RRSIG RDATA (RFC 4034 §3.1). */
export interface Rrsig {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Serial-number times (RFC 4034 §3.1.5): 32-bit values, to be compared with RFC 1982 arithmetic. */
  expiration: number;
  inception: number;
  keyTag: number;
  signer: Name;
  signature: Uint8Array;
  /** The RDATA without the signature: the first part of the signed data (RFC 4034 §3.1.8.1). */
  signedFields: Uint8Array;
}

const RRSIG_FIXED = 18; // type covered .. key tag

export function parseRrsig(rdata: Uint8Array): Rrsig | undefined {
  if (rdata.length < RRSIG_FIXED + 1) return undefined;
  const signerEnd = wireNameEnd(rdata, RRSIG_FIXED);
  if (signerEnd < 0) return undefined;
  return {
    typeCovered: u16(rdata, 0),
    algorithm: rdata[2]!,
    labels: rdata[3]!,
    originalTtl: u32(rdata, 4),
    expiration: u32(rdata, 8),
    inception: u32(rdata, 12),
    keyTag: u16(rdata, 16),
    signer: rdata.subarray(RRSIG_FIXED, signerEnd),
    signature: rdata.subarray(signerEnd),
    signedFields: rdata.subarray(0, signerEnd),
  };
}

/** DNSKEY flag bits (RFC 4034 §2.1.1, RFC 5011 §3): bit 7 is 0x0100 in the 16-bit field. */
export const DnskeyFlag = {
  ZONE: 0x0100,
  REVOKE: 0x0080,
  SEP: 0x0001,
} as const;

/** DNSKEY RDATA (RFC 4034 §2.1). */
export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
  isZoneKey: boolean;
  isSep: boolean;
  isRevoked: boolean;
}

export function parseDnskey(rdata: Uint8Array): Dnskey | undefined {
  if (rdata.length < 4) return undefined;
  const flags = u16(rdata, 0);
  return {
    flags,
    protocol: rdata[2]!,
    algorithm: rdata[3]!,
    publicKey: rdata.subarray(4),
    isZoneKey: (flags & DnskeyFlag.ZONE) !== 0,
    isSep: (flags & DnskeyFlag.SEP) !== 0,
    isRevoked: (flags & DnskeyFlag.REVOKE) !== 0,
  };
}

/** DS RDATA (RFC 4034 §5.1); CDS has the same layout (RFC 7344 §3.1). */
export interface Ds {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export function parseDs(rdata: Uint8Array): Ds | undefined {
  if (rdata.length < 5) return undefined;
  return {
    keyTag: u16(rdata, 0),
    algorithm: rdata[2]!,
    digestType: rdata[3]!,
    digest: rdata.subarray(4),
  };
}

/**
 * Decodes a type bitmap (RFC 4034 §4.1.2): windows in increasing order, each
 * a window number, a length of 1 to 32 and that many octets with no trailing
 * zero octet. `undefined` for any violation.
 */
export function decodeTypeBitmap(bytes: Uint8Array): Set<number> | undefined {
  const types = new Set<number>();
  let i = 0;
  let lastWindow = -1;
  while (i < bytes.length) {
    if (i + 2 > bytes.length) return undefined;
    const window = bytes[i]!;
    const len = bytes[i + 1]!;
    if (window <= lastWindow || len < 1 || len > 32 || i + 2 + len > bytes.length) return undefined;
    if (bytes[i + 1 + len] === 0) return undefined; // trailing zero octet, or an empty window
    for (let k = 0; k < len; k++) {
      const octet = bytes[i + 2 + k]!;
      for (let bit = 0; bit < 8; bit++) {
        if (octet & (0x80 >> bit)) types.add(window * 256 + k * 8 + bit);
      }
    }
    lastWindow = window;
    i += 2 + len;
  }
  return types;
}

/** Encodes a set of types as an RFC 4034 §4.1.2 bitmap. Throws on a type outside 0..65535. */
export function encodeTypeBitmap(types: Iterable<number>): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  let k = 0;
  while (k < sorted.length) {
    const window = sorted[k]! >> 8;
    const octets = new Array<number>(32).fill(0);
    let used = 0;
    while (k < sorted.length && sorted[k]! >> 8 === window) {
      const t = sorted[k]!;
      if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw new RangeError(`type ${t}`);
      const low = t & 0xff;
      octets[low >> 3]! |= 0x80 >> (low & 7);
      used = Math.max(used, (low >> 3) + 1);
      k++;
    }
    out.push(window, used, ...octets.slice(0, used));
  }
  return Uint8Array.from(out);
}

/** NSEC RDATA (RFC 4034 §4.1). The next owner name keeps its case (RFC 6840 §5.1). */
export interface Nsec {
  next: Name;
  types: Set<number>;
}

export function parseNsec(rdata: Uint8Array): Nsec | undefined {
  const end = wireNameEnd(rdata, 0);
  if (end < 0) return undefined;
  const types = decodeTypeBitmap(rdata.subarray(end));
  return types && { next: rdata.subarray(0, end), types };
}

/** NSEC3 flags (RFC 5155 §3.1.2). */
export const NSEC3_OPT_OUT = 0x01;

/** NSEC3 RDATA (RFC 5155 §3.2). */
export interface Nsec3 {
  hashAlgorithm: number;
  flags: number;
  optOut: boolean;
  iterations: number;
  salt: Uint8Array;
  /** The next hashed owner name, as raw hash bytes (not base32). */
  nextHashed: Uint8Array;
  types: Set<number>;
}

export function parseNsec3(rdata: Uint8Array): Nsec3 | undefined {
  if (rdata.length < 5) return undefined;
  const saltEnd = 5 + rdata[4]!;
  if (saltEnd + 1 > rdata.length) return undefined;
  const hashLen = rdata[saltEnd]!;
  const hashEnd = saltEnd + 1 + hashLen;
  if (hashLen === 0 || hashEnd > rdata.length) return undefined; // RFC 5155 §3.2: at least 1 octet
  const types = decodeTypeBitmap(rdata.subarray(hashEnd));
  if (!types) return undefined;
  const flags = rdata[1]!;
  return {
    hashAlgorithm: rdata[0]!,
    flags,
    optOut: (flags & NSEC3_OPT_OUT) !== 0,
    iterations: u16(rdata, 2),
    salt: rdata.subarray(5, saltEnd),
    nextHashed: rdata.subarray(saltEnd + 1, hashEnd),
    types,
  };
}

/** NSEC3PARAM RDATA (RFC 5155 §4.2). */
export interface Nsec3Param {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}

export function parseNsec3Param(rdata: Uint8Array): Nsec3Param | undefined {
  if (rdata.length < 5 || rdata.length !== 5 + rdata[4]!) return undefined;
  return {
    hashAlgorithm: rdata[0]!,
    flags: rdata[1]!,
    iterations: u16(rdata, 2),
    salt: rdata.subarray(5),
  };
}
