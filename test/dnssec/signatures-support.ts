/**
 * Helpers shared by the signature tests: fixture loading and one-line
 * records in presentation format. Records are read with the project's zone
 * lexer and RDATA codecs (src/dns/zone-lexer.ts, src/dns/rdata-text.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseName, type Name } from "../../src/dns/name.js";
import { classFromText, RrClass, typeFromText, type Rr } from "../../src/dns/rr.js";
import { rdataFromTokens } from "../../src/dns/rdata-text.js";
import { WireBuilder } from "../../src/dns/rdata-text-fields.js";
import { ZoneLexer } from "../../src/dns/zone-lexer.js";

export function fixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), "utf8");
}

/**
 * Reads records in presentation format, one per entry: owner, optional TTL
 * and class in either order, type, RDATA. A missing TTL is 3600.
 */
export function records(text: string, origin?: Name): Rr[] {
  const lexer = new ZoneLexer(text);
  const out: Rr[] = [];
  for (let entry = lexer.next(); entry; entry = lexer.next()) {
    const t = entry.tokens;
    const owner = parseName(t[0]!.text, origin);
    let i = 1;
    let ttl = 3600;
    let cls: number = RrClass.IN;
    for (; i < t.length; i++) {
      const text = t[i]!.text;
      if (/^[0-9]+$/.test(text)) ttl = Number(text);
      else if (classFromText(text) !== undefined && typeFromText(text) === undefined) {
        cls = classFromText(text)!;
      } else break;
    }
    const type = typeFromText(t[i]!.text);
    if (type === undefined) throw new Error(`unknown type in line ${entry.line}: ${t[i]!.text}`);
    const builder = new WireBuilder();
    rdataFromTokens(type, t, i + 1, builder, origin);
    out.push({ owner, type, class: cls, ttl, rdata: builder.buf.slice(0, builder.length) });
  }
  return out;
}

export function record(line: string, origin?: Name): Rr {
  const all = records(line, origin);
  if (all.length !== 1) throw new Error(`expected one record in "${line}"`);
  return all[0]!;
}

/** Seconds since the epoch of a YYYYMMDDHHmmSS time (UTC). */
export function timeOf(text: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(text);
  if (!m) throw new Error(`bad time ${text}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** One CASE of a shared-data vectors file (test/fixtures/vectors/*.vectors.txt). */
export interface VectorCase {
  name: string;
  /** Text after the name on the CASE line. */
  tail: string;
  /** `key: value` lines; an indented line right after one continues its value. */
  fields: Map<string, string>;
  /** `key:` lines with nothing after the colon, then their indented lines. */
  sections: Map<string, string[]>;
  /** Unindented lines that are neither comments nor `key:` lines. */
  lines: string[];
  comments: string[];
}

export function vectorCases(text: string): VectorCase[] {
  const cases: VectorCase[] = [];
  let current: VectorCase | undefined;
  let section: string[] | undefined;
  let lastField: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "") continue;
    const caseLine = /^CASE\s+(\S+)\s*(.*)$/.exec(raw);
    if (caseLine) {
      current = {
        name: caseLine[1]!,
        tail: caseLine[2]!,
        fields: new Map(),
        sections: new Map(),
        lines: [],
        comments: [],
      };
      cases.push(current);
      section = undefined;
      lastField = undefined;
      continue;
    }
    if (!current) continue;
    if (raw.startsWith("#")) {
      current.comments.push(raw.slice(1).trim());
      continue;
    }
    if (/^\s/.test(raw)) {
      if (section) section.push(raw.trim());
      else if (lastField)
        current.fields.set(lastField, `${current.fields.get(lastField)} ${raw.trim()}`);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9 /()_-]*?):\s*(.*)$/.exec(raw);
    if (kv && kv[2] === "") {
      section = [];
      current.sections.set(kv[1]!, section);
      lastField = undefined;
    } else if (kv) {
      current.fields.set(kv[1]!, kv[2]!);
      section = undefined;
      lastField = kv[1]!;
    } else {
      current.lines.push(raw);
      section = undefined;
      lastField = undefined;
    }
  }
  return cases;
}
