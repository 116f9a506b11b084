/**
 * The pieces every presentation-format codec is built from: a growable byte
 * builder, a cursor over the tokens of one record, a reader over RDATA, and
 * names and character-strings as text (the other encodings are in
 * rdata-text-encodings.ts, re-exported here).
 *
 * Reading text throws ZoneSyntaxError with a message that names the field;
 * reading RDATA throws RdataDecodeError, which the caller turns into the
 * RFC 3597 generic form.
 */
import type { Name } from "./name.js";
import {
  decodeBase64Into,
  hexDecode,
  parseUint,
  RdataDecodeError,
  ZoneSyntaxError,
} from "./rdata-text-encodings.js";

export * from "./rdata-text-encodings.js";

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
