/**
 * Presentation format of the DNSSEC types and their relatives: keys, digests,
 * signatures with their time fields, NSEC and NSEC3 type bitmaps, salts and
 * hashed owner names.
 */
import { RrType, typeFromText, typeToText } from "./rr.js";
import { base32hexDecode, base32hexEncode } from "./base32hex.js";
import {
  hexDecode,
  hexEncode,
  parseUint,
  RdataDecodeError,
  ZoneSyntaxError,
} from "./rdata-text-fields.js";
import {
  base64,
  hex,
  name,
  seq,
  u16,
  u32,
  u8,
  type FieldCodec,
  type RdataCodec,
} from "./rdata-text-basic.js";

/**
 * DNSSEC algorithm mnemonics (IANA "DNS Security Algorithm Numbers"), taken
 * on input where RFC 4034 §2.2 and §3.2 allow them; output is the number.
 */
const ALGORITHM_MNEMONICS = new Map<string, number>([
  ["RSAMD5", 1],
  ["DH", 2],
  ["DSA", 3],
  ["RSASHA1", 5],
  ["DSA-NSEC3-SHA1", 6],
  ["RSASHA1-NSEC3-SHA1", 7],
  ["RSASHA256", 8],
  ["RSASHA512", 10],
  ["ECC-GOST", 12],
  ["ECDSAP256SHA256", 13],
  ["ECDSAP384SHA384", 14],
  ["ED25519", 15],
  ["ED448", 16],
  ["INDIRECT", 252],
  ["PRIVATEDNS", 253],
  ["PRIVATEOID", 254],
]);

export const algorithm = (what = "algorithm"): FieldCodec => ({
  read: (cur) => {
    const t = cur.word(what);
    const m = ALGORITHM_MNEMONICS.get(t.toUpperCase());
    cur.out.u8(m ?? parseUint(t, what, 0xff));
  },
  write: (r) => String(r.u8()),
});

/** An RR type by mnemonic or as TYPEnnn (RFC 3597 §5), e.g. the RRSIG type covered. */
const rrType = (what: string): FieldCodec => ({
  read: (cur) => cur.out.u16(typeCode(cur.word(what), what)),
  write: (r) => typeToText(r.u16()),
});

function typeCode(text: string, what: string): number {
  const t = typeFromText(text);
  if (t === undefined) throw new ZoneSyntaxError(`unknown RR type "${text}" in ${what}`);
  return t;
}

/**
 * RRSIG and SIG times (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC or a plain
 * count of seconds. A date maps to seconds since 1970 modulo 2^32, the
 * serial number of RFC 4034 §3.1.5 (RFC 1982 arithmetic wraps around).
 */
export function parseSignatureTime(text: string, what: string): number {
  if (text.length !== 14) return parseUint(text, what, 0xffffffff);
  const num = (from: number, to: number): number => parseUint(text.slice(from, to), what, 9999);
  const [y, mo, d, h, mi, s] = [
    num(0, 4),
    num(4, 6),
    num(6, 8),
    num(8, 10),
    num(10, 12),
    num(12, 14),
  ];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) {
    throw new ZoneSyntaxError(`bad ${what} "${text}": not a valid YYYYMMDDHHmmSS time`);
  }
  const seconds = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  return ((seconds % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** The YYYYMMDDHHmmSS form of a 32-bit time, read as seconds since 1970 (up to 2106). */
export function signatureTimeText(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString(); // 2017-09-03T05:00:00.000Z
  return (
    iso.slice(0, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19)
  );
}

const time = (what: string): FieldCodec => ({
  read: (cur) => cur.out.u32(parseSignatureTime(cur.word(what), what)),
  write: (r) => signatureTimeText(r.u32()),
});

/**
 * The type bitmap of NSEC, NSEC3 and CSYNC (RFC 4034 §4.1.2): one block per
 * window of 256 types that has any, windows ascending, each block as long as
 * its last non-zero octet. RDATA that breaks these rules has no text that
 * would give the same octets back, so it is left to the generic form.
 */
const typeBitmap: FieldCodec = {
  read: (cur) => {
    const types: number[] = [];
    while (!cur.atEnd()) types.push(typeCode(cur.word("type bitmap"), "type bitmap"));
    types.sort((a, b) => a - b);
    let i = 0;
    while (i < types.length) {
      const window = types[i]! >> 8;
      const block = new Uint8Array(32);
      let used = 0;
      for (; i < types.length && types[i]! >> 8 === window; i++) {
        const low = types[i]! & 0xff;
        block[low >> 3]! |= 0x80 >> (low & 7);
        used = (low >> 3) + 1;
      }
      cur.out.u8(window);
      cur.out.u8(used);
      cur.out.bytes(block.subarray(0, used));
    }
  },
  write: (r) => {
    const names: string[] = [];
    let last = -1;
    while (!r.atEnd()) {
      const window = r.u8();
      const len = r.u8();
      if (window <= last || len < 1 || len > 32) throw new RdataDecodeError("bad type bitmap");
      last = window;
      const block = r.bytes(len);
      if (block[len - 1] === 0) throw new RdataDecodeError("type bitmap block ends in zero");
      for (let k = 0; k < len; k++) {
        for (let bit = 0; bit < 8; bit++) {
          if (block[k]! & (0x80 >> bit)) names.push(typeToText((window << 8) | (k << 3) | bit));
        }
      }
    }
    return names.join(" ");
  },
};

/** The NSEC3 salt (RFC 5155 §3.3): hex, or "-" for none; one length octet on the wire. */
const salt: FieldCodec = {
  read: (cur) => {
    const t = cur.word("salt");
    const b = t === "-" ? new Uint8Array(0) : hexDecode(t, "salt");
    if (b.length > 255) throw new ZoneSyntaxError("salt longer than 255 octets");
    cur.out.u8(b.length);
    cur.out.bytes(b);
  },
  write: (r) => {
    const b = r.bytes(r.u8());
    return b.length === 0 ? "-" : hexEncode(b);
  },
};

/** The next hashed owner name (RFC 5155 §3.3): unpadded base32hex, one length octet. */
const hashedOwner: FieldCodec = {
  read: (cur) => {
    const t = cur.word("next hashed owner name");
    const b = base32hexDecode(t);
    if (!b) throw new ZoneSyntaxError(`next hashed owner name "${t}" is not base32hex`);
    if (b.length === 0 || b.length > 255) {
      throw new ZoneSyntaxError(`next hashed owner name of ${b.length} octets`);
    }
    cur.out.u8(b.length);
    cur.out.bytes(b);
  },
  write: (r) => {
    const b = r.bytes(r.u8());
    if (b.length === 0) throw new RdataDecodeError("empty next hashed owner name");
    return base32hexEncode(b);
  },
};

/**
 * NXT's bitmap (RFC 2535 §5.2): bit n stands for type n, types 1 to 127
 * only, no trailing zero octets.
 */
const nxtBitmap: FieldCodec = {
  read: (cur) => {
    const block = new Uint8Array(16);
    let used = 0;
    while (!cur.atEnd()) {
      const t = typeCode(cur.word("type bitmap"), "type bitmap");
      if (t === 0 || t > 127) throw new ZoneSyntaxError(`type ${t} cannot appear in an NXT bitmap`);
      block[t >> 3]! |= 0x80 >> (t & 7);
      used = Math.max(used, (t >> 3) + 1);
    }
    cur.out.bytes(block.subarray(0, used));
  },
  write: (r) => {
    const block = r.rest();
    if (block.length > 16 || (block.length > 0 && block[block.length - 1] === 0)) {
      throw new RdataDecodeError("bad NXT bitmap");
    }
    if (block.length > 0 && block[0]! & 0x80) throw new RdataDecodeError("NXT bitmap has bit 0");
    const names: string[] = [];
    for (let t = 1; t < block.length * 8; t++) {
      if (block[t >> 3]! & (0x80 >> (t & 7))) names.push(typeToText(t));
    }
    return names.join(" ");
  },
};

/** KEY (RFC 2535 §7.1) may carry no key at all when its flags say so. */
const keyWithOptionalKey: FieldCodec = {
  read: (cur) => cur.base64Rest("public key", true),
  write: base64("public key").write,
};

/** CERT types (RFC 4398 §2.1) by mnemonic on input. */
const CERT_TYPES = new Map<string, number>([
  ["PKIX", 1],
  ["SPKI", 2],
  ["PGP", 3],
  ["IPKIX", 4],
  ["ISPKI", 5],
  ["IPGP", 6],
  ["ACPKIX", 7],
  ["IACPKIX", 8],
  ["URI", 253],
  ["OID", 254],
]);

const certType: FieldCodec = {
  read: (cur) => {
    const t = cur.word("certificate type");
    cur.out.u16(CERT_TYPES.get(t.toUpperCase()) ?? parseUint(t, "certificate type", 0xffff));
  },
  write: (r) => String(r.u16()),
};

const dnskey = seq(u16("flags"), u8("protocol"), algorithm(), base64("public key"));
const ds = seq(u16("key tag"), algorithm(), u8("digest type"), hex("digest"));
const rrsig = seq(
  rrType("type covered"),
  algorithm(),
  u8("labels"),
  u32("original TTL"),
  time("signature expiration"),
  time("signature inception"),
  u16("key tag"),
  name("signer's name"),
  base64("signature"),
);
const tlsa = seq(u8("usage"), u8("selector"), u8("matching type"), hex("certificate data"));

export const DNSSEC_CODECS: ReadonlyArray<readonly [number, RdataCodec]> = [
  [RrType.SIG, rrsig],
  [RrType.KEY, seq(u16("flags"), u8("protocol"), algorithm(), keyWithOptionalKey)],
  [RrType.NXT, seq(name("next domain name"), nxtBitmap)],
  [RrType.CERT, seq(certType, u16("key tag"), algorithm(), base64("certificate"))],
  [RrType.DS, ds],
  [RrType.SSHFP, seq(u8("algorithm"), u8("fingerprint type"), hex("fingerprint"))],
  [RrType.RRSIG, rrsig],
  [RrType.NSEC, seq(name("next domain name"), typeBitmap)],
  [RrType.DNSKEY, dnskey],
  [
    RrType.NSEC3,
    seq(u8("hash algorithm"), u8("flags"), u16("iterations"), salt, hashedOwner, typeBitmap),
  ],
  [RrType.NSEC3PARAM, seq(u8("hash algorithm"), u8("flags"), u16("iterations"), salt)],
  [RrType.TLSA, tlsa],
  [RrType.SMIMEA, tlsa],
  [RrType.RKEY, dnskey],
  [RrType.CDS, ds],
  [RrType.CDNSKEY, dnskey],
  [RrType.CSYNC, seq(u32("SOA serial"), u16("flags"), typeBitmap)],
  [RrType.ZONEMD, seq(u32("serial"), u8("scheme"), u8("hash algorithm"), hex("digest"))],
  [RrType.DLV, ds],
];
