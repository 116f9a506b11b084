/**
 * Trust anchors written as BIND configuration clauses:
 *
 *     trust-anchors { "." initial-key 257 3 8 "AwEAAa...";
 *                     . static-ds 20326 8 2 "E06D44B8..."; };
 *     managed-keys  { . initial-key 257 3 8 "AwEAAa..."; };
 *     trusted-keys  { . 257 3 8 "AwEAAa..."; };
 *
 * Key data are base64 and digests hexadecimal, both may be split by white
 * space. Comments are `//`, `#` and `/* ... *\/`. Anything else in the file
 * is an error naming its line.
 *
 * Limitations: `initial-key` and `initial-ds` are trusted as they stand: the
 * RFC 5011 rollover state BIND keeps beside them is not read.
 */
import { parseName, NameSyntaxError } from "../dns/name.js";
import { RrClass, RrType, type Rr } from "../dns/rr.js";
import { anchorFromRecord, dsRdata, TrustAnchorSet, type AnchorParseResult } from "./anchors.js";

interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

class BindSyntaxError extends Error {
  constructor(
    message: string,
    public line: number,
  ) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new BindSyntaxError("comment not closed", line);
      for (let k = i; k < end; k++) if (text[k] === "\n") line++;
      i = end + 2;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push({ text: c, quoted: false, line });
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new BindSyntaxError("quoted string not closed", line);
      const body = text.slice(i + 1, end);
      tokens.push({ text: body, quoted: true, line });
      line += body.split("\n").length - 1;
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"#]/.test(text[j]!)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false, line });
      i = j;
    }
  }
  return tokens;
}

const KINDS = new Set(["initial-key", "static-key", "initial-ds", "static-ds"]);

function number(tok: Token | undefined, what: string, max: number, line: number): number {
  if (!tok || tok.quoted || !/^[0-9]{1,5}$/.test(tok.text) || Number(tok.text) > max) {
    throw new BindSyntaxError(`${what} must be a number 0..${max}`, tok?.line ?? line);
  }
  return Number(tok.text);
}

/** One `name [kind] n n n "data";` entry, as a DS or DNSKEY record. */
function entry(tokens: Token[], at: number, clause: string): { record: Rr; next: number } {
  const nameTok = tokens[at]!;
  let owner;
  try {
    owner = parseName(nameTok.text.endsWith(".") ? nameTok.text : `${nameTok.text}.`);
  } catch (e) {
    if (e instanceof NameSyntaxError) throw new BindSyntaxError(e.message, nameTok.line);
    throw e;
  }
  let i = at + 1;
  let kind = "static-key";
  if (clause !== "trusted-keys") {
    const k = tokens[i];
    if (!k || !KINDS.has(k.text)) {
      throw new BindSyntaxError(
        `expected initial-key, static-key, initial-ds or static-ds after "${nameTok.text}"`,
        k?.line ?? nameTok.line,
      );
    }
    if (clause === "managed-keys" && k.text !== "initial-key") {
      throw new BindSyntaxError("managed-keys only holds initial-key entries", k.line);
    }
    kind = k.text;
    i++;
  }
  const line = nameTok.line;
  const isDs = kind.endsWith("-ds");
  const a = number(tokens[i], isDs ? "key tag" : "flags", 0xffff, line);
  const b = number(tokens[i + 1], isDs ? "algorithm" : "protocol", 0xff, line);
  const c = number(tokens[i + 2], isDs ? "digest type" : "algorithm", 0xff, line);
  const data = tokens[i + 3];
  if (!data || data.text === ";") {
    throw new BindSyntaxError(isDs ? "digest missing" : "key data missing", data?.line ?? line);
  }
  const compact = data.text.replace(/\s+/g, "");
  let rdata: Uint8Array;
  if (isDs) {
    if (!/^([0-9a-fA-F]{2})+$/.test(compact)) {
      throw new BindSyntaxError("digest is not hexadecimal", data.line);
    }
    rdata = dsRdata(a, b, c, compact);
  } else {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      throw new BindSyntaxError("key data is not base64", data.line);
    }
    const key = Buffer.from(compact, "base64");
    rdata = new Uint8Array(4 + key.length);
    rdata[0] = a >> 8;
    rdata[1] = a & 0xff;
    rdata[2] = b;
    rdata[3] = c;
    rdata.set(key, 4);
  }
  if (tokens[i + 4]?.text !== ";") {
    throw new BindSyntaxError('expected ";" after the entry', tokens[i + 4]?.line ?? data.line);
  }
  const type = isDs ? RrType.DS : RrType.DNSKEY;
  return { record: { owner, type, class: RrClass.IN, ttl: 0, rdata }, next: i + 5 };
}

function parse(text: string, file: string): TrustAnchorSet {
  const tokens = tokenize(text);
  const set = new TrustAnchorSet();
  let i = 0;
  while (i < tokens.length) {
    const clause = tokens[i]!;
    if (!["trust-anchors", "managed-keys", "trusted-keys"].includes(clause.text)) {
      throw new BindSyntaxError(`unexpected "${clause.text}"`, clause.line);
    }
    if (tokens[i + 1]?.text !== "{") {
      throw new BindSyntaxError(`expected "{" after ${clause.text}`, clause.line);
    }
    i += 2;
    while (tokens[i] && tokens[i]!.text !== "}") {
      const line = tokens[i]!.line;
      const { record, next } = entry(tokens, i, clause.text);
      const anchor = anchorFromRecord(record, `${file}:${line}`);
      if (!anchor) throw new BindSyntaxError("malformed key", line);
      set.add(anchor);
      i = next;
    }
    if (!tokens[i]) throw new BindSyntaxError(`${clause.text} clause not closed`, clause.line);
    if (tokens[i + 1]?.text !== ";") {
      throw new BindSyntaxError('expected ";" after "}"', tokens[i]!.line);
    }
    i += 2;
  }
  if (set.size === 0) throw new BindSyntaxError("no trust anchor found", 1);
  return set;
}

export function parseBindTrustAnchors(text: string, options: { file: string }): AnchorParseResult {
  try {
    return { ok: true, anchors: parse(text, options.file) };
  } catch (e) {
    if (e instanceof BindSyntaxError) {
      return { ok: false, error: { file: options.file, line: e.line, message: e.message } };
    }
    throw e;
  }
}
