/**
 * What every resolver adapter offers: list, add and remove Negative Trust
 * Anchors (RFC 7646) on one resolver, and flush what the resolver cached
 * under a zone. Everything the resolver or the path to it does wrong comes
 * back as a value carrying the resolver's own message; adapters throw only
 * on programmer misuse.
 */
import { NameSyntaxError, lowerName, nameToText, parseName } from "../dns/name.js";

/**
 * timeout: no complete answer in time; refused: nothing listens on the
 * socket or port; unreachable: any other connection failure; rejected: the
 * resolver answered with an error (its message is kept); bad-reply: an
 * answer we cannot read; unsupported: the adapter or the zone cannot do
 * this; credentials: a key or certificate could not be read.
 */
export type AdapterErrorKind =
  "timeout" | "refused" | "unreachable" | "rejected" | "bad-reply" | "unsupported" | "credentials";

export interface AdapterError {
  kind: AdapterErrorKind;
  /** What failed, with the resolver's own words where it gave any. */
  message: string;
}

export type Result<T = void> = { ok: true; value: T } | { ok: false; error: AdapterError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const done: Result = { ok: true, value: undefined };
export const fail = (
  kind: AdapterErrorKind,
  message: string,
): { ok: false; error: AdapterError } => ({
  ok: false,
  error: { kind, message },
});

/** One NTA as a resolver reports it. */
export interface NtaEntry {
  /** Lowercase presentation form with the trailing dot. */
  zone: string;
  /** The name as the resolver printed it. */
  raw: string;
  /** When the resolver drops it by itself (BIND only), ms since the epoch. */
  expiresAt?: number;
  /** BIND lists NTAs past their lifetime until it purges them. */
  expired?: boolean;
  /** The reason the resolver keeps with it (PowerDNS Recursor only). */
  reason?: string;
  /** BIND view. */
  view?: string;
  /** Set by an adapter of several processes when only some of them hold it. */
  partial?: boolean;
}

export interface AddOptions {
  /** How long the NTA is to last from now; resolvers with no lifetime ignore it. */
  lifetimeSeconds: number;
  /** Kept by resolvers that store one (PowerDNS Recursor); one line. */
  reason: string;
}

export type AdapterKind = "unbound" | "bind" | "knot-resolver" | "pdns-recursor";

export interface ResolverAdapter {
  readonly name: string;
  readonly kind: AdapterKind;
  list(): Promise<Result<NtaEntry[]>>;
  /** Adds or refreshes the NTA, then flushes the zone (RFC 7646 §2: answers cached as bogus must go). */
  add(zone: string, options: AddOptions): Promise<Result>;
  /** Removes the NTA if present (absent is success), then flushes the zone. */
  remove(zone: string): Promise<Result>;
  /** Drops what the resolver cached at and below the zone. */
  flush(zone: string): Promise<Result>;
}

/**
 * Characters a zone may hold to be passed to a resolver's control channel:
 * letters, digits, hyphen, underscore, dots. rndc splits its command on
 * spaces, Lua and rec_control have their own quoting, so anything else is
 * refused rather than escaped four different ways.
 */
const CONTROL_SAFE = /^(?:[a-z0-9_-]+\.)+$/;

/**
 * The zone in lowercase presentation form with the trailing dot, or an
 * `unsupported` error when it is not a domain name or holds characters the
 * control channels cannot carry.
 */
export function controlZone(zone: string): Result<string> {
  let text: string;
  try {
    text = nameToText(lowerName(parseName(zone.endsWith(".") ? zone : `${zone}.`)));
  } catch (e) {
    if (!(e instanceof NameSyntaxError)) throw e;
    return fail("unsupported", `not a domain name: ${JSON.stringify(zone)}: ${e.message}`);
  }
  // RFC 7646 §1.1: an NTA covers a domain and everything below it; one at
  // the root would switch validation off altogether.
  if (text === ".") return fail("unsupported", "an NTA for the root would disable validation");
  if (!CONTROL_SAFE.test(text)) {
    return fail(
      "unsupported",
      `zone ${JSON.stringify(text)} has characters a resolver control channel cannot carry`,
    );
  }
  return ok(text);
}

/** A resolver's printed name as lowercase presentation form with the trailing dot. */
export function normalizeListed(raw: string): string {
  const trimmed = raw.trim();
  const lower = trimmed.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** The reason as one printable line of at most 200 characters. */
export function reasonLine(reason: string): string {
  const line = reason.replace(/[^\x20-\x7e]+/g, " ").trim();
  return line.length > 200 ? line.slice(0, 200) : line;
}

/** Maps a socket error (ECONNREFUSED, ENOENT, ...) to an adapter error. */
export function socketFailure(
  where: string,
  err: NodeJS.ErrnoException,
): { ok: false; error: AdapterError } {
  const code = err.code ?? "error";
  const kind: AdapterErrorKind =
    code === "ECONNREFUSED" || code === "ENOENT"
      ? "refused"
      : code === "ETIMEDOUT"
        ? "timeout"
        : "unreachable";
  return fail(kind, `${where}: ${code} ${err.message}`);
}
