/**
 * A zone file read into columns over one byte buffer, for reading a whole
 * zone fast (verify-zone): no record objects, no per-record arrays, the
 * owner names and RDATA in uncompressed wire form side by side in `wire`.
 *
 * It reads exactly what parseZone (zonefile.ts) reads, with the same
 * bytes: the lexing rules of zone-lexer.ts and the record rules of
 * zonefile.ts are followed step by step. The RDATA of the types a signed
 * zone is mostly made of (A, AAAA, NS, CNAME, DNAME, PTR, DS, RRSIG, NSEC)
 * is written straight from the text when it has the plain form (no escape,
 * no quote, numbers in decimal); everything else goes through the same
 * codecs as parseZone (rdata-text.ts).
 *
 * Errors: scanZone gives no message of its own. It returns undefined on any
 * error; the caller reads the file again with parseZone, which names the
 * error and its line.
 */
import type { Name } from "./name.js";
import { classFromText, RrClass, RrType, typeFromText, type Rr } from "./rr.js";
import { parseTtl } from "./zonefile.js";
import { WireBuilder, ZoneSyntaxError, type Token } from "./rdata-text-fields.js";
import { rdataFromTokens } from "./rdata-text.js";
import { parseSignatureTime } from "./rdata-text-dnssec.js";

/** Record `i` has its owner at wire[ownerStart[i], ownerEnd[i]) and its RDATA at wire[rdataStart[i], rdataEnd[i]). */
export interface ZoneScan {
  count: number;
  wire: Uint8Array;
  /** Records with the same owner spelling, one after another, share their owner bytes. */
  ownerStart: Int32Array;
  ownerEnd: Int32Array;
  type: Uint16Array;
  class: Uint16Array;
  ttl: Uint32Array;
  rdataStart: Int32Array;
  rdataEnd: Int32Array;
}

export interface ScanOptions {
  origin?: Name;
  defaultTtl?: number;
  defaultClass?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const OPEN = 0x28;
const CLOSE = 0x29;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOLLAR = 0x24;
const MAX_RDATA_LENGTH = 0xffff; // RFC 1035 §3.2.1

/** What ends an unquoted token (white space, ";", parentheses, a quote), and the backslash. */
const STOP = new Uint8Array(0x80);
for (const c of [SPACE, TAB, LF, CR, SEMICOLON, OPEN, CLOSE, QUOTE, BACKSLASH]) STOP[c] = 1;

/** Strict base64 as decodeBase64Into takes it: whole quanta, at most two "=" at the end. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Thrown inside the scanner; scanZone turns every error into undefined. */
class ScanError extends Error {}

/** Columns that grow by doubling. */
class Columns {
  size: number;
  ownerStart: Int32Array;
  ownerEnd: Int32Array;
  type: Uint16Array;
  cls: Uint16Array;
  ttl: Uint32Array;
  rdataStart: Int32Array;
  rdataEnd: Int32Array;
  count = 0;

  constructor(size: number) {
    this.size = size;
    this.ownerStart = new Int32Array(size);
    this.ownerEnd = new Int32Array(size);
    this.type = new Uint16Array(size);
    this.cls = new Uint16Array(size);
    this.ttl = new Uint32Array(size);
    this.rdataStart = new Int32Array(size);
    this.rdataEnd = new Int32Array(size);
  }

  grow(): void {
    const n = this.size * 2;
    const more = <T extends Int32Array | Uint16Array | Uint32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.ownerStart = more(this.ownerStart, new Int32Array(n));
    this.ownerEnd = more(this.ownerEnd, new Int32Array(n));
    this.type = more(this.type, new Uint16Array(n));
    this.cls = more(this.cls, new Uint16Array(n));
    this.ttl = more(this.ttl, new Uint32Array(n));
    this.rdataStart = more(this.rdataStart, new Int32Array(n));
    this.rdataEnd = more(this.rdataEnd, new Int32Array(n));
    this.size = n;
  }
}

/** Reads a whole zone file into columns; undefined when parseZone would report an error. */
export function scanZone(text: string, opts: ScanOptions = {}): ZoneScan | undefined {
  try {
    return new Scanner(text, opts).run();
  } catch (e) {
    if (e instanceof ScanError || e instanceof ZoneSyntaxError) {
      return undefined;
    }
    throw e;
  }
}

class Scanner {
  private readonly s: string;
  private readonly out = new WireBuilder();
  private readonly cols: Columns;
  // One entry's tokens: text offsets, and whether each was quoted.
  private tokStart = new Int32Array(64);
  private tokEnd = new Int32Array(64);
  private tokQuoted = new Uint8Array(64);
  private tokens = 0;
  /** The entry has a quoted token or a backslash: its RDATA takes the general path. */
  private plain = true;

  private origin: Name | undefined;
  private ttlDirective: number | undefined;
  private lastTtl: number | undefined;
  private lastClass: number;
  private lastOwnerStart = -1;
  private lastOwnerEnd = -1;
  /** Text offsets of the last owner token, to spot the same spelling again. */
  private lastOwnerTextStart = -1;
  private lastOwnerTextEnd = -1;
  private lastOwnerOrigin: Name | undefined;
  private readonly types = new Map<string, number | undefined>();
  private readonly times = new Map<string, number>();

  constructor(text: string, opts: ScanOptions) {
    this.s = text;
    this.origin = opts.origin;
    this.ttlDirective = opts.defaultTtl;
    this.lastClass = opts.defaultClass ?? RrClass.IN;
    // Wire form is shorter than its text (base64 and addresses shrink).
    this.out.buf = new Uint8Array(Math.max(1024, text.length));
    this.cols = new Columns(Math.max(64, text.length >> 5));
  }

  run(): ZoneScan {
    const s = this.s;
    const n = s.length;
    let i = 0;
    // The lexing rules of zone-lexer.ts, on offsets.
    while (i < n) {
      // Whether the current physical line began with white space.
      let leadingSpace = s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB;
      let depth = 0;
      let blankOwner = false;
      this.tokens = 0;
      this.plain = true;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === LF) {
          i++;
          if (depth === 0 && this.tokens > 0) break;
          if (depth === 0) {
            const d = i < n ? s.charCodeAt(i) : 0;
            leadingSpace = d === SPACE || d === TAB;
          }
          continue;
        }
        if (c === SPACE || c === TAB || c === CR) {
          i++;
          continue;
        }
        if (c === SEMICOLON) {
          while (i < n && s.charCodeAt(i) !== LF) i++;
          continue;
        }
        if (c === OPEN) {
          depth++;
          i++;
          continue;
        }
        if (c === CLOSE) {
          if (depth === 0) throw new ScanError();
          depth--;
          i++;
          continue;
        }
        if (this.tokens === 0) blankOwner = leadingSpace;
        if (c === QUOTE) {
          const start = i + 1;
          i = start;
          while (i < n) {
            const d = s.charCodeAt(i);
            if (d === QUOTE) break;
            if (d === LF) throw new ScanError();
            i += d === BACKSLASH ? 2 : 1;
          }
          if (i >= n) throw new ScanError();
          this.push(start, i, true);
          i++;
          continue;
        }
        const start = i;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d >= 0x80 || STOP[d] === 0) {
            i++;
            continue;
          }
          if (d !== BACKSLASH) break;
          if (i + 1 < n && s.charCodeAt(i + 1) === LF) throw new ScanError();
          this.plain = false;
          i += 2;
        }
        this.push(start, Math.min(i, n), false);
      }
      if (depth > 0) throw new ScanError();
      if (this.tokens > 0) this.entry(blankOwner);
    }
    const c = this.cols;
    return {
      count: c.count,
      wire: this.out.buf,
      ownerStart: c.ownerStart,
      ownerEnd: c.ownerEnd,
      type: c.type,
      class: c.cls,
      ttl: c.ttl,
      rdataStart: c.rdataStart,
      rdataEnd: c.rdataEnd,
    };
  }

  private push(start: number, end: number, quoted: boolean): void {
    const k = this.tokens;
    if (k === this.tokStart.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.tokStart = grow(this.tokStart, new Int32Array(k * 2));
      this.tokEnd = grow(this.tokEnd, new Int32Array(k * 2));
      this.tokQuoted = grow(this.tokQuoted, new Uint8Array(k * 2));
    }
    this.tokStart[k] = start;
    this.tokEnd[k] = end;
    this.tokQuoted[k] = quoted ? 1 : 0;
    if (quoted) this.plain = false;
    this.tokens = k + 1;
  }

  private word(k: number): string {
    return this.s.slice(this.tokStart[k]!, this.tokEnd[k]!);
  }

  /** The token is exactly `text`. */
  private is(k: number, text: string): boolean {
    const a = this.tokStart[k]!;
    if (this.tokEnd[k]! - a !== text.length) return false;
    for (let j = 0; j < text.length; j++) {
      if (this.s.charCodeAt(a + j) !== text.charCodeAt(j)) return false;
    }
    return true;
  }

  /** An unsigned decimal of 1 to 10 digits no larger than `max`, or -1 (parseUint's rules). */
  private uint(k: number, max: number): number {
    const a = this.tokStart[k]!;
    const b = this.tokEnd[k]!;
    if (b === a || b - a > 10) return -1;
    let v = 0;
    for (let j = a; j < b; j++) {
      const d = this.s.charCodeAt(j) - 0x30;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v <= max ? v : -1;
  }

  private typeCode(k: number): number | undefined {
    const text = this.word(k);
    let t = this.types.get(text);
    if (t === undefined && !this.types.has(text)) {
      t = typeFromText(text);
      this.types.set(text, t);
    }
    return t;
  }

  /** A directive or a record, as zonefile.ts's ZoneReader.entry decides. */
  private entry(blankOwner: boolean): void {
    if (!blankOwner && this.tokQuoted[0] === 0 && this.s.charCodeAt(this.tokStart[0]!) === DOLLAR) {
      this.directive();
    } else {
      this.record(blankOwner);
    }
  }

  private directive(): void {
    const args = this.tokens - 1;
    switch (this.word(0).toUpperCase()) {
      case "$ORIGIN": {
        if (args !== 1) throw new ScanError();
        const b = new WireBuilder();
        b.name(this.word(1), this.origin);
        this.origin = b.take();
        return;
      }
      case "$TTL":
        if (args !== 1) throw new ScanError();
        this.ttlDirective = parseTtl(this.word(1));
        return;
      default:
        throw new ScanError();
    }
  }

  private sameOwnerText(k: number): boolean {
    const a = this.tokStart[k]!;
    const len = this.tokEnd[k]! - a;
    const la = this.lastOwnerTextStart;
    if (la < 0 || this.lastOwnerTextEnd - la !== len) return false;
    const s = this.s;
    for (let j = 0; j < len; j++) if (s.charCodeAt(a + j) !== s.charCodeAt(la + j)) return false;
    return true;
  }

  private record(blankOwner: boolean): void {
    const out = this.out;
    let k = 0;
    if (blankOwner) {
      if (this.lastOwnerStart < 0) throw new ScanError();
    } else {
      if (this.tokQuoted[0] === 1) throw new ScanError();
      if (!this.sameOwnerText(0) || this.origin !== this.lastOwnerOrigin) {
        const start = out.length;
        out.name(this.word(0), this.origin);
        this.lastOwnerStart = start;
        this.lastOwnerEnd = out.length;
        this.lastOwnerTextStart = this.tokStart[0]!;
        this.lastOwnerTextEnd = this.tokEnd[0]!;
        this.lastOwnerOrigin = this.origin;
      }
      k = 1;
    }
    // RFC 1035 §5.1: TTL and class in either order, either may be absent.
    let ttl: number | undefined;
    let cls: number | undefined;
    for (let m = 0; m < 2 && k < this.tokens && this.tokQuoted[k] === 0; m++, k++) {
      const c = this.s.charCodeAt(this.tokStart[k]!);
      if (ttl === undefined && c >= 0x30 && c <= 0x39) {
        const plain = this.tokEnd[k]! - this.tokStart[k]! <= 9 ? this.uint(k, 999999999) : -1;
        ttl = plain >= 0 ? plain : parseTtl(this.word(k));
        continue;
      }
      const found =
        cls === undefined
          ? this.is(k, "IN")
            ? RrClass.IN
            : classFromText(this.word(k))
          : undefined;
      if (found === undefined) break;
      cls = found;
    }
    if (k >= this.tokens || this.tokQuoted[k] === 1) throw new ScanError();
    const type = this.typeCode(k++);
    if (type === undefined) throw new ScanError();
    if (ttl !== undefined) this.lastTtl = ttl;
    else ttl = this.ttlDirective ?? this.lastTtl;
    if (ttl === undefined) throw new ScanError();
    if (cls !== undefined) this.lastClass = cls;

    const start = out.length;
    if (!(this.plain && this.fast(type, k))) {
      out.length = start;
      const tokens: Token[] = [];
      for (let j = k; j < this.tokens; j++) {
        tokens.push({ text: this.word(j), quoted: this.tokQuoted[j] === 1 });
      }
      rdataFromTokens(type, tokens, 0, out, this.origin, this.lastClass);
    }
    if (out.length - start > MAX_RDATA_LENGTH) throw new ScanError();

    const cols = this.cols;
    if (cols.count === cols.size) cols.grow();
    const r = cols.count++;
    cols.ownerStart[r] = this.lastOwnerStart;
    cols.ownerEnd[r] = this.lastOwnerEnd;
    cols.type[r] = type;
    cols.cls[r] = this.lastClass;
    cols.ttl[r] = ttl;
    cols.rdataStart[r] = start;
    cols.rdataEnd[r] = out.length;
  }

  /**
   * Writes the RDATA of the common types in their plain form; false (with
   * anything written to be dropped) for any other form, which the general
   * codecs then read.
   */
  private fast(type: number, k: number): boolean {
    const args = this.tokens - k;
    switch (type) {
      case RrType.A:
        return args === 1 && this.lastClass === RrClass.IN && this.ipv4(k);
      case RrType.AAAA:
        return args === 1 && this.ipv6(k);
      case RrType.NS:
      case RrType.CNAME:
      case RrType.DNAME:
      case RrType.PTR:
        if (args !== 1) return false;
        this.out.name(this.word(k), this.origin);
        return true;
      case RrType.DS:
        return args >= 4 && this.ds(k);
      case RrType.RRSIG:
        return args >= 9 && this.rrsig(k);
      case RrType.NSEC:
        return args >= 1 && this.nsec(k);
      default:
        return false;
    }
  }

  /** Dotted quad, parts of 1 to 3 digits up to 255 (parseIpv4's rules). */
  private ipv4(k: number): boolean {
    const s = this.s;
    const b = this.tokEnd[k]!;
    let j = this.tokStart[k]!;
    const at = this.out.length;
    for (let part = 0; part < 4; part++) {
      let v = 0;
      let digits = 0;
      while (j < b && s.charCodeAt(j) !== 0x2e) {
        const d = s.charCodeAt(j) - 0x30;
        if (d < 0 || d > 9) return false;
        v = v * 10 + d;
        digits++;
        j++;
      }
      if (digits === 0 || digits > 3 || v > 255) return false;
      if (part < 3) {
        if (j >= b) return false;
        j++; // the dot
      } else if (j !== b) {
        return false;
      }
      this.out.u8(v);
    }
    return this.out.length === at + 4;
  }

  /** IPv6 of hex groups with at most one "::" and no IPv4 tail (that goes to parseIpv6). */
  private ipv6(k: number): boolean {
    const s = this.s;
    const b = this.tokEnd[k]!;
    let j = this.tokStart[k]!;
    const groups = new Array<number>(8);
    let count = 0;
    let gap = -1;
    if (j + 1 < b && s.charCodeAt(j) === 0x3a && s.charCodeAt(j + 1) === 0x3a) {
      gap = 0;
      j += 2;
    }
    while (j < b) {
      let v = 0;
      let digits = 0;
      while (j < b && s.charCodeAt(j) !== 0x3a) {
        const h = hexValue(s.charCodeAt(j));
        if (h < 0) return false;
        v = (v << 4) | h;
        digits++;
        j++;
      }
      if (digits === 0 || digits > 4 || count === 8) return false;
      groups[count++] = v;
      if (j === b) break;
      j++; // ":"
      if (j < b && s.charCodeAt(j) === 0x3a) {
        if (gap >= 0) return false;
        gap = count;
        j++;
      } else if (j === b) {
        return false;
      }
    }
    if (gap < 0 ? count !== 8 : count > 7) return false;
    const fill = 8 - count;
    const out = this.out;
    for (let g = 0; g < count; g++) {
      if (g === gap) for (let z = 0; z < fill; z++) out.u16(0);
      out.u16(groups[g]!);
    }
    if (gap === count) for (let z = 0; z < fill; z++) out.u16(0);
    return true;
  }

  /** The remaining tokens from `k` joined, as TokenCursor.rest does. */
  private rest(k: number): string {
    if (k === this.tokens - 1) return this.word(k);
    let text = "";
    for (let j = k; j < this.tokens; j++) text += this.word(j);
    return text;
  }

  /** RFC 4034 §5.3: key tag, algorithm (as a number), digest type, hex digest. */
  private ds(k: number): boolean {
    const tag = this.uint(k, 0xffff);
    const alg = this.uint(k + 1, 0xff);
    const digestType = this.uint(k + 2, 0xff);
    if (tag < 0 || alg < 0 || digestType < 0) return false;
    const digest = this.rest(k + 3);
    if (digest.length % 2 !== 0) return false;
    const out = this.out;
    out.u16(tag);
    out.u8(alg);
    out.u8(digestType);
    for (let j = 0; j < digest.length; j += 2) {
      const hi = hexValue(digest.charCodeAt(j));
      const lo = hexValue(digest.charCodeAt(j + 1));
      if (hi < 0 || lo < 0) return false;
      out.u8((hi << 4) | lo);
    }
    return true;
  }

  /** A signature time (RFC 4034 §3.2), YYYYMMDDHHmmSS dates looked up once each. */
  private time(k: number, what: string): number {
    if (this.tokEnd[k]! - this.tokStart[k]! !== 14) return this.uint(k, 0xffffffff);
    const text = this.word(k);
    let t = this.times.get(text);
    if (t === undefined) {
      t = parseSignatureTime(text, what);
      this.times.set(text, t);
    }
    return t;
  }

  /** RFC 4034 §3.2: the RRSIG fields in order, the algorithm as a number. */
  private rrsig(k: number): boolean {
    const covered = this.typeCode(k);
    const alg = this.uint(k + 1, 0xff);
    const labels = this.uint(k + 2, 0xff);
    const originalTtl = this.uint(k + 3, 0xffffffff);
    const expiration = this.time(k + 4, "signature expiration");
    const inception = this.time(k + 5, "signature inception");
    const tag = this.uint(k + 6, 0xffff);
    if (covered === undefined || alg < 0 || labels < 0 || originalTtl < 0) return false;
    if (expiration < 0 || inception < 0 || tag < 0) return false;
    const out = this.out;
    out.u16(covered);
    out.u8(alg);
    out.u8(labels);
    out.u32(originalTtl);
    out.u32(expiration);
    out.u32(inception);
    out.u16(tag);
    out.name(this.word(k + 7), this.origin);
    return this.base64(this.rest(k + 8));
  }

  /**
   * Strict base64 (RFC 4648 §4) decoded by Buffer once checked; false for
   * what the codecs would refuse.
   */
  private base64(text: string): boolean {
    if (text.length % 4 !== 0 || !BASE64.test(text)) return false;
    const out = this.out;
    const room = (text.length / 4) * 3;
    if (out.buf.length < out.length + room) {
      const next = new Uint8Array((out.length + room) * 2);
      next.set(out.buf.subarray(0, out.length));
      out.buf = next;
    }
    const target = Buffer.from(out.buf.buffer, out.buf.byteOffset, out.buf.length);
    out.length += target.write(text, out.length, "base64");
    return true;
  }

  /** RFC 4034 §4.2: the next owner name and the types, as a bitmap (RFC 4034 §4.1.2). */
  private nsec(k: number): boolean {
    const types: number[] = [];
    for (let j = k + 1; j < this.tokens; j++) {
      const t = this.typeCode(j);
      if (t === undefined) return false;
      types.push(t);
    }
    types.sort((a, b) => a - b);
    const out = this.out;
    out.name(this.word(k), this.origin);
    let i = 0;
    while (i < types.length) {
      const window = types[i]! >> 8;
      const at = out.length;
      out.u8(window);
      out.u8(0);
      let used = 0;
      for (; i < types.length && types[i]! >> 8 === window; i++) {
        const low = types[i]! & 0xff;
        while (used <= low >> 3) {
          out.u8(0);
          used++;
        }
        out.buf[at + 2 + (low >> 3)]! |= 0x80 >> (low & 7);
      }
      out.buf[at + 1] = used;
    }
    return true;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** The records of a scan as parseZone gives them (for tests, and for callers that want objects). */
export function scanRecords(scan: ZoneScan): Rr[] {
  const records: Rr[] = [];
  for (let i = 0; i < scan.count; i++) {
    records.push({
      owner: scan.wire.slice(scan.ownerStart[i]!, scan.ownerEnd[i]!),
      type: scan.type[i]!,
      class: scan.class[i]!,
      ttl: scan.ttl[i]!,
      rdata: scan.wire.slice(scan.rdataStart[i]!, scan.rdataEnd[i]!),
    });
  }
  return records;
}
