/**
 * Console sessions, kept in memory on the server: the browser holds only an
 * opaque random id in a cookie; the id maps to the token's name and role
 * (never the token itself), a synchronizer token against cross-site request
 * forgery, and two expiries (absolute and idle). A restart logs everyone
 * out, which is the safe side.
 */

import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Principal } from "../auth.js";

export interface Session {
  /** The cookie value: 256 random bits, base64url. */
  id: string;
  principal: Principal;
  /** The synchronizer token every state-changing request must carry. */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  /** Seconds since the epoch; the session ends then whatever the activity. */
  expiresAt: number;
  /** One message for the next page (the outcome of the last act). */
  flash?: { kind: "ok" | "error"; text: string };
}

export interface SessionLimits {
  /** Absolute lifetime of a session, seconds. */
  lifetimeSeconds: number;
  /** A session unused for this long ends, seconds. */
  idleSeconds: number;
  /** Sessions kept at most; the least recently used goes first. */
  maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  // A working shift during an incident.
  lifetimeSeconds: 8 * 3600,
  idleSeconds: 3600,
  maxSessions: 1000,
};

const randomId = (): string => randomBytes(32).toString("base64url");

/** Equal strings, compared in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionTable {
  readonly #sessions = new Map<string, Session>();
  readonly #limits: SessionLimits;
  readonly #now: () => number;

  constructor(now: () => number, limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    if (limits.lifetimeSeconds < 1 || limits.idleSeconds < 1 || limits.maxSessions < 1) {
      throw new Error("session limits must be positive");
    }
    this.#now = now;
    this.#limits = limits;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** A fresh session for a principal whose token was just checked. */
  open(principal: Principal): Session {
    const now = this.#now();
    this.#sweep(now);
    while (this.#sessions.size >= this.#limits.maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const session: Session = {
      id: randomId(),
      principal: { name: principal.name, role: principal.role },
      csrf: randomId(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.#limits.lifetimeSeconds,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session of a cookie value, touched; undefined when unknown or expired. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    const now = this.#now();
    if (this.#expired(s, now)) {
      this.#sessions.delete(id);
      return undefined;
    }
    s.lastSeenAt = now;
    // Re-inserted so the map's order is least recently used first.
    this.#sessions.delete(id);
    this.#sessions.set(id, s);
    return s;
  }

  close(id: string): void {
    this.#sessions.delete(id);
  }

  #expired(s: Session, now: number): boolean {
    return now >= s.expiresAt || now - s.lastSeenAt >= this.#limits.idleSeconds;
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#sessions) if (this.#expired(s, now)) this.#sessions.delete(id);
  }
}
