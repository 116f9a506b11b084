/**
 * Splits zone-file text into entries (RFC 1035 §5.1): one entry per line,
 * except that parentheses join lines; ";" starts a comment outside quoted
 * strings; a backslash escapes the next character everywhere. Tokens keep
 * their escapes, for the field that reads them to decode.
 */
import { ZoneSyntaxError, type Token } from "./rdata-text-fields.js";

export interface ZoneEntry {
  /** Line of the entry's first token, from 1. */
  line: number;
  tokens: Token[];
  /** The entry's line starts with white space: its owner is the previous one. */
  blankOwner: boolean;
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

export class ZoneLexer {
  private pos = 0;
  private line = 1;
  // Entries and tokens are reused from one call to the next: a zone of tens
  // of thousands of records then makes no garbage but the token strings.
  private readonly entry: ZoneEntry = { line: 0, tokens: [], blankOwner: false };
  private readonly pool: Token[] = [];

  constructor(private readonly text: string) {}

  private push(text: string, quoted: boolean): void {
    const tokens = this.entry.tokens;
    const t = this.pool[tokens.length];
    if (t) {
      t.text = text;
      t.quoted = quoted;
      tokens.push(t);
    } else {
      const fresh = { text, quoted };
      this.pool.push(fresh);
      tokens.push(fresh);
    }
  }

  /**
   * The next entry, or undefined at the end; throws ZoneSyntaxError with its
   * line. The entry returned is valid until the next call.
   */
  next(): ZoneEntry | undefined {
    const s = this.text;
    const n = s.length;
    let i = this.pos;
    let depth = 0;
    let openedOn = 0;
    const tokens = this.entry.tokens;
    tokens.length = 0;
    let entryLine = 0;
    let blankOwner = false;
    // Whether the current physical line began with white space.
    let leadingSpace = i < n && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB);
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === LF) {
        i++;
        this.line++;
        if (depth === 0 && tokens.length > 0) break;
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
        if (depth === 0) openedOn = this.line;
        depth++;
        i++;
        continue;
      }
      if (c === CLOSE) {
        if (depth === 0) throw new ZoneSyntaxError('")" without a matching "("', this.line);
        depth--;
        i++;
        continue;
      }
      if (tokens.length === 0) {
        entryLine = this.line;
        blankOwner = leadingSpace;
      }
      if (c === QUOTE) {
        const start = i + 1;
        i = start;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d === QUOTE) break;
          if (d === LF)
            throw new ZoneSyntaxError("quoted string not closed on its line", this.line);
          i += d === BACKSLASH ? 2 : 1;
        }
        if (i >= n) throw new ZoneSyntaxError("quoted string not closed", this.line);
        this.push(s.slice(start, i), true);
        i++;
        continue;
      }
      const start = i;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d === BACKSLASH) {
          if (i + 1 < n && s.charCodeAt(i + 1) === LF) {
            throw new ZoneSyntaxError("backslash at the end of a line", this.line);
          }
          i += 2;
          continue;
        }
        if (
          d === SPACE ||
          d === TAB ||
          d === LF ||
          d === CR ||
          d === SEMICOLON ||
          d === OPEN ||
          d === CLOSE ||
          d === QUOTE
        ) {
          break;
        }
        i++;
      }
      this.push(s.slice(start, Math.min(i, n)), false);
    }
    this.pos = i;
    if (depth > 0) {
      throw new ZoneSyntaxError(`"(" opened on line ${openedOn} is never closed`, openedOn);
    }
    if (tokens.length === 0) return undefined;
    this.entry.line = entryLine;
    this.entry.blankOwner = blankOwner;
    return this.entry;
  }
}
