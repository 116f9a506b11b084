/**
 * Keeping credentials out of logs. Adapters hold PEM keys and certificates
 * once read; rndc and rec_control may echo a key file's line in an error.
 * Anything logged about a resolver goes through `redact` first.
 */

export const REDACTED = "[redacted]";

/** Keys whose values are credentials, whatever they hold. */
const SECRET_KEY = /^(?:secret|password|passphrase|token|apiKey|clientKey|privateKey|key)$/i;

/** Text forms of secrets: PEM blocks, and a BIND key clause's `secret "..."`. */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const BIND_SECRET = /(secret\s+)"[^"]*"/gi;

/** The text with PEM blocks and key-clause secrets replaced. */
export function redactText(text: string): string {
  return text.replace(PEM_BLOCK, REDACTED).replace(BIND_SECRET, `$1"${REDACTED}"`);
}

/**
 * A copy of `value` fit for a log line: credential-named keys replaced,
 * strings scrubbed with redactText. Cycles are cut.
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[cycle]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined ? REDACTED : redact(v, seen);
  }
  return out;
}
