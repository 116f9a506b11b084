/**
 * Secrets named by the configuration (API tokens, a peer's token): read from
 * a file relative to the configuration file, or from an environment
 * variable. The value is never logged; errors name where it was looked for.
 */

import { readFileSync } from "node:fs";
import path from "node:path";

export interface SecretRef {
  file?: string | undefined;
  env?: string | undefined;
}

/** Tokens shorter than this are guessable; refuse them at start. */
export const MIN_SECRET_LENGTH = 16;

export function readSecret(
  ref: SecretRef,
  configDir: string,
  env: Record<string, string | undefined>,
): { ok: true; value: string } | { ok: false; error: string } {
  let value: string;
  let where: string;
  if (ref.file !== undefined) {
    where = path.resolve(configDir, ref.file);
    try {
      value = readFileSync(where, "utf8").trim();
    } catch (e) {
      return { ok: false, error: `${where}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}` };
    }
  } else if (ref.env !== undefined) {
    where = `environment variable ${ref.env}`;
    const v = env[ref.env];
    if (v === undefined) return { ok: false, error: `${where} is not set` };
    value = v.trim();
  } else {
    return { ok: false, error: "neither a file nor an environment variable given" };
  }
  if (value.length < MIN_SECRET_LENGTH) {
    return { ok: false, error: `${where}: shorter than ${MIN_SECRET_LENGTH} characters` };
  }
  return { ok: true, value };
}
