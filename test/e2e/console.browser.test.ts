/**
 * The approval console in a real headless Chromium (Debian's package,
 * driven by playwright-core; no browser is ever downloaded), against the
 * real service on 127.0.0.1 with its SQLite file and synthetic probe
 * rounds: a break appears on the page by itself, a viewer cannot approve,
 * an approver approves with a lifetime and a reason (RFC 7646 §2.1), the
 * NTA shows as active, and healthy rounds retract it (RFC 7646 §4).
 * Screenshots go to test-results/console/.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { ENV, Harness } from "../service/support.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.resolve("test-results/console");
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";

if (!present && !inCi) {
  console.warn(
    `\n*** console browser test SKIPPED: ${CHROMIUM} is missing. ` +
      "Install it with: apt-get install -y --no-install-recommends chromium ***\n",
  );
}

const LAPTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
// The page refreshes every 5 s while an incident is open; allow a few refreshes.
const LIVE_WAIT_MS = 20_000;
const WAIT_MS = 10_000;

/** Waits until the element is visible (playwright-core has no `expect`; this is its wait). */
const shown = (l: Locator, timeout = WAIT_MS) => l.first().waitFor({ state: "visible", timeout });

/** Waits until the element's text is `text`; fails with the last text seen. */
async function textBecomes(l: Locator, text: string, timeout = WAIT_MS): Promise<void> {
  const until = Date.now() + timeout;
  let seen: string | null = null;
  while (Date.now() < until) {
    seen = (await l.count()) > 0 ? ((await l.first().textContent())?.trim() ?? null) : null;
    if (seen === text) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`expected the text "${text}", last saw "${seen}"`);
}

describe("the console in headless Chromium", () => {
  it.runIf(!present && inCi)("needs Debian's chromium package in CI", () => {
    throw new Error(`${CHROMIUM} is missing: CI must install the chromium package`);
  });
});

describe.runIf(present)("the console in headless Chromium", () => {
  let h: Harness;
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = new Harness();
    await h.start();
    profile = mkdtempSync(path.join(tmpdir(), "nta-watch-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: LAPTOP,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await h?.close();
  });

  const origin = () => new URL(h.url("/")).origin;
  const zoneState = () =>
    page.locator("#zones tbody tr", { hasText: "example." }).locator(".phase");

  async function signIn(token: string): Promise<void> {
    await page.goto(h.url("/"));
    await page.getByLabel("API token").fill(token);
    // Keyboard only: Enter submits the form.
    await page.getByLabel("API token").press("Enter");
    await shown(page.getByText("Signed in as"));
  }

  it("shows a break as it happens, and keeps a viewer from approving", async () => {
    await h.round("healthy");
    await h.round("broken");
    await signIn(ENV.TOKEN_VIEW);
    await textBecomes(zoneState(), "degraded");

    // The rest of the break happens while the page is open: it refreshes by itself.
    for (let i = 1; i < T.consecutiveRounds; i++) await h.round("broken");
    await h.post("/api/v1/zones/example./confirm", { reference: "https://status.example/42" });
    await h.round("broken");
    await shown(page.getByRole("heading", { name: "Proposals waiting (1)" }), LIVE_WAIT_MS);
    await textBecomes(zoneState(), "proposed");
    await shown(page.locator("#evidence .v-bogus"));

    expect(await page.getByRole("button", { name: /Approve/ }).count()).toBe(0);
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(SHOTS, "viewer-phone.png"), fullPage: true });
    await page.setViewportSize(LAPTOP);

    // A forged approval with the viewer's own session and synchronizer token.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const forged = await context.request.post(h.url("/console/zones/example./approve"), {
      form: { csrf, reason: "forged", lifetimeHours: "1" },
      headers: { origin: origin() },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect((await h.get("/api/v1/zones/example.")).body.phase).toBe("proposed");

    await page.getByRole("button", { name: "Sign out" }).click();
    await shown(page.getByLabel("API token"));
  });

  it("lets an approver approve with a lifetime and a reason; the NTA shows as active", async () => {
    await signIn(ENV.TOKEN_ALICE);
    const approve = page.locator("form.act-approve");
    await approve.getByLabel(/Lifetime/).fill("6");
    await approve.getByLabel("Reason for approving").fill("registry confirmed a signer failure");
    await page.screenshot({ path: path.join(SHOTS, "approver-laptop.png"), fullPage: true });
    const approvedAt = h.clock;
    await approve.getByRole("button", { name: "Approve NTA for example." }).click();

    await shown(page.getByRole("status").filter({ hasText: "approve of example.: done." }));
    await shown(page.getByRole("heading", { name: "NTAs in force (1)" }));
    await textBecomes(zoneState(), "active");
    const nta = (await h.get("/api/v1/zones/example.")).body.nta;
    expect(nta).toMatchObject({ approvedBy: "alice", expiresAt: approvedAt + 6 * 3600 });
    expect(await page.locator("#ntas").textContent()).toContain(
      "registry confirmed a signer failure",
    );
    await shown(page.getByRole("button", { name: "Retract NTA for example." }));
    await page.screenshot({ path: path.join(SHOTS, "active-laptop.png"), fullPage: true });
  });

  it("refuses an approver's POST that lacks the synchronizer token", async () => {
    const r = await context.request.post(h.url("/console/zones/example./retract"), {
      form: { reason: "no token" },
      headers: { origin: origin() },
      maxRedirects: 0,
    });
    expect(r.status()).toBe(403);
    expect((await h.get("/api/v1/zones/example.")).body.phase).toBe("active");
  });

  it("shows the NTA retracted once healthy rounds come back", async () => {
    for (let i = 0; i < T.recoveryRounds; i++) await h.round("healthy");
    expect((await h.get("/api/v1/zones/example.")).body.phase).toBe("retracted");
    await textBecomes(zoneState(), "retracted", LIVE_WAIT_MS);
    await shown(page.getByRole("heading", { name: "NTAs in force (0)" }));
    expect(await page.locator("#incidents").textContent()).toContain("retraction");
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(SHOTS, "retracted-phone.png"), fullPage: true });
    await page.screenshot({ path: path.join(SHOTS, "retracted-phone-top.png") });
  });
});
