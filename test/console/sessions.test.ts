/**
 * Console sessions: opaque random ids mapped to a token's name and role,
 * with an absolute and an idle expiry, and a bounded table.
 */

import { describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { sameOrigin, sessionCookie } from "../../src/http/console/guard.js";
import { actBody } from "../../src/http/console/routes.js";
import { esc } from "../../src/http/console/html.js";
import { SessionTable } from "../../src/http/console/sessions.js";

const limits = { lifetimeSeconds: 1000, idleSeconds: 100, maxSessions: 3 };

describe("sessions held by the server", () => {
  it("gives each sign-in a distinct 256-bit id and a distinct synchronizer token", () => {
    const t = new SessionTable(() => 0, limits);
    const a = t.open({ name: "alice", role: "approver" });
    const b = t.open({ name: "alice", role: "approver" });
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(Buffer.from(a.id, "base64url")).toHaveLength(32);
    expect(t.find(a.id)?.principal).toEqual({ name: "alice", role: "approver" });
  });

  it("ends a session left idle, and one past its lifetime even when used", () => {
    let now = 0;
    const t = new SessionTable(() => now, limits);
    const idle = t.open({ name: "v", role: "viewer" });
    const busy = t.open({ name: "a", role: "approver" });
    for (now = 50; now < 1000; now += 50) expect(t.find(busy.id)).toBeDefined();
    expect(t.find(idle.id)).toBeUndefined();
    now = 1000;
    expect(t.find(busy.id)).toBeUndefined();
  });

  it("keeps at most the configured number, dropping the least recently used", () => {
    const t = new SessionTable(() => 0, limits);
    const [a, b, c] = [1, 2, 3].map(() => t.open({ name: "v", role: "viewer" }));
    t.find(a!.id);
    t.open({ name: "v", role: "viewer" });
    expect(t.size).toBe(3);
    expect(t.find(b!.id)).toBeUndefined();
    expect(t.find(a!.id)).toBeDefined();
    expect(t.find(c!.id)).toBeDefined();
  });

  it("refuses limits that are not positive", () => {
    expect(() => new SessionTable(() => 0, { ...limits, idleSeconds: 0 })).toThrow();
  });
});

describe("forms and escaping", () => {
  it("turns hours into whole seconds and asks for a reason", () => {
    expect(actBody("approve", { reason: " r ", lifetimeHours: "1.5" }, 604800)).toEqual({
      ok: true,
      body: { reason: "r", lifetimeSeconds: 5400 },
    });
    expect(actBody("reject", { reason: "  " }, 604800).ok).toBe(false);
    expect(actBody("extend", { reason: "r", lifetimeHours: "abc" }, 604800).ok).toBe(false);
    expect(actBody("extend", { reason: "r", lifetimeHours: "0" }, 604800).ok).toBe(false);
    expect(actBody("confirm", { reference: "https://x.example/1" }, 604800)).toEqual({
      ok: true,
      body: { reference: "https://x.example/1" },
    });
  });

  it("escapes the five characters that matter in HTML text and attributes", () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("the cookie and the Origin check behind TLS", () => {
  const req = (protocol: string, headers: Record<string, string>) =>
    ({ protocol, headers }) as unknown as FastifyRequest;

  it("marks the session cookie Secure when the request came over TLS", () => {
    const attrs = sessionCookie(req("https", {}), "id", 60).split("; ");
    expect(attrs).toEqual(
      expect.arrayContaining(["nta_console=id", "HttpOnly", "SameSite=Strict", "Secure"]),
    );
  });

  it("takes the scheme into account: an http page cannot post to the https console", () => {
    const host = { host: "console.example:8443" };
    expect(sameOrigin(req("https", { ...host, origin: "https://console.example:8443" }))).toBe(
      true,
    );
    expect(sameOrigin(req("https", { ...host, origin: "http://console.example:8443" }))).toBe(
      false,
    );
    expect(sameOrigin(req("https", { ...host, origin: "null" }))).toBe(false);
    expect(
      sameOrigin(req("https", { ...host, referer: "https://console.example:8443/#zones" })),
    ).toBe(true);
  });
});
