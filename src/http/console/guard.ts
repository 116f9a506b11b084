/**
 * What stands between a browser and the console's acts: the session
 * cookie (HttpOnly, SameSite=Strict, Secure over TLS), the Origin check and
 * the synchronizer token on every state-changing request, and the headers
 * that keep the page from running foreign scripts or being framed.
 */

import type { FastifyReply, FastifyRequest } from "fastify";
import { sameSecret, type Session } from "./sessions.js";

export const COOKIE = "nta_console";
export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";

/**
 * No inline script or style, nothing from elsewhere, forms post only here,
 * and no framing (the header twin of X-Frame-Options DENY).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export function securityHeaders(reply: FastifyReply): void {
  reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
  reply.header("x-frame-options", "DENY");
  reply.header("x-content-type-options", "nosniff");
  // "same-origin" rather than "no-referrer": with no-referrer a browser sends
  // `Origin: null` on POST, and the Origin check below needs the real one.
  reply.header("referrer-policy", "same-origin");
  reply.header("cross-origin-opener-policy", "same-origin");
  reply.header("cross-origin-resource-policy", "same-origin");
}

export const isTls = (req: FastifyRequest): boolean => req.protocol === "https";

/** The value of one cookie from the Cookie header (RFC 6265 §5.4), or undefined. */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session id (RFC 6265 §4.1; SameSite from RFC 6265bis). */
export function sessionCookie(req: FastifyRequest, id: string, maxAgeSeconds: number): string {
  const attrs = [
    `${COOKIE}=${id}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Strict",
  ];
  if (isTls(req)) attrs.push("Secure");
  return attrs.join("; ");
}

export const clearedCookie = (req: FastifyRequest): string => sessionCookie(req, "", 0);

/**
 * The request comes from a page of this server: its Origin header (or, when
 * a browser leaves Origin out, its Referer) names this scheme, host and port.
 * A request naming neither is refused: every browser that runs the console
 * sends Origin on POST.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const expected = `${isTls(req) ? "https" : "http"}://${host}`.toLowerCase();
  const origin = req.headers.origin;
  if (typeof origin === "string") return origin.toLowerCase() === expected;
  const referer = req.headers.referer;
  if (typeof referer !== "string") return false;
  try {
    return new URL(referer).origin.toLowerCase() === expected;
  } catch {
    return false;
  }
}

/** The synchronizer token sent with a request (hidden field or header) matches the session's. */
export function csrfMatches(req: FastifyRequest, session: Session): boolean {
  const body = req.body as Record<string, unknown> | undefined;
  const sent = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
  return typeof sent === "string" && sameSecret(sent, session.csrf);
}
