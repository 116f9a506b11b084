/**
 * Bearer tokens (RFC 6750) with roles. A viewer reads; an approver also
 * acts (confirm, approve, reject, retract, extend). The token's name is the
 * actor in the audit log. Tokens are compared as SHA-256 digests with
 * crypto.timingSafeEqual, against every configured token without stopping
 * at the first match, so the time taken says nothing about any token.
 */

import { createHash, timingSafeEqual } from "node:crypto";

export type Role = "viewer" | "approver";

export interface ApiToken {
  name: string;
  role: Role;
  /** The secret itself; kept in memory only, never logged. */
  secret: string;
}

export interface Principal {
  name: string;
  role: Role;
}

export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; code: "unauthorized" | "forbidden"; message: string };

const digest = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

export class TokenTable {
  readonly #entries: { name: string; role: Role; digest: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    const names = new Set<string>();
    for (const t of tokens) {
      if (names.has(t.name)) throw new Error(`two API tokens are named "${t.name}"`);
      names.add(t.name);
    }
    this.#entries = tokens.map((t) => ({ name: t.name, role: t.role, digest: digest(t.secret) }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The principal of a presented secret, or undefined. Every entry is compared. */
  identify(secret: string): Principal | undefined {
    const presented = digest(secret);
    let found: Principal | undefined;
    for (const e of this.#entries) {
      if (timingSafeEqual(presented, e.digest) && !found) found = { name: e.name, role: e.role };
    }
    return found;
  }

  /**
   * Checks an Authorization header for a route needing `needed`. 401 when no
   * valid token is presented (RFC 6750 §3.1), 403 when the token is valid but
   * its role is too weak.
   */
  authorize(header: string | undefined, needed: Role): AuthOutcome {
    const m = header === undefined ? null : /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    if (!m) {
      return {
        ok: false,
        status: 401,
        code: "unauthorized",
        message: "a bearer token is required",
      };
    }
    const principal = this.identify(m[1]!);
    if (!principal) {
      return {
        ok: false,
        status: 401,
        code: "unauthorized",
        message: "the bearer token is not valid",
      };
    }
    if (needed === "approver" && principal.role !== "approver") {
      return {
        ok: false,
        status: 403,
        code: "forbidden",
        message: `token "${principal.name}" is a viewer; this needs an approver`,
      };
    }
    return { ok: true, principal };
  }
}
