/**
 * Loading the configuration: YAML text, environment variables substituted,
 * checked against the schema. Errors come back as values, each with the
 * path of the offending key (`vantages[1].address`) and a message; the
 * caller prints them with the file name.
 *
 * Environment variables: a string value may hold `${NAME}`, replaced by the
 * variable's value before validation (for addresses or file paths that
 * differ per host). Only whole `${NAME}` forms with letters, digits and
 * underscores are replaced; an unset variable is an error at its key;
 * `$${` writes a literal `${`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { parseTrustAnchors } from "../dnssec/anchor-file.js";
import { builtInRootAnchors, TrustAnchorSet } from "../dnssec/anchors.js";
import { configSchema, type Config } from "./schema.js";

export interface ConfigError {
  /** Key path in the file, e.g. `vantages[1].address`; empty for the whole file. */
  path: string;
  message: string;
}

export type ConfigResult =
  { ok: true; config: Config; file: string } | { ok: false; file: string; errors: ConfigError[] };

/** `["vantages", 1, "address"]` as `vantages[1].address`. */
export function formatPath(keys: readonly PropertyKey[]): string {
  let out = "";
  for (const k of keys) {
    if (typeof k === "number") out += `[${k}]`;
    else out += out === "" ? String(k) : `.${String(k)}`;
  }
  return out;
}

const VARIABLE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${NAME}` in every string of `value`; unset names are reported at their path. */
export function substituteEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  errors: ConfigError[],
  at: PropertyKey[] = [],
): unknown {
  if (typeof value === "string") {
    return value.replace(VARIABLE, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      const v = env[name];
      if (v === undefined) {
        errors.push({ path: formatPath(at), message: `environment variable ${name} is not set` });
        return whole;
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, errors, [...at, i]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, errors, [...at, k])]),
    );
  }
  return value;
}

/** Issues of zod as config errors; an unknown key is reported at its own path. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): ConfigError[] {
  const out: ConfigError[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key]), message: "unknown key" });
      }
    } else if (issue.code === "invalid_type" && issue.input === undefined) {
      out.push({ path: formatPath(issue.path), message: "required" });
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Checks already-parsed YAML (or JSON) data. */
export function parseConfig(
  data: unknown,
  options: { file?: string; env?: Record<string, string | undefined> } = {},
): ConfigResult {
  const file = options.file ?? "<config>";
  const errors: ConfigError[] = [];
  const substituted = substituteEnv(data ?? {}, options.env ?? {}, errors);
  if (errors.length > 0) return { ok: false, file, errors };
  const parsed = configSchema.safeParse(substituted);
  if (!parsed.success) return { ok: false, file, errors: issuesToErrors(parsed.error.issues) };
  return { ok: true, config: parsed.data, file };
}

/** Reads, substitutes and checks a configuration file. */
export async function loadConfig(
  file: string,
  options: { env?: Record<string, string | undefined> } = {},
): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    return { ok: false, file, errors: [{ path: "", message: (e as Error).message }] };
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      file,
      errors: doc.errors.map((e) => ({
        path: "",
        message: `YAML: ${e.message.split("\n")[0]}${e.linePos ? ` (line ${e.linePos[0].line})` : ""}`,
      })),
    };
  }
  return parseConfig(doc.toJS(), { file, env: options.env ?? process.env });
}

/** Errors as lines for people: `FILE: PATH: MESSAGE`. */
export function formatConfigErrors(result: { file: string; errors: ConfigError[] }): string {
  return result.errors
    .map((e) => `${result.file}: ${e.path === "" ? "" : `${e.path}: `}${e.message}`)
    .join("\n");
}

export type AnchorsResult =
  { ok: true; anchors: TrustAnchorSet } | { ok: false; errors: ConfigError[] };

/**
 * The trust anchors the configuration names, files read relative to the
 * configuration file's folder; the built-in root KSKs when it names none.
 */
export async function loadTrustAnchors(config: Config, configFile: string): Promise<AnchorsResult> {
  if (config.trustAnchors.length === 0) return { ok: true, anchors: builtInRootAnchors() };
  const set = new TrustAnchorSet();
  const errors: ConfigError[] = [];
  for (const [i, { file }] of config.trustAnchors.entries()) {
    const full = path.resolve(path.dirname(configFile), file);
    const at = `trustAnchors[${i}].file`;
    let text: string;
    try {
      text = await readFile(full, "utf8");
    } catch (e) {
      errors.push({ path: at, message: (e as Error).message });
      continue;
    }
    const parsed = parseTrustAnchors(text, { file: full });
    if (!parsed.ok) {
      const line = parsed.error.line !== undefined ? `:${parsed.error.line}` : "";
      errors.push({ path: at, message: `${parsed.error.file}${line}: ${parsed.error.message}` });
      continue;
    }
    for (const a of parsed.anchors.all()) set.add(a);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, anchors: set };
}
