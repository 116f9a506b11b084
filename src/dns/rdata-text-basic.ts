/**
 * Presentation-format codecs built from fields, and the types whose RDATA is
 * no more than a list of simple fields: those of RFC 1035 §3.3 and the ones
 * that followed it with the same shapes.
 */
import { RrType } from "./rr.js";
import {
  base64Encode,
  hexEncode,
  ipv4Text,
  ipv6Text,
  parseDuration,
  parseIpv4,
  parseIpv6,
  RdataDecodeError,
  type RdataReader,
  type TokenCursor,
} from "./rdata-text-fields.js";

/** One field of RDATA, both ways: text tokens to wire form, wire form to text. */
export interface FieldCodec {
  read(cur: TokenCursor): void;
  write(r: RdataReader): string;
}

/** The presentation-format codec of one RR type. */
export interface RdataCodec {
  /** Writes the RDATA the tokens stand for into `cur.out`; throws ZoneSyntaxError. */
  fromText(cur: TokenCursor): void;
  /** The RDATA in presentation format; throws RdataDecodeError when it cannot say it. */
  toText(r: RdataReader): string;
}

/** A codec made of fields in order, separated by a space on output. */
export function seq(...fields: FieldCodec[]): RdataCodec {
  return {
    fromText(cur) {
      for (const f of fields) f.read(cur);
      cur.end();
    },
    toText(r) {
      let s = "";
      for (const f of fields) {
        const t = f.write(r);
        // A field that is empty (a type bitmap with no types) adds no space.
        if (t.length > 0) s += s.length > 0 ? " " + t : t;
      }
      r.end();
      return s;
    },
  };
}

export const u8 = (what: string): FieldCodec => ({
  read: (cur) => cur.u8(what),
  write: (r) => String(r.u8()),
});

export const u16 = (what: string): FieldCodec => ({
  read: (cur) => cur.u16(what),
  write: (r) => String(r.u16()),
});

export const u32 = (what: string): FieldCodec => ({
  read: (cur) => cur.u32(what),
  write: (r) => String(r.u32()),
});

/** A 32-bit count of seconds; units as in TTLs are accepted on input (SOA timers, as BIND does). */
export const period = (what: string): FieldCodec => ({
  read: (cur) => cur.out.u32(parseDuration(cur.word(what), what, 0xffffffff)),
  write: (r) => String(r.u32()),
});

export const name = (what: string): FieldCodec => ({
  read: (cur) => cur.name(what),
  write: (r) => r.name(),
});

/** One <character-string>, always written quoted. */
export const str = (what: string): FieldCodec => ({
  read: (cur) => cur.charString(what),
  write: (r) => r.charString(),
});

/** One or more <character-string>s up to the end of RDATA (TXT, SPF). */
export const strings = (what: string): FieldCodec => ({
  read: (cur) => {
    cur.charString(what);
    while (!cur.atEnd()) cur.charString(what);
  },
  write: (r) => {
    const parts = [r.charString()];
    while (!r.atEnd()) parts.push(r.charString());
    return parts.join(" ");
  },
});

export const ipv4 = (what: string): FieldCodec => ({
  read: (cur) => cur.out.bytes(parseIpv4(cur.word(what), what)),
  write: (r) => ipv4Text(r.bytes(4)),
});

export const ipv6 = (what: string): FieldCodec => ({
  read: (cur) => cur.out.bytes(parseIpv6(cur.word(what), what)),
  write: (r) => ipv6Text(r.bytes(16)),
});

/** Base64 up to the end of RDATA, which may be split by white space. */
export const base64 = (what: string): FieldCodec => ({
  read: (cur) => cur.base64Rest(what),
  write: (r) => {
    const b = r.rest();
    // An empty field has no text of its own: leave it to the generic form.
    if (b.length === 0) throw new RdataDecodeError(`empty ${what}`);
    return base64Encode(b);
  },
});

/** Hex up to the end of RDATA, which may be split by white space. */
export const hex = (what: string): FieldCodec => ({
  read: (cur) => cur.hexRest(what),
  write: (r) => {
    const b = r.rest();
    if (b.length === 0) throw new RdataDecodeError(`empty ${what}`);
    return hexEncode(b);
  },
});

const oneName = seq(name("target"));

/** RFC 1035 §3.3 and §3.4, RFC 1183, RFC 2163, RFC 2230, RFC 2782, RFC 3403, RFC 6672, RFC 6742. */
export const BASIC_CODECS: ReadonlyArray<readonly [number, RdataCodec]> = [
  [RrType.A, seq(ipv4("address"))],
  [RrType.NS, oneName],
  [RrType.MD, oneName],
  [RrType.MF, oneName],
  [RrType.CNAME, oneName],
  [
    RrType.SOA,
    seq(
      name("MNAME"),
      name("RNAME"),
      u32("serial"),
      period("refresh"),
      period("retry"),
      period("expire"),
      period("minimum"),
    ),
  ],
  [RrType.MB, oneName],
  [RrType.MG, oneName],
  [RrType.MR, oneName],
  [RrType.PTR, oneName],
  [RrType.HINFO, seq(str("CPU"), str("OS"))],
  [RrType.MINFO, seq(name("RMAILBX"), name("EMAILBX"))],
  [RrType.MX, seq(u16("preference"), name("exchange"))],
  [RrType.TXT, seq(strings("text"))],
  [RrType.RP, seq(name("mbox"), name("TXT owner"))],
  [RrType.AFSDB, seq(u16("subtype"), name("hostname"))],
  [RrType.X25, seq(str("PSDN address"))],
  [RrType.RT, seq(u16("preference"), name("intermediate host"))],
  [RrType.PX, seq(u16("preference"), name("MAP822"), name("MAPX400"))],
  [RrType.AAAA, seq(ipv6("address"))],
  [RrType.SRV, seq(u16("priority"), u16("weight"), u16("port"), name("target"))],
  [
    RrType.NAPTR,
    seq(
      u16("order"),
      u16("preference"),
      str("flags"),
      str("services"),
      str("regexp"),
      name("replacement"),
    ),
  ],
  [RrType.KX, seq(u16("preference"), name("exchanger"))],
  [RrType.DNAME, oneName],
  [RrType.SPF, seq(strings("text"))],
  [RrType.NINFO, seq(strings("text"))],
  [RrType.TALINK, seq(name("previous name"), name("next name"))],
  [RrType.L32, seq(u16("preference"), ipv4("locator"))],
  [RrType.LP, seq(u16("preference"), name("FQDN"))],
  [RrType.DHCID, seq(base64("digest"))],
  [RrType.OPENPGPKEY, seq(base64("key"))],
];
