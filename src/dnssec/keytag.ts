/**
 * Key tags (RFC 4034 Appendix B): a 16-bit checksum of the DNSKEY RDATA that
 * RRSIG and DS records use to point at a key. Tags are not unique; several
 * keys may share one (RFC 4035 §5.3.1), so a tag only narrows the search.
 */
import { algorithmNumber } from "./algorithms.js";

const RSAMD5 = algorithmNumber("RSAMD5");

/** The key tag of a DNSKEY, computed over its whole RDATA. */
export function keyTag(dnskeyRdata: Uint8Array): number {
  // RFC 4034 Appendix B.1: for RSA/MD5 the tag is the 16 bits just above
  // the last octet of the modulus, i.e. octets 3 and 2 from the end.
  if (dnskeyRdata.length >= 4 && dnskeyRdata[3] === RSAMD5) {
    const n = dnskeyRdata.length;
    return n < 7 ? 0 : (dnskeyRdata[n - 3]! << 8) | dnskeyRdata[n - 2]!;
  }
  // RFC 4034 Appendix B: sum the RDATA as big-endian 16-bit words (an odd
  // last octet counts as a high byte), fold the carry once, keep 16 bits.
  let acc = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) {
    acc += i & 1 ? dnskeyRdata[i]! : dnskeyRdata[i]! << 8;
  }
  acc += (acc >>> 16) & 0xffff;
  return acc & 0xffff;
}
