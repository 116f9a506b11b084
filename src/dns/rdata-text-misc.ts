/**
 * Presentation format of the types whose text is more than a list of simple
 * fields: LOC, WKS, NSAP, GPOS, ISDN, IPSECKEY, APL, CAA, URI, the ILNP
 * locators and the EUI addresses.
 */
import { RrType } from "./rr.js";
import {
  base64Encode,
  hexDecode,
  hexEncode,
  ipv4Text,
  ipv6Text,
  parseIpv4,
  parseIpv6,
  parseUint,
  quoteString,
  RdataDecodeError,
  ZoneSyntaxError,
  type TokenCursor,
} from "./rdata-text-fields.js";
import { seq, u16, type FieldCodec, type RdataCodec } from "./rdata-text-basic.js";

/** A decimal with at most `frac` fractional digits, scaled to an integer; an optional suffix. */
function parseScaled(text: string, frac: number, what: string, suffix = ""): number {
  let t = text;
  if (suffix && t.toLowerCase().endsWith(suffix)) t = t.slice(0, -suffix.length);
  const neg = t.startsWith("-");
  if (neg) t = t.slice(1);
  const [whole = "", part = "", extra] = t.split(".");
  if (extra !== undefined || whole.length === 0 || part.length > frac) {
    throw new ZoneSyntaxError(`bad ${what} "${text}"`);
  }
  const v = parseUint(whole, what, 0xffffffff) * 10 ** frac;
  const f = part.length === 0 ? 0 : parseUint(part.padEnd(frac, "0"), what, 10 ** frac);
  return neg ? -(v + f) : v + f;
}

// ---- LOC (RFC 1876) ----

const LOC_EQUATOR = 2 ** 31; // RFC 1876 §2: latitude and longitude are offsets from 2^31
const LOC_ALT_BASE = 10000000; // altitude in cm above a base 100,000 m below the WGS 84 spheroid

/** RFC 1876 §2 size and precision: mantissa and power of ten of a length in centimetres. */
function encodePrecision(cm: number, what: string): number {
  let e = 0;
  while (cm >= 10 ** (e + 1) && e < 9) e++;
  const m = Math.floor(cm / 10 ** e);
  if (m > 9) throw new ZoneSyntaxError(`${what} too large`);
  return (m << 4) | e;
}

function precisionText(b: number): string {
  const m = b >> 4;
  const e = b & 15;
  // Other encodings of the same length would not survive a round trip.
  if (m > 9 || e > 9 || (m === 0 && e !== 0)) throw new RdataDecodeError("bad LOC precision");
  if (e >= 2) return `${m}${"0".repeat(e - 2)}m`;
  const cm = m * 10 ** e;
  return `0.${String(cm).padStart(2, "0")}m`;
}

/** Reads "deg [min [sec]] H" and returns thousandths of an arc second, signed. */
function readAngle(cur: TokenCursor, max: number, pos: string, neg: string, what: string): number {
  const deg = parseUint(cur.word(what), `${what} degrees`, max);
  let min = 0;
  let sec = 0;
  let t = cur.word(what);
  if (t.toUpperCase() !== pos && t.toUpperCase() !== neg) {
    min = parseUint(t, `${what} minutes`, 59);
    t = cur.word(what);
    if (t.toUpperCase() !== pos && t.toUpperCase() !== neg) {
      sec = parseScaled(t, 3, `${what} seconds`);
      if (sec < 0 || sec >= 60000) throw new ZoneSyntaxError(`bad ${what} seconds "${t}"`);
      t = cur.word(what);
    }
  }
  const h = t.toUpperCase();
  if (h !== pos && h !== neg)
    throw new ZoneSyntaxError(`${what} needs ${pos} or ${neg}, not "${t}"`);
  const v = deg * 3600000 + min * 60000 + sec;
  if (v > max * 3600000) throw new ZoneSyntaxError(`${what} beyond ${max} degrees`);
  return h === neg ? -v : v;
}

function angleText(raw: number, max: number, pos: string, neg: string): string {
  let v = raw - LOC_EQUATOR;
  if (Math.abs(v) > max * 3600000) throw new RdataDecodeError("LOC angle out of range");
  const h = v < 0 ? neg : pos;
  v = Math.abs(v);
  const deg = Math.floor(v / 3600000);
  const min = Math.floor((v % 3600000) / 60000);
  const ms = v % 60000;
  const sec = `${String(Math.floor(ms / 1000)).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;
  return `${deg} ${String(min).padStart(2, "0")} ${sec} ${h}`;
}

const loc: RdataCodec = {
  fromText(cur) {
    const lat = readAngle(cur, 90, "N", "S", "latitude");
    const lon = readAngle(cur, 180, "E", "W", "longitude");
    const alt = parseScaled(cur.word("altitude"), 2, "altitude", "m") + LOC_ALT_BASE;
    if (alt < 0 || alt > 0xffffffff) throw new ZoneSyntaxError("altitude out of range");
    // RFC 1876 §3 defaults: size 1 m, horizontal precision 10 km, vertical 10 m.
    const lengths = [100, 1000000, 1000];
    const names = ["size", "horizontal precision", "vertical precision"];
    for (let k = 0; k < 3 && !cur.atEnd(); k++) {
      lengths[k] = parseScaled(cur.word(names[k]!), 2, names[k]!, "m");
      if (lengths[k]! < 0) throw new ZoneSyntaxError(`negative ${names[k]}`);
    }
    cur.end();
    cur.out.u8(0); // version
    lengths.forEach((cm, k) => cur.out.u8(encodePrecision(cm, names[k]!)));
    cur.out.u32(LOC_EQUATOR + lat);
    cur.out.u32(LOC_EQUATOR + lon);
    cur.out.u32(alt);
  },
  toText(r) {
    if (r.u8() !== 0) throw new RdataDecodeError("LOC version other than 0");
    const size = precisionText(r.u8());
    const hp = precisionText(r.u8());
    const vp = precisionText(r.u8());
    const lat = angleText(r.u32(), 90, "N", "S");
    const lon = angleText(r.u32(), 180, "E", "W");
    const cm = r.u32() - LOC_ALT_BASE;
    r.end();
    const abs = Math.abs(cm);
    const frac = abs % 100 === 0 ? "" : `.${String(abs % 100).padStart(2, "0")}`;
    const alt = `${cm < 0 ? "-" : ""}${Math.floor(abs / 100)}${frac}m`;
    return `${lat} ${lon} ${alt} ${size} ${hp} ${vp}`;
  },
};

// ---- WKS (RFC 1035 §3.4.2) ----

const PROTOCOLS = new Map<string, number>([
  ["tcp", 6],
  ["udp", 17],
]);

/** Well-known service names, as /etc/services spells them, for WKS input. */
const SERVICES = new Map<string, number>([
  ["echo", 7],
  ["discard", 9],
  ["daytime", 13],
  ["ftp-data", 20],
  ["ftp", 21],
  ["ssh", 22],
  ["telnet", 23],
  ["smtp", 25],
  ["time", 37],
  ["domain", 53],
  ["finger", 79],
  ["http", 80],
  ["kerberos", 88],
  ["pop3", 110],
  ["sunrpc", 111],
  ["nntp", 119],
  ["ntp", 123],
  ["imap", 143],
  ["snmp", 161],
  ["ldap", 389],
  ["https", 443],
]);

const wks: RdataCodec = {
  fromText(cur) {
    cur.out.bytes(parseIpv4(cur.word("address"), "address"));
    const p = cur.word("protocol");
    cur.out.u8(PROTOCOLS.get(p.toLowerCase()) ?? parseUint(p, "protocol", 0xff));
    const bitmap = new Uint8Array(8192);
    let used = 0;
    while (!cur.atEnd()) {
      const s = cur.word("service");
      const port = SERVICES.get(s.toLowerCase()) ?? parseUint(s, "service", 0xffff);
      bitmap[port >> 3]! |= 0x80 >> (port & 7);
      used = Math.max(used, (port >> 3) + 1);
    }
    cur.out.bytes(bitmap.subarray(0, used));
  },
  toText(r) {
    const addr = ipv4Text(r.bytes(4));
    const proto = r.u8();
    const bitmap = r.rest();
    if (bitmap.length > 0 && bitmap[bitmap.length - 1] === 0) {
      throw new RdataDecodeError("WKS bitmap ends in zero");
    }
    const parts = [addr, proto === 6 ? "tcp" : proto === 17 ? "udp" : String(proto)];
    for (let port = 0; port < bitmap.length * 8; port++) {
      if (bitmap[port >> 3]! & (0x80 >> (port & 7))) parts.push(String(port));
    }
    return parts.join(" ");
  },
};

// ---- NSAP (RFC 1706 §5), GPOS (RFC 1712), ISDN (RFC 1183 §3.2) ----

const nsap: RdataCodec = {
  fromText(cur) {
    const t = cur.word("NSAP address");
    if (!/^0x/i.test(t)) throw new ZoneSyntaxError(`NSAP address "${t}" must start with 0x`);
    const b = hexDecode(t.slice(2).replaceAll(".", ""), "NSAP address");
    if (b.length === 0) throw new ZoneSyntaxError("empty NSAP address");
    cur.out.bytes(b);
    cur.end();
  },
  toText(r) {
    const b = r.rest();
    if (b.length === 0) throw new RdataDecodeError("empty NSAP");
    return "0x" + hexEncode(b);
  },
};

/** A GPOS coordinate: a <character-string>, shown bare when it is a plain number. */
const coordinate = (what: string): FieldCodec => ({
  read: (cur) => cur.charString(what),
  write: (r) => {
    const s = r.charString();
    return /^"[-+]?[0-9.]+"$/.test(s) ? s.slice(1, -1) : s;
  },
});

const isdn: RdataCodec = {
  fromText(cur) {
    cur.charString("ISDN address");
    if (!cur.atEnd()) cur.charString("subaddress");
    cur.end();
  },
  toText(r) {
    const a = r.charString();
    if (r.atEnd()) return a;
    const sa = r.charString();
    r.end();
    return `${a} ${sa}`;
  },
};

// ---- IPSECKEY (RFC 4025 §3) ----

const ipseckey: RdataCodec = {
  fromText(cur) {
    cur.u8("precedence");
    const gwType = cur.int("gateway type", 0xff);
    cur.out.u8(gwType);
    cur.u8("algorithm");
    const gw = cur.word("gateway");
    if (gwType === 0 && gw !== ".") throw new ZoneSyntaxError('gateway type 0 needs "."');
    if (gwType === 1) cur.out.bytes(parseIpv4(gw, "gateway"));
    else if (gwType === 2) cur.out.bytes(parseIpv6(gw, "gateway"));
    else if (gwType === 3) cur.out.name(gw, cur.origin);
    else if (gwType !== 0) throw new ZoneSyntaxError(`unknown gateway type ${gwType}`);
    if (!cur.atEnd()) cur.base64Rest("public key");
  },
  toText(r) {
    const prec = r.u8();
    const gwType = r.u8();
    const alg = r.u8();
    let gw: string;
    if (gwType === 0) gw = ".";
    else if (gwType === 1) gw = ipv4Text(r.bytes(4));
    else if (gwType === 2) gw = ipv6Text(r.bytes(16));
    else if (gwType === 3) gw = r.name();
    else throw new RdataDecodeError("unknown gateway type");
    const key = r.rest();
    const head = `${prec} ${gwType} ${alg} ${gw}`;
    return key.length === 0 ? head : `${head} ${base64Encode(key)}`;
  },
};

// ---- APL (RFC 3123 §4) ----

const apl: RdataCodec = {
  fromText(cur) {
    while (!cur.atEnd()) {
      const t = cur.word("APL item");
      const m = /^(!?)([0-9]+):([^/]+)\/([0-9]+)$/.exec(t);
      if (!m) throw new ZoneSyntaxError(`bad APL item "${t}"`);
      const family = parseUint(m[2]!, "address family", 0xffff);
      let addr: Uint8Array;
      if (family === 1) addr = parseIpv4(m[3]!, "APL address");
      else if (family === 2) addr = parseIpv6(m[3]!, "APL address");
      else throw new ZoneSyntaxError(`APL address family ${family} unsupported`);
      const prefix = parseUint(m[4]!, "prefix", addr.length * 8);
      let len = addr.length;
      while (len > 0 && addr[len - 1] === 0) len--; // RFC 3123 §4.1: no trailing zeros
      cur.out.u16(family);
      cur.out.u8(prefix);
      cur.out.u8((m[1] ? 0x80 : 0) | len);
      cur.out.bytes(addr.subarray(0, len));
    }
  },
  toText(r) {
    const items: string[] = [];
    if (r.atEnd()) throw new RdataDecodeError("empty APL");
    while (!r.atEnd()) {
      const family = r.u16();
      const prefix = r.u8();
      const nlen = r.u8();
      const part = r.bytes(nlen & 0x7f);
      const size = family === 1 ? 4 : family === 2 ? 16 : 0;
      if (size === 0 || part.length > size || prefix > size * 8) {
        throw new RdataDecodeError("APL item not presentable");
      }
      if (part.length > 0 && part[part.length - 1] === 0)
        throw new RdataDecodeError("APL trailing zero");
      const addr = new Uint8Array(size);
      addr.set(part);
      const a = family === 1 ? ipv4Text(addr) : ipv6Text(addr);
      items.push(`${nlen & 0x80 ? "!" : ""}${family}:${a}/${prefix}`);
    }
    return items.join(" ");
  },
};

// ---- CAA (RFC 8659 §4.1.1), URI (RFC 7553 §4.5) ----

const caa: RdataCodec = {
  fromText(cur) {
    cur.u8("flags");
    const tag = cur.word("tag");
    if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw new ZoneSyntaxError(`bad CAA tag "${tag}"`);
    cur.out.u8(tag.length);
    cur.out.text(tag);
    cur.out.text(cur.next("value").text);
    cur.end();
  },
  toText(r) {
    const flags = r.u8();
    const tag = r.bytes(r.u8());
    const alnum = (b: number): boolean =>
      (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a);
    if (tag.length === 0 || !tag.every(alnum)) {
      throw new RdataDecodeError("bad CAA tag");
    }
    return `${flags} ${String.fromCharCode(...tag)} ${quoteString(r.rest())}`;
  },
};

const uri: RdataCodec = {
  fromText(cur) {
    cur.u16("priority");
    cur.u16("weight");
    cur.out.text(cur.next("target").text);
    cur.end();
  },
  toText(r) {
    return `${r.u16()} ${r.u16()} ${quoteString(r.rest())}`;
  },
};

// ---- ILNP (RFC 6742 §2.3) and EUI (RFC 7043 §3.2, §4.2) ----

/** A 64-bit locator or node identifier: four groups of 16 bits in hex, colon-separated. */
const ilnp64 = (what: string): FieldCodec => ({
  read: (cur) => {
    const t = cur.word(what);
    const groups = t.split(":");
    if (groups.length !== 4 || groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) {
      throw new ZoneSyntaxError(`bad ${what} "${t}"`);
    }
    for (const g of groups) cur.out.u16(parseInt(g, 16));
  },
  write: (r) => {
    const g: string[] = [];
    for (let i = 0; i < 4; i++) g.push(r.u16().toString(16).padStart(4, "0"));
    return g.join(":");
  },
});

const eui = (octets: number): FieldCodec => ({
  read: (cur) => {
    const t = cur.word("address");
    const parts = t.split("-");
    if (parts.length !== octets || parts.some((p) => !/^[0-9A-Fa-f]{2}$/.test(p))) {
      throw new ZoneSyntaxError(`bad EUI-${octets * 8} address "${t}"`);
    }
    cur.out.bytes(hexDecode(parts.join(""), "address"));
  },
  write: (r) => {
    const b = r.bytes(octets);
    return [...b].map((x) => x.toString(16).padStart(2, "0")).join("-");
  },
});

export const MISC_CODECS: ReadonlyArray<readonly [number, RdataCodec]> = [
  [RrType.WKS, wks],
  [RrType.ISDN, isdn],
  [RrType.NSAP, nsap],
  [RrType.GPOS, seq(coordinate("longitude"), coordinate("latitude"), coordinate("altitude"))],
  [RrType.LOC, loc],
  [RrType.IPSECKEY, ipseckey],
  [RrType.APL, apl],
  [RrType.NID, seq(u16("preference"), ilnp64("node identifier"))],
  [RrType.L64, seq(u16("preference"), ilnp64("locator"))],
  [RrType.EUI48, seq(eui(6))],
  [RrType.EUI64, seq(eui(8))],
  [RrType.URI, uri],
  [RrType.CAA, caa],
];
