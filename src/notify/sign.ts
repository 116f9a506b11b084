/**
 * The webhook signature: `X-NTA-Watch-Signature: t=<unix seconds>,v1=<hex>`
 * where the hex is HMAC-SHA256 (RFC 2104, FIPS 180-4) under the receiver's
 * secret over the bytes "<t>.<body>". The time is inside the signed bytes,
 * so a receiver that refuses old times refuses replays of captured
 * requests; `v1` names the scheme, so another can be added beside it.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-NTA-Watch-Signature";

/** How far a receiver should accept `t` from its own clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, t: number, body: string): string {
  return createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");
}

export function signatureHeader(secret: string, t: number, body: string): string {
  if (!Number.isInteger(t) || t < 0) throw new Error(`signature time must be whole seconds: ${t}`);
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

export type VerifyResult = { ok: true; t: number } | { ok: false; why: string };

/**
 * What a receiver does: parse the header, refuse a time outside the
 * tolerance (replay), compare the HMAC in constant time.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  now: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  if (!header) return { ok: false, why: "no signature header" };
  const parts = new Map<string, string[]>();
  for (const item of header.split(",")) {
    const i = item.indexOf("=");
    if (i <= 0) return { ok: false, why: "malformed signature header" };
    const k = item.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(i + 1).trim()]);
  }
  const ts = parts.get("t");
  if (!ts || ts.length !== 1 || !/^\d+$/.test(ts[0]!)) return { ok: false, why: "no time" };
  const t = Number(ts[0]);
  if (Math.abs(now - t) > toleranceSeconds) return { ok: false, why: "time outside tolerance" };
  const expected = Buffer.from(signatureOf(secret, t, body), "hex");
  for (const v of parts.get("v1") ?? []) {
    const got = Buffer.from(v, "hex");
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true, t };
  }
  return { ok: false, why: "signature does not match" };
}
