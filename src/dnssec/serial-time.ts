/**
 * RRSIG inception and expiration are 32-bit serial numbers of seconds since
 * 1970 (RFC 4034 §3.1.5), compared with RFC 1982 serial arithmetic so that
 * they keep working across 2038 (signed 32-bit overflow) and 2106 (unsigned
 * 32-bit wrap). The current time is always passed in, as seconds since the
 * epoch; it may be beyond 2^32.
 */

const MOD = 2 ** 32;
const HALF = 2 ** 31;

/**
 * RFC 1982 §3.2: -1 when `a` precedes `b`, 1 when it follows, 0 when equal,
 * and `undefined` when they are exactly 2^31 apart (the comparison is
 * undefined there).
 */
export function serialCompare(a: number, b: number): -1 | 0 | 1 | undefined {
  const d = (((a - b) % MOD) + MOD) % MOD;
  if (d === 0) return 0;
  if (d === HALF) return undefined;
  return d < HALF ? 1 : -1;
}

/**
 * The absolute time, in seconds since the epoch, nearest to `now` whose low
 * 32 bits equal `serial`: how a serial time is read relative to the present.
 */
export function serialToTime(serial: number, now: number): number {
  const n = Math.floor(now);
  const nowSerial = ((n % MOD) + MOD) % MOD;
  let diff = (serial >>> 0) - nowSerial;
  if (diff >= HALF) diff -= MOD;
  else if (diff < -HALF) diff += MOD;
  return n + diff;
}

export type WindowStatus = "valid" | "expired" | "not-yet-valid" | "inverted";

export interface SignatureWindow {
  status: WindowStatus;
  /** Inception and expiration as absolute seconds since the epoch, read relative to `now`. */
  inception: number;
  expiration: number;
}

/**
 * Checks `now` against an RRSIG validity window (RFC 4035 §5.3.1: inception
 * <= now <= expiration, both ends included), allowing `skewSeconds` of clock
 * difference on either side. A window whose expiration precedes its
 * inception is `inverted` whatever the time.
 */
export function checkSignatureWindow(
  inception: number,
  expiration: number,
  now: number,
  skewSeconds = 0,
): SignatureWindow {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite number, got ${now}`);
  if (!(skewSeconds >= 0)) throw new RangeError(`skew must be >= 0, got ${skewSeconds}`);
  const inc = serialToTime(inception, now);
  const exp = serialToTime(expiration, now);
  let status: WindowStatus = "valid";
  if (serialCompare(expiration, inception) === -1) status = "inverted";
  else if (now + skewSeconds < inc) status = "not-yet-valid";
  else if (now - skewSeconds > exp) status = "expired";
  return { status, inception: inc, expiration: exp };
}

/** Seconds since the epoch as an ISO 8601 UTC time without milliseconds. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}
