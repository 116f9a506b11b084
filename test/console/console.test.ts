/**
 * The approval console over real HTTP against the running service: sign-in
 * with the API's tokens, the session cookie, the page's security headers,
 * refusals of forged or cross-site acts (RFC 7646 §2.1: approval is a
 * person's act, and only an approver's), and approval through the form.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { ENV, Harness } from "../service/support.js";
import { ConsoleClient } from "./client.js";

let h: Harness;
beforeEach(async () => {
  h = new Harness();
  await h.start();
});
afterEach(() => h.close());

const phase = async () => (await h.get("/api/v1/zones/example.")).body.phase as string;

/** Drives example. to "proposed" through rounds and a confirmation over the API. */
async function toProposed(): Promise<void> {
  for (let i = 0; i < T.consecutiveRounds; i++) await h.round("broken");
  await h.post("/api/v1/zones/example./confirm", { reference: "https://status.example/1" });
  await h.round("broken");
  expect(await phase()).toBe("proposed");
}

describe("sign-in with the API's bearer tokens", () => {
  it("shows the sign-in form to a browser without a session", async () => {
    const c = new ConsoleClient(h);
    const page = await c.get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="token">');
    expect(page.text).not.toContain("Approve");
  });

  it("refuses a wrong token with 401 and sets no cookie", async () => {
    const c = new ConsoleClient(h);
    const r = await c.login("not-a-token");
    expect(r.status).toBe(401);
    expect(c.setCookie).toBeNull();
  });

  it("sets an HttpOnly, SameSite=Strict cookie holding neither token, without Secure over plain HTTP", async () => {
    const c = new ConsoleClient(h);
    const r = await c.login(ENV.TOKEN_ALICE);
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/");
    const attrs = c.setCookie!.split(";").map((a) => a.trim());
    expect(attrs).toContain("HttpOnly");
    expect(attrs).toContain("SameSite=Strict");
    expect(attrs).not.toContain("Secure");
    const value = attrs[0]!.split("=")[1]!;
    expect(value.length).toBeGreaterThanOrEqual(32);
    expect(value).not.toContain(ENV.TOKEN_ALICE);
    const page = await c.get("/");
    expect(page.text).toContain("Signed in as <strong>alice</strong> (approver)");
    expect(page.text).not.toContain(ENV.TOKEN_ALICE);
    expect(page.text).not.toContain(ENV.TOKEN_VIEW);
    expect((await c.get("/console/static/console.js")).text).not.toContain(ENV.TOKEN_ALICE);
  });

  it("refuses a sign-in posted from another origin", async () => {
    const c = new ConsoleClient(h);
    const r = await c.post("/console/login", { token: ENV.TOKEN_ALICE }, "https://evil.example");
    expect(r.status).toBe(403);
    expect(c.setCookie).toBeNull();
  });

  it("ends the session at sign-out: the old cookie no longer opens the console", async () => {
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_VIEW);
    const csrf = await c.csrf();
    expect((await c.post("/console/logout", { csrf })).status).toBe(303);
    expect((await c.get("/console/view")).status).toBe(401);
  });
});

describe("headers that keep foreign scripts and frames out", () => {
  it("sends a Content-Security-Policy without inline scripts, and refuses framing", async () => {
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_VIEW);
    for (const p of ["/", "/console/view", "/console/static/console.css"]) {
      const r = await c.get(p);
      const csp = r.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("serves a page whose scripts all come from a file and that has no inline handlers", async () => {
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_ALICE);
    const page = (await c.get("/")).text;
    const scripts = page.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toMatch(/ src="\/console\/static\/console\.js"/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/\sstyle=/i);
  });
});

describe("RFC 7646 §2.1: only an approver's own request approves", () => {
  it("shows a viewer no approve form, and refuses the viewer's forged approval with 403", async () => {
    await toProposed();
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_VIEW);
    const page = (await c.get("/")).text;
    expect(page).toContain("Proposals waiting (1)");
    expect(page).not.toContain('action="/console/zones/example./approve"');
    const csrf = await c.csrf();
    const r = await c.post("/console/zones/example./approve", {
      csrf,
      reason: "forged",
      lifetimeHours: "1",
    });
    expect(r.status).toBe(403);
    expect(await phase()).toBe("proposed");
  });

  it("refuses an approver's act without the synchronizer token, with a wrong one, or from another origin", async () => {
    await toProposed();
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_ALICE);
    const csrf = await c.csrf();
    const form = { reason: "r", lifetimeHours: "1" };
    expect((await c.post("/console/zones/example./approve", form)).status).toBe(403);
    expect(
      (await c.post("/console/zones/example./approve", { ...form, csrf: `${csrf}x` })).status,
    ).toBe(403);
    expect(
      (await c.post("/console/zones/example./approve", { ...form, csrf }, "http://evil.example"))
        .status,
    ).toBe(403);
    expect((await c.post("/console/zones/example./approve", { ...form, csrf }, null)).status).toBe(
      403,
    );
    expect(await phase()).toBe("proposed");
  });

  it("approves through the form with the lifetime and reason given, the signed-in name as actor", async () => {
    await toProposed();
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_ALICE);
    const csrf = await c.csrf();
    const at = h.clock;
    const r = await c.post("/console/zones/example./approve", {
      csrf,
      reason: "registry <b>confirmed</b>",
      lifetimeHours: "2.5",
    });
    expect(r.status).toBe(303);
    const zone = (await h.get("/api/v1/zones/example.")).body;
    expect(zone.phase).toBe("active");
    expect(zone.nta).toMatchObject({ approvedBy: "alice", expiresAt: at + 9000 });
    const page = (await c.get("/")).text;
    expect(page).toContain("approve of example.: done.");
    expect(page).toContain("registry &lt;b&gt;confirmed&lt;/b&gt;");
    expect(page).not.toContain("<b>confirmed</b>");
  });

  it("refuses a lifetime above the configured maximum and leaves the proposal waiting", async () => {
    await toProposed();
    const c = new ConsoleClient(h);
    await c.login(ENV.TOKEN_ALICE);
    const csrf = await c.csrf();
    const hours = String(T.ntaLifetimeMaxSeconds / 3600 + 1);
    const r = await c.post("/console/zones/example./approve", {
      csrf,
      reason: "r",
      lifetimeHours: hours,
    });
    expect(r.status).toBe(303);
    expect(await phase()).toBe("proposed");
    expect((await c.get("/")).text).toContain("The lifetime must be");
  });
});
