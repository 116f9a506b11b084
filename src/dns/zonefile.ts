/**
 * Zone files (master files, RFC 1035 §5) to resource records and back.
 *
 * Reading follows RFC 1035 §5.1 with the usual additions: $ORIGIN, $TTL
 * (RFC 2308 §4), TTLs with units as BIND writes them ("1h30m"), TTL and class
 * in either order or absent, a blank owner meaning the previous owner, "@"
 * for the origin, and the RFC 3597 generic forms `TYPEnnn`, `CLASSnnn` and
 * `\# <length> <hex>`. Owners and RDATA come out in uncompressed wire form,
 * case exactly as written.
 *
 * Bad input never throws from parseZone: the first error is returned with
 * its line. Limitations: $INCLUDE and $GENERATE are refused with an
 * "unsupported" error; a quoted string may not span lines.
 */
import type { Name } from "./name.js";
import { classFromText, classToText, RrClass, typeFromText, typeToText, type Rr } from "./rr.js";
import { ZoneLexer, type ZoneEntry } from "./zone-lexer.js";
import {
  nameText,
  parseDuration,
  WireBuilder,
  ZoneSyntaxError,
  type Token,
} from "./rdata-text-fields.js";
import { rdataFromTokens, rdataToText } from "./rdata-text.js";

export { ZoneSyntaxError };
export { rdataToText, genericRdataText } from "./rdata-text.js";

export interface ZoneOptions {
  /** Origin for relative names until a $ORIGIN says otherwise. */
  origin?: Name;
  /** TTL for records without one, as if the file began with $TTL. */
  defaultTtl?: number;
  /** File name to put in errors. */
  file?: string;
  /** Class for records before the first one that names a class (IN when absent). */
  defaultClass?: number;
}

export interface ZoneError {
  file?: string;
  line: number;
  message: string;
}

export type ZoneResult = { ok: true; records: Rr[] } | { ok: false; error: ZoneError };

const MAX_TTL = 0x7fffffff; // RFC 2181 §8: a TTL is at most 2^31 - 1

/** A TTL: decimal seconds, or numbers with units as BIND writes them ("1h30m"). */
export function parseTtl(text: string): number {
  const ttl = parseDuration(text, "TTL", 0xffffffff);
  if (ttl > MAX_TTL) {
    throw new ZoneSyntaxError(`TTL ${text} out of range (RFC 2181 §8: at most 2147483647)`);
  }
  return ttl;
}

function isDigit(text: string): boolean {
  const c = text.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

/** Reading state that carries from one entry to the next. */
class ZoneReader {
  readonly records: Rr[] = [];
  readonly out = new WireBuilder();
  origin: Name | undefined;
  ttlDirective: number | undefined;
  lastTtl: number | undefined;
  lastClass: number;
  lastOwner: Name | undefined;
  lastOwnerText = "";
  lastOwnerOrigin: Name | undefined;

  constructor(opts: ZoneOptions) {
    this.origin = opts.origin;
    this.ttlDirective = opts.defaultTtl;
    this.lastClass = opts.defaultClass ?? RrClass.IN;
  }

  entry(e: ZoneEntry): void {
    const t = e.tokens;
    const first = t[0]!;
    if (!e.blankOwner && !first.quoted && first.text.charCodeAt(0) === 0x24) {
      this.directive(first.text, t);
    } else {
      this.record(e);
    }
  }

  private directive(word: string, t: Token[]): void {
    const args = t.length - 1;
    switch (word.toUpperCase()) {
      case "$ORIGIN": {
        if (args !== 1) throw new ZoneSyntaxError("$ORIGIN takes exactly one name");
        this.out.reset();
        this.out.name(t[1]!.text, this.origin);
        this.origin = this.out.take();
        return;
      }
      case "$TTL":
        if (args !== 1) throw new ZoneSyntaxError("$TTL takes exactly one TTL");
        this.ttlDirective = parseTtl(t[1]!.text);
        return;
      case "$INCLUDE":
        throw new ZoneSyntaxError("$INCLUDE is unsupported: give the included file's text");
      case "$GENERATE":
        throw new ZoneSyntaxError("$GENERATE is unsupported");
      default:
        throw new ZoneSyntaxError(`unknown directive ${word}`);
    }
  }

  /** Type mnemonics seen so far; a zone file spells few of them, many times. */
  private readonly types = new Map<string, number | undefined>();

  private typeCode(text: string): number | undefined {
    let t = this.types.get(text);
    if (t === undefined && !this.types.has(text)) {
      t = typeFromText(text);
      this.types.set(text, t);
    }
    return t;
  }

  private owner(text: string): Name {
    if (text === this.lastOwnerText && this.origin === this.lastOwnerOrigin && this.lastOwner) {
      return this.lastOwner.slice();
    }
    this.out.reset();
    this.out.name(text, this.origin);
    const owner = this.out.take();
    this.lastOwnerText = text;
    this.lastOwnerOrigin = this.origin;
    return owner;
  }

  private record(e: ZoneEntry): void {
    const t = e.tokens;
    let k = 0;
    let owner: Name;
    if (e.blankOwner) {
      if (!this.lastOwner) {
        throw new ZoneSyntaxError("no owner: first record starts with white space");
      }
      owner = this.lastOwner.slice();
    } else {
      if (t[0]!.quoted) throw new ZoneSyntaxError("owner name must not be quoted");
      owner = this.owner(t[0]!.text);
      k = 1;
    }
    // RFC 1035 §5.1: TTL and class may come in either order, and either may be absent.
    let ttl: number | undefined;
    let cls: number | undefined;
    for (let n = 0; n < 2 && k < t.length && !t[k]!.quoted; n++, k++) {
      const w = t[k]!.text;
      if (ttl === undefined && isDigit(w)) {
        ttl = parseTtl(w);
        continue;
      }
      const c = cls === undefined ? (w === "IN" ? RrClass.IN : classFromText(w)) : undefined;
      if (c === undefined) break;
      cls = c;
    }
    const typeToken = t[k++];
    if (!typeToken) throw new ZoneSyntaxError("missing RR type");
    const type = typeToken.quoted ? undefined : this.typeCode(typeToken.text);
    if (type === undefined) throw new ZoneSyntaxError(`unknown RR type "${typeToken.text}"`);
    if (ttl !== undefined) this.lastTtl = ttl;
    else ttl = this.ttlDirective ?? this.lastTtl;
    if (ttl === undefined) {
      throw new ZoneSyntaxError("no TTL: the record has none and no $TTL came before it");
    }
    if (cls !== undefined) this.lastClass = cls;
    this.out.reset();
    rdataFromTokens(type, t, k, this.out, this.origin, this.lastClass);
    this.lastOwner = owner;
    this.records.push({ owner, type, class: this.lastClass, ttl, rdata: this.out.take() });
  }
}

/** Reads a whole zone file. */
export function parseZone(text: string, opts: ZoneOptions = {}): ZoneResult {
  const lexer = new ZoneLexer(text);
  const reader = new ZoneReader(opts);
  let line = 1;
  try {
    for (let e = lexer.next(); e; e = lexer.next()) {
      line = e.line;
      reader.entry(e);
    }
  } catch (err) {
    if (!(err instanceof ZoneSyntaxError)) throw err;
    const error: ZoneError = { line: err.line ?? line, message: err.message };
    if (opts.file !== undefined) error.file = opts.file;
    return { ok: false, error };
  }
  return { ok: true, records: reader.records };
}

/** Reads exactly one record; throws ZoneSyntaxError. For tests and vector files. */
export function parseRecord(line: string, origin?: Name, defaultTtl?: number): Rr {
  const opts: ZoneOptions = {};
  if (origin) opts.origin = origin;
  if (defaultTtl !== undefined) opts.defaultTtl = defaultTtl;
  const res = parseZone(line, opts);
  if (!res.ok) throw new ZoneSyntaxError(res.error.message, res.error.line);
  if (res.records.length !== 1) {
    throw new ZoneSyntaxError(`expected one record, found ${res.records.length}`, 1);
  }
  return res.records[0]!;
}

/** A record in presentation format: owner, TTL, class, type and RDATA, separated by tabs. */
export function rrToText(rr: Rr): string {
  const rdata = rdataToText(rr.type, rr.rdata, rr.class);
  const cls = rr.class === RrClass.IN ? "IN" : classToText(rr.class);
  return `${nameText(rr.owner)}\t${rr.ttl}\t${cls}\t${typeToText(rr.type)}\t${rdata}`;
}
