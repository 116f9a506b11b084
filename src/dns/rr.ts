/**
 * Resource records as the validator sees them: the owner name and the RDATA
 * in uncompressed wire form, exactly as received (names inside RDATA are
 * decompressed but keep their case). Everything DNSSEC computes, canonical
 * form included, starts from these bytes.
 */
import type { Name } from "./name.js";

export interface Rr {
  owner: Name;
  type: number;
  class: number;
  ttl: number;
  rdata: Uint8Array;
}

/** RR type code points (IANA "Resource Record (RR) TYPEs"), written out explicitly. */
export const RrType = {
  A: 1,
  NS: 2,
  MD: 3,
  MF: 4,
  CNAME: 5,
  SOA: 6,
  MB: 7,
  MG: 8,
  MR: 9,
  NULL: 10,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  X25: 19,
  ISDN: 20,
  RT: 21,
  NSAP: 22,
  NSAP_PTR: 23,
  SIG: 24,
  KEY: 25,
  PX: 26,
  GPOS: 27,
  AAAA: 28,
  LOC: 29,
  NXT: 30,
  SRV: 33,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  A6: 38,
  DNAME: 39,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  NINFO: 56,
  RKEY: 57,
  TALINK: 58,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  NID: 104,
  L32: 105,
  L64: 106,
  LP: 107,
  EUI48: 108,
  EUI64: 109,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  URI: 256,
  CAA: 257,
  DLV: 32769,
} as const;

export const RrClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

const typeNames = new Map<number, string>(
  Object.entries(RrType).map(([k, v]) => [v, k.replace("_", "-")]),
);
const typeCodes = new Map<string, number>(
  Object.entries(RrType).map(([k, v]) => [k.replace("_", "-"), v]),
);

/** "A", "RRSIG", or the RFC 3597 form "TYPE65280". */
export function typeToText(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** The code of a mnemonic or of the RFC 3597 form "TYPEnnn"; undefined when unknown. */
export function typeFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = typeCodes.get(upper);
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(upper);
  if (m) {
    const v = Number(m[1]);
    return v <= 0xffff ? v : undefined;
  }
  return undefined;
}

export function classToText(cls: number): string {
  for (const [k, v] of Object.entries(RrClass)) if (v === cls) return k;
  return `CLASS${cls}`;
}

export function classFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  if (upper in RrClass) return RrClass[upper as keyof typeof RrClass];
  const m = /^CLASS([0-9]{1,5})$/.exec(upper);
  if (m) {
    const v = Number(m[1]);
    return v <= 0xffff ? v : undefined;
  }
  return undefined;
}

/** An RRset: every record shares owner (case-insensitively), class and type (RFC 2181 §5). */
export interface RrSet {
  owner: Name;
  type: number;
  class: number;
  ttl: number;
  rdatas: Uint8Array[];
}

/** The records of an RRset, one per RDATA, each with the RRset's owner, class and TTL. */
export function rrsetRecords(rrset: RrSet): Rr[] {
  return rrset.rdatas.map((rdata) => ({
    owner: rrset.owner,
    type: rrset.type,
    class: rrset.class,
    ttl: rrset.ttl,
    rdata,
  }));
}
