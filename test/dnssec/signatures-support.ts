/**
 * Helpers shared by the signature tests: fixture loading and one-line
 * records in presentation format, read with the project's zone-file reader.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Name } from "../../src/dns/name.js";
import type { Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";

export function fixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), "utf8");
}

/** Reads records in presentation format (src/dns/zonefile.ts); a missing TTL is 3600. */
export function records(text: string, origin?: Name): Rr[] {
  const res = parseZone(text, { ...(origin && { origin }), defaultTtl: 3600 });
  if (!res.ok) throw new Error(`line ${res.error.line}: ${res.error.message}`);
  return res.records;
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
