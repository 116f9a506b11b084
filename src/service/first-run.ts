/**
 * What a first start needs on disk before the service opens anything: the
 * store's folder, and for each API token marked `generate` whose file does
 * not exist yet, a random token written there readable by the owner only.
 * Where a token was written is reported; the token itself never is.
 * A token read from an environment variable is never generated: an unset
 * variable stays a configuration error.
 */

import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ConfigError } from "../config/load.js";
import type { Config } from "../config/schema.js";

/** 32 random bytes: far above the shortest token accepted (secrets.ts). */
const TOKEN_BYTES = 32;

export interface GeneratedToken {
  name: string;
  role: string;
  file: string;
}

export type FirstRun =
  { ok: true; generated: GeneratedToken[] } | { ok: false; errors: ConfigError[] };

export function prepareFirstRun(config: Config, configDir: string): FirstRun {
  const errors: ConfigError[] = [];
  const store = path.resolve(configDir, config.store.path);
  try {
    mkdirSync(path.dirname(store), { recursive: true });
  } catch (e) {
    errors.push({ path: "store.path", message: `${path.dirname(store)}: ${code(e)}` });
  }
  const generated: GeneratedToken[] = [];
  config.api.tokens.forEach((t, i) => {
    if (!t.generate || t.file === undefined) return;
    const file = path.resolve(configDir, t.file);
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // "wx": never replace a token someone already holds.
      writeFileSync(file, `${randomBytes(TOKEN_BYTES).toString("base64url")}\n`, {
        flag: "wx",
        mode: 0o600,
      });
      generated.push({ name: t.name, role: t.role, file });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
      errors.push({ path: `api.tokens[${i}]`, message: `${file}: ${code(e)}` });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, generated };
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? "cannot be written";
}
