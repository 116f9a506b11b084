/**
 * Reader for the replay scenario format shared by Unbound's testbound and
 * Deckard (".rpl"): a CONFIG block of `key: value` lines ending at
 * CONFIG_END, then SCENARIO_BEGIN with RANGE blocks (the simulated network)
 * and STEP blocks (queries sent to the resolver and the answers expected),
 * then SCENARIO_END. Unbound's unit test data uses the same ENTRY blocks
 * bare, without a scenario around them; `parseEntries` reads those.
 *
 * Records in the sections are kept as their text lines; `entryRecords`
 * turns them into wire-form records on demand, so a reader of the
 * structure alone does not need the zone-file parser.
 *
 * Limitations: `$ORIGIN`/`$TTL` directives are not read (no scenario in
 * the shared set uses them) and are reported as an error.
 */
import { parseName, type Name } from "../../src/dns/name.js";
import { classFromText, RrClass, typeFromText } from "../../src/dns/rr.js";

export class RplSyntaxError extends Error {
  override name = "RplSyntaxError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export type SectionName = "question" | "answer" | "authority" | "additional";

export interface RplQuestion {
  name: Name;
  class: number;
  type: number;
}

/** One record line of a section, as written (comment removed). */
export interface RplRecordLine {
  text: string;
  line: number;
}

/** DNS header flags plus DO, as the REPLY keyword lists them. */
export interface RplFlags {
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** The EDNS DO bit (RFC 3225). */
  do: boolean;
}

export interface RplEntry {
  /** Line of ENTRY_BEGIN. */
  line: number;
  /** MATCH elements, lowercased ("opcode", "qname", "subdomain", "all", ...). */
  match: Set<string>;
  /** ADJUST elements, lowercased ("copy_id", "copy_query", "do_not_answer", ...). */
  adjust: Set<string>;
  opcode: number;
  /** RCODE given by REPLY, NOERROR when absent (may exceed 15: extended RCODE). */
  rcode: number;
  flags: RplFlags;
  question: RplQuestion[];
  answer: RplRecordLine[];
  authority: RplRecordLine[];
  additional: RplRecordLine[];
  /** Bytes of a RAW section, when present. */
  raw?: Uint8Array;
  /** Keywords seen in the entry that this reader keeps but does not interpret (MANDATORY, TSIG, ...). */
  other: string[];
}

export interface RplRange {
  /** Step ids, inclusive, during which this range answers. */
  start: number;
  end: number;
  /** Addresses the range simulates, as written. */
  addresses: string[];
  entries: RplEntry[];
  line: number;
}

export type RplStepKind =
  "QUERY" | "CHECK_ANSWER" | "TIME_PASSES" | "REPLY" | "CHECK_OUT_QUERY" | "TRAFFIC";

export interface RplStep {
  id: number;
  kind: RplStepKind;
  /** Seconds for TIME_PASSES ELAPSE. */
  elapse?: number;
  entry?: RplEntry;
  line: number;
}

export interface RplConfig {
  /** Every `key: value` line in order, value unquoted and without comment. */
  items: { key: string; value: string; line: number }[];
  /** `trust-anchor:` values: one record line each (DS or DNSKEY). */
  trustAnchors: string[];
  /** The validation time in seconds since the epoch, from val-override-date or -timestamp. */
  now?: number;
  /** `stub-addr:` values. */
  stubAddrs: string[];
  /** `forward-addr:` values. */
  forwardAddrs: string[];
  /** `domain-insecure:` names, as written. */
  domainInsecure: string[];
  /** `query-minimization:`, when given. */
  queryMinimization?: boolean;
}

export interface RplScenario {
  config: RplConfig;
  title: string;
  ranges: RplRange[];
  steps: RplStep[];
}

const OPCODES: Record<string, number> = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 };

/** RCODE mnemonics (RFC 1035 §4.1.1, RFC 2136, RFC 6891). */
const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  NOTIMPL: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
};

const FLAG_KEYS = ["QR", "AA", "TC", "RD", "RA", "AD", "CD", "DO"] as const;

/** Removes a `;` comment, leaving semicolons inside double quotes alone. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) return line.slice(0, i);
  }
  return line;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** YYYYMMDDHHMMSS in UTC to seconds since the epoch. */
export function parseOverrideDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new Error(`date "${text}" is not YYYYMMDDHHMMSS`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

function emptyFlags(): RplFlags {
  return { qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, do: false };
}

/**
 * A question line: owner, then the type, with the class before or after it
 * ("example. IN A", "example. A", "example. A IN"). ANY is both a class and
 * a type mnemonic (RFC 1035 §3.2.5, RFC 6895 §3.3): a lone ANY, or ANY
 * beside a class, is the type.
 */
function parseQuestion(text: string, line: number): RplQuestion {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const [owner, ...rest] = tokens;
  if (owner === undefined) throw new RplSyntaxError("empty question", line);
  if (rest.length === 0) throw new RplSyntaxError(`question "${text}" has no type`, line);
  if (rest.length > 2) throw new RplSyntaxError(`question "${text}" has too many fields`, line);
  const [first, second] = rest as [string, string | undefined];
  let cls: number | undefined = RrClass.IN;
  let typeText = first;
  if (second !== undefined) {
    // The class is whichever field is one and leaves the other to be a type.
    const classFirst = classFromText(first) !== undefined && typeFromText(second) !== undefined;
    cls = classFromText(classFirst ? first : second);
    typeText = classFirst ? second : first;
    if (cls === undefined) throw new RplSyntaxError(`no class in question "${text}"`, line);
  }
  const type = typeFromText(typeText);
  if (type === undefined) throw new RplSyntaxError(`unknown type "${typeText}" in question`, line);
  // A question name written without a trailing dot is taken as absolute.
  return { name: parseName(owner.endsWith(".") ? owner : owner + "."), class: cls, type };
}

/** Open parentheses minus closed ones, outside double quotes. */
function parenDepth(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
  }
  return depth;
}

/** The record on one line: grouping parentheses outside quotes become spaces. */
function withoutParens(text: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      out += c + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    out += !quoted && (c === "(" || c === ")") ? " " : c;
  }
  return out.replace(/\s+/g, " ").trim();
}

function hexBytes(text: string, line: number): Uint8Array {
  const hex = text.replace(/\s+/g, "");
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RplSyntaxError("RAW data is not hexadecimal", line);
  }
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

interface Line {
  text: string;
  no: number;
}

/** Reads one ENTRY_BEGIN ... ENTRY_END block; `lines[at]` is ENTRY_BEGIN. Returns the entry and the index after ENTRY_END. */
function readEntry(lines: Line[], at: number): [RplEntry, number] {
  const entry: RplEntry = {
    line: lines[at]!.no,
    match: new Set(),
    adjust: new Set(),
    opcode: 0,
    rcode: 0,
    flags: emptyFlags(),
    question: [],
    answer: [],
    authority: [],
    additional: [],
    other: [],
  };
  let section: SectionName | "raw" | undefined;
  let rawHex = "";
  let rawLine = 0;
  for (let i = at + 1; i < lines.length; i++) {
    const { text, no } = lines[i]!;
    const tokens = text.split(/\s+/);
    const keyword = tokens[0]!;
    const args = tokens.slice(1);
    switch (keyword) {
      case "ENTRY_END":
        if (section === "raw") entry.raw = hexBytes(rawHex, rawLine);
        return [entry, i + 1];
      case "MATCH":
        for (const a of args) entry.match.add(a.toLowerCase());
        continue;
      case "ADJUST":
        for (const a of args) entry.adjust.add(a.toLowerCase());
        continue;
      case "REPLY":
      case "FLAGS":
        for (const a of args) {
          const up = a.toUpperCase();
          if (up in OPCODES) entry.opcode = OPCODES[up]!;
          else if (up in RCODES) entry.rcode = RCODES[up]!;
          else if ((FLAG_KEYS as readonly string[]).includes(up)) {
            entry.flags[up.toLowerCase() as keyof RplFlags] = true;
          } else throw new RplSyntaxError(`unknown REPLY element "${a}"`, no);
        }
        continue;
      case "SECTION": {
        const name = (args[0] ?? "").toLowerCase();
        if (!["question", "answer", "authority", "additional"].includes(name)) {
          throw new RplSyntaxError(`unknown section "${args[0] ?? ""}"`, no);
        }
        section = name as SectionName;
        continue;
      }
      case "RAW":
        section = "raw";
        rawLine = no;
        continue;
      case "ENTRY_BEGIN":
      case "RANGE_END":
      case "SCENARIO_END":
        throw new RplSyntaxError(`${keyword} inside an entry`, no);
    }
    if (section === undefined) {
      entry.other.push(text);
    } else if (section === "raw") {
      rawHex += text;
    } else if (section === "question") {
      entry.question.push(parseQuestion(text, no));
    } else {
      if (text.startsWith("$")) throw new RplSyntaxError(`unsupported directive "${text}"`, no);
      // A record may be continued over several lines inside parentheses.
      let joined = text;
      while (parenDepth(joined) > 0 && i + 1 < lines.length) joined += " " + lines[++i]!.text;
      if (parenDepth(joined) !== 0) throw new RplSyntaxError("unbalanced parentheses", no);
      entry[section].push({ text: withoutParens(joined), line: no });
    }
  }
  throw new RplSyntaxError("ENTRY_BEGIN without ENTRY_END", lines[at]!.no);
}

function significantLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ text: stripComment(raw).trim(), no: i + 1 }))
    .filter((l) => l.text.length > 0);
}

/** Reads a text made only of ENTRY blocks (Unbound's unit test data files). */
export function parseEntries(text: string): RplEntry[] {
  const lines = significantLines(text);
  const entries: RplEntry[] = [];
  let i = 0;
  while (i < lines.length) {
    const { text: t, no } = lines[i]!;
    if (t !== "ENTRY_BEGIN") throw new RplSyntaxError(`expected ENTRY_BEGIN, found "${t}"`, no);
    const [entry, next] = readEntry(lines, i);
    entries.push(entry);
    i = next;
  }
  return entries;
}

function readConfig(lines: Line[]): [RplConfig, number] {
  const config: RplConfig = {
    items: [],
    trustAnchors: [],
    stubAddrs: [],
    forwardAddrs: [],
    domainInsecure: [],
  };
  for (let i = 0; i < lines.length; i++) {
    const { text, no } = lines[i]!;
    if (text === "CONFIG_END") return [config, i + 1];
    const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(text);
    if (!m) continue; // a section header such as "server:" has no value; other lines carry none
    const key = m[1]!.toLowerCase();
    // A quoted value ends at its closing quote; an unquoted one at a "#" comment.
    const raw = m[2]!;
    const value = raw.startsWith('"')
      ? unquote(raw.slice(0, raw.indexOf('"', 1) + 1))
      : raw.replace(/#.*$/, "").trim();
    config.items.push({ key, value, line: no });
    switch (key) {
      case "trust-anchor":
        config.trustAnchors.push(value);
        break;
      case "val-override-date":
        config.now = parseOverrideDate(value);
        break;
      case "val-override-timestamp":
        config.now = Number(value);
        break;
      case "stub-addr":
        config.stubAddrs.push(value);
        break;
      case "forward-addr":
        config.forwardAddrs.push(value);
        break;
      case "domain-insecure":
        config.domainInsecure.push(value);
        break;
      case "query-minimization":
        config.queryMinimization = value === "on" || value === "yes";
        break;
    }
  }
  throw new RplSyntaxError("no CONFIG_END", lines.at(-1)?.no ?? 0);
}

const STEP_KINDS = new Set<string>([
  "QUERY",
  "CHECK_ANSWER",
  "TIME_PASSES",
  "REPLY",
  "CHECK_OUT_QUERY",
  "TRAFFIC",
]);

/** Reads a whole scenario. */
export function parseScenario(text: string): RplScenario {
  // Config lines may carry "#" comments; a ";" comment is removed everywhere.
  const lines = significantLines(text);
  const [config, afterConfig] = readConfig(lines);
  const ranges: RplRange[] = [];
  const steps: RplStep[] = [];
  let title = "";
  let i = afterConfig;
  const begin = lines[i];
  if (!begin || !begin.text.startsWith("SCENARIO_BEGIN")) {
    throw new RplSyntaxError("expected SCENARIO_BEGIN", begin?.no ?? 0);
  }
  title = begin.text.slice("SCENARIO_BEGIN".length).trim();
  i++;
  let range: RplRange | undefined;
  let step: RplStep | undefined;
  for (; i < lines.length; i++) {
    const { text: t, no } = lines[i]!;
    const tokens = t.split(/\s+/);
    const keyword = tokens[0]!;
    if (keyword === "SCENARIO_END") {
      return { config, title, ranges, steps };
    } else if (keyword === "RANGE_BEGIN") {
      step = undefined;
      range = {
        start: Number(tokens[1]),
        end: Number(tokens[2]),
        addresses: [],
        entries: [],
        line: no,
      };
      if (!Number.isInteger(range.start) || !Number.isInteger(range.end)) {
        throw new RplSyntaxError("RANGE_BEGIN needs two step numbers", no);
      }
    } else if (keyword === "RANGE_END") {
      if (!range) throw new RplSyntaxError("RANGE_END without RANGE_BEGIN", no);
      ranges.push(range);
      range = undefined;
    } else if (keyword === "ADDRESS") {
      if (!range) throw new RplSyntaxError("ADDRESS outside a range", no);
      range.addresses.push(tokens[1] ?? "");
    } else if (keyword === "STEP") {
      const kind = tokens[2] ?? "";
      if (!STEP_KINDS.has(kind)) throw new RplSyntaxError(`unknown step type "${kind}"`, no);
      step = { id: Number(tokens[1]), kind: kind as RplStepKind, line: no };
      if (kind === "TIME_PASSES") step.elapse = Number(tokens[4]);
      steps.push(step);
    } else if (keyword === "ENTRY_BEGIN") {
      const [entry, next] = readEntry(lines, i);
      if (range) range.entries.push(entry);
      else if (step && !step.entry) step.entry = entry;
      else throw new RplSyntaxError("ENTRY outside a range or step", no);
      i = next - 1;
    } else {
      throw new RplSyntaxError(`unexpected "${t}"`, no);
    }
  }
  throw new RplSyntaxError("no SCENARIO_END", lines.at(-1)?.no ?? 0);
}
