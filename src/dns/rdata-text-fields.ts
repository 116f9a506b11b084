/**
 * The pieces every presentation-format codec is built from: a growable byte
 * builder, a cursor over the tokens of one record, a reader over RDATA, and
 * the text encodings the RFCs use inside RDATA (names, character-strings,
 * decimal integers, hex, base64, IPv4 and IPv6 addresses).
 *
 * Reading text throws ZoneSyntaxError with a message that names the field;
 * reading RDATA throws RdataDecodeError, which the caller turns into the
 * RFC 3597 generic form.
 */
import type { Name } from "./name.js";

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

/** One token of a record: its text as written, escapes kept, quotes removed. */
export interface Token {
  text: string;
  quoted: boolean;
}

const MAX_NAME_LENGTH = 255; // RFC 1035 §2.3.4
const MAX_LABEL_LENGTH = 63;

/** A growable byte buffer; one is reused for every record of a zone. */
export class WireBuilder {
  buf = new Uint8Array(1024);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.buf[this.length++] = v >>> 8;
    this.buf[this.length++] = v & 0xff;
  }

  u32(v: number): void {
    this.room(4);
    this.buf[this.length++] = v >>> 24;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Strict base64 (RFC 4648 §4): whole quanta, padding only at the end. */
  base64(text: string, what: string): void {
    this.room((text.length / 4) * 3 + 3);
    this.length += decodeBase64Into(this.buf, this.length, text, what);
  }

  /** A copy of the bytes from `start` to the end. */
  take(start = 0): Uint8Array {
    return this.buf.slice(start, this.length);
  }

  /**
   * Appends a name given in presentation format (RFC 1035 §5.1): `\DDD` and
   * `\X` escapes, a trailing dot for an absolute name, "@" for the origin; a
   * relative name is completed with `origin`.
   */
  name(text: string, origin: Name | undefined): void {
    const start = this.length;
    if (text === "@") {
      if (!origin) throw new ZoneSyntaxError('"@" used with no origin');
      this.bytes(origin);
      return;
    }
    if (text === ".") {
      this.u8(0);
      return;
    }
    if (text.length === 0) throw new ZoneSyntaxError("empty name");
    let labelAt = this.length;
    this.u8(0);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2e) {
        const len = this.length - labelAt - 1;
        if (len === 0) throw new ZoneSyntaxError(`empty label in name "${text}"`);
        if (len > MAX_LABEL_LENGTH) {
          throw new ZoneSyntaxError(`label longer than 63 octets in name "${text}"`);
        }
        this.buf[labelAt] = len;
        labelAt = this.length;
        this.u8(0);
      } else if (c === 0x5c) {
        i = this.escape(text, i, "name");
      } else if (c < 0x80) {
        this.u8(c);
      } else {
        i = this.utf8(text, i);
      }
    }
    const last = this.length - labelAt - 1;
    if (last > MAX_LABEL_LENGTH) {
      throw new ZoneSyntaxError(`label longer than 63 octets in name "${text}"`);
    }
    if (last > 0) {
      // No trailing dot: a relative name.
      this.buf[labelAt] = last;
      if (!origin) throw new ZoneSyntaxError(`relative name "${text}" with no origin`);
      this.bytes(origin);
    }
    if (this.length - start > MAX_NAME_LENGTH) {
      throw new ZoneSyntaxError(`name longer than 255 octets: "${text}"`);
    }
  }

  /** Appends the bytes a token stands for, escapes decoded; returns how many. */
  text(text: string): number {
    const start = this.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i = this.escape(text, i, "string");
      else if (c < 0x80) this.u8(c);
      else i = this.utf8(text, i);
    }
    return this.length - start;
  }

  /** A <character-string> (RFC 1035 §3.3): one length octet and at most 255 octets. */
  charString(text: string): void {
    const at = this.length;
    this.u8(0);
    const n = this.text(text);
    if (n > 255) throw new ZoneSyntaxError(`character-string of ${n} octets (at most 255)`);
    this.buf[at] = n;
  }

  /** Decodes the escape at text[i] (a backslash); returns the index of its last character. */
  private escape(text: string, i: number, what: string): number {
    if (i + 1 >= text.length) throw new ZoneSyntaxError(`dangling backslash in ${what} "${text}"`);
    const d1 = text.charCodeAt(i + 1) - 0x30;
    if (d1 >= 0 && d1 <= 9) {
      const d2 = text.charCodeAt(i + 2) - 0x30;
      const d3 = text.charCodeAt(i + 3) - 0x30;
      if (!(d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9)) {
        throw new ZoneSyntaxError(`escape \\DDD needs three digits in ${what} "${text}"`);
      }
      const v = d1 * 100 + d2 * 10 + d3;
      if (v > 255) throw new ZoneSyntaxError(`escape \\${v} out of range in ${what} "${text}"`);
      this.u8(v);
      return i + 3;
    }
    const c = text.charCodeAt(i + 1);
    if (c < 0x80) {
      this.u8(c);
      return i + 1;
    }
    return this.utf8(text, i + 1);
  }

  /** Non-ASCII text is taken as its UTF-8 octets. */
  private utf8(text: string, i: number): number {
    const cp = text.codePointAt(i)!;
    const chars = cp > 0xffff ? 2 : 1;
    this.bytes(Buffer.from(text.slice(i, i + chars), "utf8"));
    return i + chars - 1;
  }
}

/** Walks the RDATA tokens of one record, writing wire form into a builder. */
export class TokenCursor {
  constructor(
    readonly tokens: readonly Token[],
    public i: number,
    readonly out: WireBuilder,
    readonly origin: Name | undefined,
  ) {}

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  next(what: string): Token {
    const t = this.tokens[this.i];
    if (!t) throw new ZoneSyntaxError(`missing ${what}`);
    this.i++;
    return t;
  }

  /** The text of the next unquoted token. */
  word(what: string): string {
    const t = this.next(what);
    if (t.quoted) throw new ZoneSyntaxError(`${what} must not be quoted`);
    return t.text;
  }

  /** The remaining tokens joined, for fields that may be split by white space. */
  rest(what: string, allowEmpty = false): string {
    if (this.atEnd() && !allowEmpty) throw new ZoneSyntaxError(`missing ${what}`);
    let s = "";
    while (!this.atEnd()) s += this.word(what);
    return s;
  }

  end(): void {
    if (!this.atEnd())
      throw new ZoneSyntaxError(`unexpected "${this.tokens[this.i]!.text}" after RDATA`);
  }

  int(what: string, max: number): number {
    return parseUint(this.word(what), what, max);
  }

  u8(what: string): void {
    this.out.u8(this.int(what, 0xff));
  }

  u16(what: string): void {
    this.out.u16(this.int(what, 0xffff));
  }

  u32(what: string): void {
    this.out.u32(this.int(what, 0xffffffff));
  }

  name(what: string): void {
    this.out.name(this.word(what), this.origin);
  }

  charString(what: string): void {
    this.out.charString(this.next(what).text);
  }

  hexRest(what: string, allowEmpty = false): void {
    this.out.bytes(hexDecode(this.rest(what, allowEmpty), what));
  }

  base64Rest(what: string, allowEmpty = false): void {
    this.out.base64(this.rest(what, allowEmpty), what);
  }
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

/** Reads RDATA field by field; any overrun or malformed field throws RdataDecodeError. */
export class RdataReader {
  pos = 0;
  constructor(readonly data: Uint8Array) {}

  atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) throw new RdataDecodeError("RDATA too short");
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.data[this.pos]! << 8) | this.data[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const d = this.data;
    const p = this.pos;
    this.pos += 4;
    return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  rest(): Uint8Array {
    return this.bytes(this.data.length - this.pos);
  }

  /** An uncompressed name, in presentation format with a trailing dot. */
  name(): string {
    const start = this.pos;
    let s = "";
    for (;;) {
      const len = this.u8();
      if (len === 0) break;
      if (len > MAX_LABEL_LENGTH) throw new RdataDecodeError("compressed or bad label in RDATA");
      this.need(len);
      s += labelToText(this.data, this.pos, len, s.length === 0) + ".";
      this.pos += len;
    }
    if (this.pos - start > MAX_NAME_LENGTH) throw new RdataDecodeError("name too long");
    return s.length === 0 ? "." : s;
  }

  /** A <character-string>, quoted. */
  charString(): string {
    return quoteString(this.bytes(this.u8()));
  }

  /** The end of RDATA must be reached exactly. */
  end(): void {
    if (!this.atEnd()) throw new RdataDecodeError("trailing octets in RDATA");
  }
}

/**
 * A label in presentation format: the characters with a meaning in zone files
 * escaped with a backslash, others outside printable ASCII as `\DDD`. A "$"
 * opening a name is escaped too, so that it cannot be taken for a directive.
 */
export function labelToText(data: Uint8Array, at: number, len: number, first: boolean): string {
  let s = "";
  for (let i = at; i < at + len; i++) {
    const b = data[i]!;
    if (b === 0x2e || b === 0x5c || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b) {
      s += "\\" + String.fromCharCode(b);
    } else if (b <= 0x20 || b >= 0x7f) {
      s += "\\" + (b < 10 ? "00" : b < 100 ? "0" : "") + b;
    } else if (b === 0x24 && first && i === at) {
      s += "\\$";
    } else {
      s += String.fromCharCode(b);
    }
  }
  return s;
}

/** A name in wire form as presentation text. */
export function nameText(name: Name): string {
  return new RdataReader(name).name();
}

/** Octets as a quoted <character-string>, escaping `"` and `\` and non-printing octets. */
export function quoteString(bytes: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x22 || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b < 0x20 || b >= 0x7f) s += "\\" + (b < 10 ? "00" : b < 100 ? "0" : "") + b;
    else s += String.fromCharCode(b);
  }
  return s + '"';
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
  const b = new WireBuilder();
  b.base64(text, what);
  return b.take();
}

/** Decodes strict base64 into `out` (see WireBuilder.base64). */
function decodeBase64Into(out: Uint8Array, at: number, text: string, what: string): number {
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
