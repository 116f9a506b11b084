/**
 * A person's confirmation, recorded through the API: the zone, a reference
 * someone else can check (a URL, or quoted text such as a chat message),
 * the person (the API token's name) and the time. It may be given an
 * expiry shorter than the configured age limit.
 */

import type { Confirmation } from "../assess/types.js";

export const MAX_REFERENCE_LENGTH = 2000;

export interface ManualInput {
  zone: string;
  reference: string;
  author: string;
  now: number;
  /** Seconds from now; absent: the configured age limit applies alone. */
  expiresInSeconds?: number;
}

/** Is the reference a URL people can open? Text references are allowed too, and kept as written. */
export function isWebUrl(reference: string): boolean {
  try {
    const u = new URL(reference);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

export function manualConfirmation(
  input: ManualInput,
): { ok: true; confirmation: Confirmation } | { ok: false; error: string } {
  const reference = input.reference.trim();
  if (reference === "")
    return { ok: false, error: "a confirmation needs a reference (a URL or a quoted text)" };
  if (reference.length > MAX_REFERENCE_LENGTH) {
    return { ok: false, error: `reference longer than ${MAX_REFERENCE_LENGTH} characters` };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(reference) && !/\s/.test(reference) && !isWebUrl(reference)) {
    return { ok: false, error: `reference "${reference}" looks like a URL but is not http(s)` };
  }
  if (input.author.trim() === "") return { ok: false, error: "a confirmation needs an author" };
  const c: Confirmation = {
    zone: input.zone,
    source: "manual",
    author: input.author,
    reference,
    at: input.now,
  };
  if (input.expiresInSeconds !== undefined) {
    if (!Number.isInteger(input.expiresInSeconds) || input.expiresInSeconds <= 0) {
      return { ok: false, error: "expiresInSeconds must be a positive whole number" };
    }
    c.expiresAt = input.now + input.expiresInSeconds;
  }
  return { ok: true, confirmation: c };
}
