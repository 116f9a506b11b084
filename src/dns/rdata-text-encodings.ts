/**
 * Text encodings used inside presentation-format RDATA: decimal integers
 * and durations, hex, base64 (RFC 4648 §4), IPv4 and IPv6 addresses (RFC
 * 4291 §2.2, RFC 5952 §4); and the two errors of the presentation codecs.
 */

/** A syntax error in presentation format; `line` is set once the record's line is known. */
export class ZoneSyntaxError extends Error {
  override name = "ZoneSyntaxError";
  constructor(
    message: string,
    public line?: number,
    public file?: string,
  ) {
    super(message);
  }
}

/** RDATA that a type-specific codec cannot present (the caller falls back to RFC 3597). */
export class RdataDecodeError extends Error {
  override name = "RdataDecodeError";
}

/** An unsigned decimal integer no larger than `max`. */
export function parseUint(text: string, what: string, max: number): number {
  if (text.length === 0 || text.length > 10) throw new ZoneSyntaxError(`bad ${what} "${text}"`);
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) throw new ZoneSyntaxError(`bad ${what} "${text}": not a decimal number`);
    v = v * 10 + d;
  }
  if (v > max) throw new ZoneSyntaxError(`${what} ${text} out of range (at most ${max})`);
  return v;
}

/** Seconds per unit of a duration, as BIND reads "1w2d3h4m5s". */
function durationUnit(c: number): number {
  switch (c | 0x20) {
    case 0x73: // s
      return 1;
    case 0x6d: // m
      return 60;
    case 0x68: // h
      return 3600;
    case 0x64: // d
      return 86400;
    case 0x77: // w
      return 604800;
    default:
      return 0;
  }
}

/**
 * A duration in seconds: a decimal number, or numbers each followed by a
 * unit (s, m, h, d, w, either case) as BIND accepts for TTLs and SOA timers;
 * a last number without a unit counts seconds.
 */
export function parseDuration(text: string, what: string, max: number): number {
  let total = 0;
  let value = 0;
  let digits = 0;
  let units = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = c - 0x30;
    if (d >= 0 && d <= 9) {
      value = value * 10 + d;
      if (++digits > 10) throw new ZoneSyntaxError(`bad ${what} "${text}": too many digits`);
      continue;
    }
    const unit = durationUnit(c);
    if (unit === 0 || digits === 0) throw new ZoneSyntaxError(`bad ${what} "${text}"`);
    total += value * unit;
    value = 0;
    digits = 0;
    units = true;
  }
  if (digits === 0 && !units) throw new ZoneSyntaxError(`bad ${what} "${text}"`);
  total += value;
  if (total > max) throw new ZoneSyntaxError(`${what} ${text} out of range (at most ${max})`);
  return total;
}

const HEX_DIGITS = "0123456789ABCDEF";

export function hexEncode(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  }
  return s;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

export function hexDecode(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0) throw new ZoneSyntaxError(`${what}: odd number of hex digits`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(text.charCodeAt(2 * i));
    const lo = hexValue(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new ZoneSyntaxError(`${what}: bad hex digit in "${text}"`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const B64 = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  .split("")
  .forEach((ch, i) => (B64[ch.charCodeAt(0)] = i));

export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
}

/** Strict base64 (RFC 4648 §4): whole quanta, padding only at the end. */
export function base64Decode(text: string, what: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(text.length / 4) * 3);
  return out.subarray(0, decodeBase64Into(out, 0, text, what));
}

/** Decodes strict base64 into `out` from `at`; returns the number of octets. */
export function decodeBase64Into(out: Uint8Array, at: number, text: string, what: string): number {
  if (text.length % 4 !== 0) {
    throw new ZoneSyntaxError(`${what}: base64 length ${text.length} is not a multiple of 4`);
  }
  let pad = 0;
  if (text.endsWith("==")) pad = 2;
  else if (text.endsWith("=")) pad = 1;
  const end = at + (text.length / 4) * 3 - pad;
  let n = at;
  for (let i = 0; i < text.length; i += 4) {
    let acc = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v = c < 128 ? B64[c]! : -1;
      if (c === 0x3d && i + j >= text.length - pad) v = 0;
      if (v < 0) throw new ZoneSyntaxError(`${what}: bad base64 character in "${text}"`);
      acc = (acc << 6) | v;
    }
    out[n++] = acc >>> 16;
    if (n < end) out[n++] = (acc >>> 8) & 0xff;
    if (n < end) out[n++] = acc & 0xff;
  }
  return end - at;
}

/** Dotted-quad IPv4 (RFC 1035 §3.4.1 presentation). */
export function parseIpv4(text: string, what: string): Uint8Array {
  const parts = text.split(".");
  if (parts.length !== 4) throw new ZoneSyntaxError(`bad ${what} "${text}"`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    let v = 0;
    for (let k = 0; k < p.length; k++) {
      const d = p.charCodeAt(k) - 0x30;
      v = d >= 0 && d <= 9 ? v * 10 + d : 256;
    }
    if (p.length === 0 || p.length > 3 || v > 255) {
      throw new ZoneSyntaxError(`bad ${what} "${text}": not a dotted-quad IPv4 address`);
    }
    out[i] = v;
  }
  return out;
}

export function ipv4Text(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** IPv6 text (RFC 4291 §2.2): groups of up to 4 hex digits, one "::", an IPv4 tail. */
export function parseIpv6(text: string, what: string): Uint8Array {
  const bad = (): never => {
    throw new ZoneSyntaxError(`bad ${what} "${text}"`);
  };
  const halves = text.split("::");
  if (halves.length > 2) bad();
  const groups = (s: string): number[] => {
    if (s.length === 0) return [];
    const out: number[] = [];
    const parts = s.split(":");
    parts.forEach((p, i) => {
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p, what);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        return;
      }
      if (p.length === 0 || p.length > 4) bad();
      let v = 0;
      for (let k = 0; k < p.length; k++) {
        const h = hexValue(p.charCodeAt(k));
        if (h < 0) bad();
        v = (v << 4) | h;
      }
      out.push(v);
    });
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) bad();
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** IPv6 in the RFC 5952 §4 form: lower case, the longest run of zero groups as "::". */
export function ipv6Text(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${ipv4Text(b.subarray(12))}`;
  }
  let bestAt = -1;
  let bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (x: number[]): string => x.map((v) => v.toString(16)).join(":");
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}
