/**
 * The configuration reference, read from the zod schema itself: every key
 * with its type, default and bounds, and a line of meaning from the table
 * in reference-meanings.ts. docs/configuration.md holds the rendered table
 * between two markers; test/docs/configuration.test.ts fails when the
 * schema and the table, or the table and the document, disagree.
 *
 * Regenerate with `npx tsx src/config/reference.ts --write`.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { configSchema } from "./schema.js";
import { MEANINGS } from "./reference-meanings.js";

export interface ConfigKey {
  /** Dotted path; `[]` marks a list's items, `[adapter]` one variant of a list of alternatives. */
  key: string;
  type: string;
  /** The default as written in a file, "required", or "" (optional, no default). */
  default: string;
  bounds: string;
}

type Json = Record<string, unknown>;
// zod 4 keeps each schema's definition at `_zod.def`.
type Node = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

const defOf = (s: unknown) => (s as Node)._zod.def;

function jsonOf(s: Node): Json {
  return z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
}

function shownDefault(value: unknown): string {
  if (value === undefined) return "";
  if (Array.isArray(value))
    return value.length > 3 ? `${value.length} items` : JSON.stringify(value);
  if (typeof value === "object" && value !== null) return "";
  return JSON.stringify(value);
}

/** A duration's bounds, from the message the schema gives a value far out of range. */
function durationBounds(s: Node): string {
  const r = s.safeParse(1e12);
  const m = r.success ? null : /must be between (\S+) and (\S+)/.exec(r.error.issues[0]!.message);
  return m ? `${m[1]} to ${m[2]}` : "";
}

function boundsOf(j: Json): string {
  const lo = j.minimum ?? j.minItems ?? j.minLength;
  const hi = j.maximum ?? j.maxItems ?? j.maxLength;
  const unit = j.type === "array" ? " items" : j.type === "string" ? " chars" : "";
  if (lo !== undefined && hi !== undefined) return `${String(lo)} to ${String(hi)}${unit}`;
  if (lo !== undefined) return `at least ${String(lo)}${unit}`;
  if (hi !== undefined) return `at most ${String(hi)}${unit}`;
  return "";
}

function typeOf(j: Json): string {
  if (Array.isArray(j.enum))
    return (j.enum as unknown[]).map((e) => JSON.stringify(e)).join(" \\| ");
  if (j.const !== undefined) return JSON.stringify(j.const);
  if (Array.isArray(j.type)) return "duration";
  if (j.type === "array") return "list";
  if (j.type === "object") return "section";
  return String(j.type ?? "any");
}

/** The literal that tells a variant of a union of objects apart (e.g. `adapter`), if any. */
function discriminator(options: Node[]): string | undefined {
  const shapes = options.map(
    (o) => defOf(unwrap(o).node).shape as Record<string, Node> | undefined,
  );
  if (shapes.some((s) => s === undefined)) return undefined;
  return Object.keys(shapes[0]!).find((k) =>
    shapes.every((s) => s![k] !== undefined && defOf(s![k]).type === "literal"),
  );
}

/** Strips optional, default and prefault; says whether the key may be left out, and its default. */
function unwrap(s: Node): { node: Node; optional: boolean; dflt: unknown } {
  let node = s;
  let optional = false;
  let dflt: unknown;
  for (;;) {
    const d = defOf(node);
    if (d.type === "optional") optional = true;
    else if (d.type === "default" || d.type === "prefault") {
      optional = true;
      const v = d.defaultValue;
      dflt = typeof v === "function" ? (v as () => unknown)() : v;
    } else break;
    node = d.innerType as Node;
  }
  return { node, optional, dflt };
}

function walk(s: Node, key: string, out: ConfigKey[]): void {
  const { node, optional, dflt } = unwrap(s);
  const d = defOf(node);
  const j = jsonOf(node);
  const isDuration = Array.isArray(j.type);
  out.push({
    key,
    type: d.type === "union" && !isDuration ? unionType(d.options as Node[]) : typeOf(j),
    default: optional ? shownDefault(dflt) : "required",
    bounds: isDuration ? durationBounds(node) : boundsOf(j),
  });
  const inner = d.type === "pipe" ? defOf(d.in) : d;
  if (inner.type === "object") {
    for (const [k, v] of Object.entries(inner.shape as Record<string, Node>)) {
      walk(v, `${key}.${k}`, out);
    }
  } else if (inner.type === "array") {
    children(inner.element as Node, `${key}[]`, out);
  } else if (inner.type === "union" && !isDuration) {
    children(node, key, out);
  }
}

function unionType(options: Node[]): string {
  return options.map((o) => typeOf(jsonOf(unwrap(o).node))).join(" or ");
}

/** The keys inside a list item or a union's object variants. */
function children(s: Node, key: string, out: ConfigKey[]): void {
  const { node } = unwrap(s);
  const d = defOf(node);
  const inner = d.type === "pipe" ? defOf(d.in) : d;
  if (inner.type === "object") {
    for (const [k, v] of Object.entries(inner.shape as Record<string, Node>)) {
      walk(v, `${key}.${k}`, out);
    }
    return;
  }
  if (inner.type !== "union") return;
  const options = inner.options as Node[];
  const tag = discriminator(options);
  for (const o of options) {
    const shape = defOf(unwrap(o).node).shape as Record<string, Node> | undefined;
    if (shape === undefined) continue;
    const variant = tag ? String(defOf(shape[tag]!).values ?? "") : "";
    const base = tag ? `${key.replace(/\[\]$/, "")}[${variant}]` : key;
    for (const [k, v] of Object.entries(shape)) {
      if (k === tag) continue;
      walk(v, `${base}.${k}`, out);
    }
  }
}

/** Every key the configuration schema accepts, in the schema's order. */
export function configKeys(): ConfigKey[] {
  const out: ConfigKey[] = [];
  for (const [k, v] of Object.entries(defOf(configSchema).shape as Record<string, Node>)) {
    walk(v, k, out);
  }
  return out;
}

/** The meaning of a key: its exact entry, else the entry for any variant (`[]`). */
export function meaningOf(key: string): string | undefined {
  return MEANINGS[key] ?? MEANINGS[key.replace(/\[[a-z-]+\]/g, "[]")];
}

/** Keys with no meaning in the table, and table entries no key uses. */
export function referenceGaps(): { undescribed: string[]; unused: string[] } {
  const keys = configKeys().map((k) => k.key);
  const used = new Set(keys.flatMap((k) => [k, k.replace(/\[[a-z-]+\]/g, "[]")]));
  return {
    undescribed: keys.filter((k) => meaningOf(k) === undefined),
    unused: Object.keys(MEANINGS).filter((k) => !used.has(k)),
  };
}

export function configReferenceTable(): string {
  const rows = configKeys().map(
    (k) =>
      `| \`${k.key}\` | ${k.type} | ${k.default ? `\`${k.default}\``.replace("`required`", "required") : ""} | ${k.bounds} | ${meaningOf(k.key) ?? "**undescribed**"} |`,
  );
  return ["| key | type | default | bounds | meaning |", "|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}

export const BEGIN = "<!-- BEGIN generated by src/config/reference.ts -->";
export const END = "<!-- END generated -->";

/** The document with the text between the markers replaced by `table`. */
export function withTable(doc: string, table: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error("the document lacks the generated-table markers");
  return `${doc.slice(0, a + BEGIN.length)}\n\n${table}\n\n${doc.slice(b)}`;
}

if (process.argv[1]?.endsWith("reference.ts") && process.argv.includes("--write")) {
  const file = "docs/configuration.md";
  writeFileSync(file, withTable(readFileSync(file, "utf8"), configReferenceTable()));
  console.log(`wrote ${file}`);
}
