/**
 * Confirmation sources (DESIGN.md precondition 2, "publicly confirmed"),
 * each read over HTTP from a local server serving fixture documents: a
 * status page's unresolved incidents, RSS and Atom feeds, a peer's NTA feed;
 * and every way a source can fail, reported and never thrown.
 */

import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedSource, parseFeed } from "../../src/confirm/feed.js";
import { DEFAULT_KEYWORDS } from "../../src/confirm/match.js";
import { PeerNtaSource } from "../../src/confirm/peer.js";
import { SourcePoller } from "../../src/confirm/sources.js";
import { StatuspageSource } from "../../src/confirm/statuspage.js";
import { serveFixtures, type FixtureServer } from "./fixture-server.js";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/confirm");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const secondsAt = (iso: string) => Date.parse(iso) / 1000;
const DAY = 86400;

let server: FixtureServer;

beforeAll(async () => {
  server = await serveFixtures({
    "/api/v2/incidents/unresolved.json": { body: fixture("statuspage-unresolved.json") },
    "/news.rss": { body: fixture("news.rss.xml"), contentType: "application/rss+xml" },
    "/notices.atom": { body: fixture("notices.atom.xml"), contentType: "application/atom+xml" },
    "/peer/ntas.json": { body: fixture("peer-ntas.json") },
    "/broken/api/v2/incidents/unresolved.json": { status: 500, body: "oops" },
    "/html/api/v2/incidents/unresolved.json": { body: "<html>maintenance</html>" },
    "/wrong-shape.json": { body: JSON.stringify({ incidents: [{ title: "no name" }] }) },
    "/slow.json": { hang: true },
    "/not-a-feed.xml": { body: "<html><body>hello</body></html>" },
  });
});
afterAll(() => server.close());

const rule = { ownZones: [] as string[], keywords: DEFAULT_KEYWORDS };

describe("Statuspage-style unresolved incidents", () => {
  const ctx = {
    watched: ["de.", "dev.", "nl.", "example."],
    now: secondsAt("2026-05-05T10:40:00Z"),
    maxAgeSeconds: DAY,
  };

  it("an open incident naming .de with DNSSEC words confirms de., with its shortlink and start time", async () => {
    const source = new StatuspageSource({
      name: "registry-status",
      url: server.url,
      timeoutMs: 2000,
      ...rule,
    });
    const report = await source.poll(ctx);
    expect(report).toMatchObject({ ok: true, items: 4, kind: "statuspage" });
    const de = report.confirmations.filter((c) => c.zone === "de.");
    expect(de).toHaveLength(1);
    expect(de[0]).toMatchObject({ source: "statuspage", at: secondsAt("2026-05-05T10:05:00Z") });
    expect(de[0]!.reference).toContain("https://stspg.example/p7d1");
    expect(de[0]!.author).toContain("Example Registry");
  });

  it("an incident about .dev without DNSSEC words, and a resolved one, confirm nothing", async () => {
    const source = new StatuspageSource({ name: "s", url: server.url, timeoutMs: 2000, ...rule });
    const zones = (await source.poll(ctx)).confirmations.map((c) => c.zone);
    expect(zones).not.toContain("dev.");
    expect(zones).not.toContain("nl.");
  });

  it("a page that is the zone operator's own confirms its zone without naming it", async () => {
    const source = new StatuspageSource({
      name: "s",
      url: server.url,
      timeoutMs: 2000,
      ownZones: ["example."],
      keywords: DEFAULT_KEYWORDS,
    });
    const own = (await source.poll(ctx)).confirmations.filter((c) => c.zone === "example.");
    // "Signer maintenance" (DNSSEC signing) and the .de incident speak of DNSSEC; "EPP latency" does not.
    expect(own.map((c) => c.at).sort()).toEqual([
      secondsAt("2026-05-05T08:00:00Z"),
      secondsAt("2026-05-05T10:05:00Z"),
    ]);
  });

  it("incidents older than the age window are not confirmations", async () => {
    const source = new StatuspageSource({ name: "s", url: server.url, timeoutMs: 2000, ...rule });
    const later = { ...ctx, now: secondsAt("2026-05-07T10:40:00Z") };
    expect((await source.poll(later)).confirmations).toEqual([]);
  });
});

describe("RSS 2.0 and Atom (RFC 4287) feeds", () => {
  it("an RSS item naming .al with DNSSEC words confirms al.; maintenance, nic.al and old or undated items do not", async () => {
    const source = new FeedSource({
      name: "registry-news",
      url: `${server.url}/news.rss`,
      timeoutMs: 2000,
      ...rule,
    });
    const report = await source.poll({
      watched: ["al."],
      now: secondsAt("2026-07-03T10:00:00Z"),
      maxAgeSeconds: DAY,
    });
    expect(report.items).toBe(5);
    expect(report.confirmations).toEqual([
      {
        zone: "al.",
        source: "feed",
        author: "registry-news",
        reference: 'https://news.registry.example/2026/07/03/al-dnssec "DNSSEC problem in .al"',
        at: secondsAt("2026-07-03T09:15:00Z"),
      },
    ]);
  });

  it("an Atom entry confirms .ru and its IDN sibling xn--p1ai (.рф), with the alternate link", async () => {
    const source = new FeedSource({
      name: "ops-notices",
      url: `${server.url}/notices.atom`,
      timeoutMs: 2000,
      ...rule,
    });
    const report = await source.poll({
      watched: ["ru.", "xn--p1ai.", "su."],
      now: secondsAt("2024-01-30T18:00:00Z"),
      maxAgeSeconds: DAY,
    });
    expect(report.confirmations.map((c) => c.zone).sort()).toEqual(["ru.", "xn--p1ai."]);
    expect(report.confirmations[0]!.reference).toContain("https://notices.example/2024/01/30/ru");
    expect(report.confirmations[0]!.at).toBe(secondsAt("2024-01-30T16:20:00Z"));
  });

  it("a document that is neither RSS nor Atom is reported as such", () => {
    expect(parseFeed("<html><body/></html>")).toMatchObject({ ok: false });
    expect(parseFeed("<rss><channel>")).toMatchObject({ ok: false });
  });
});

describe("a peer watcher's NTA feed", () => {
  it("a peer's NTA in force for a watched zone confirms it until the peer's expiry; expired and unwatched ones do not", async () => {
    const source = new PeerNtaSource({
      name: "peer-a",
      url: `${server.url}/peer/ntas.json`,
      timeoutMs: 2000,
      token: "s3cret-token-of-the-peer",
    });
    const report = await source.poll({
      watched: ["de.", "al."],
      now: secondsAt("2026-05-05T10:40:00Z"),
      maxAgeSeconds: DAY,
    });
    expect(report).toMatchObject({ ok: true, items: 3 });
    expect(report.confirmations).toHaveLength(1);
    expect(report.confirmations[0]).toMatchObject({
      zone: "de.",
      source: "peer-nta",
      at: secondsAt("2026-05-05T10:20:00Z"),
      expiresAt: secondsAt("2026-05-06T10:20:00Z"),
    });
    expect(report.confirmations[0]!.author).toContain("erin at resolver-ops.example");
    const sent = server.requests.filter((r) => r.path === "/peer/ntas.json").at(-1)!;
    expect(sent.headers.authorization).toBe("Bearer s3cret-token-of-the-peer");
  });
});

describe("failures are reported, never thrown", () => {
  const ctx = { watched: ["de."], now: secondsAt("2026-05-05T10:40:00Z"), maxAgeSeconds: DAY };

  it("HTTP errors, bodies that are not JSON, wrong shapes, silence and refused connections", async () => {
    const cases: [string, RegExp][] = [
      [`${server.url}/broken`, /HTTP 500/],
      [`${server.url}/html`, /not JSON/],
      [`${server.url}/wrong-shape.json`, /not a status page incident list/],
      [`${server.url}/slow.json`, /no answer within 300 ms/],
      ["http://127.0.0.1:1/", /fetch failed|ECONNREFUSED/],
    ];
    for (const [url, error] of cases) {
      const report = await new StatuspageSource({ name: "s", url, timeoutMs: 300, ...rule }).poll(
        ctx,
      );
      expect(report.ok, url).toBe(false);
      expect(report.error, url).toMatch(error);
      expect(report.confirmations).toEqual([]);
    }
    const feed = await new FeedSource({
      name: "f",
      url: `${server.url}/not-a-feed.xml`,
      timeoutMs: 300,
      ...rule,
    }).poll(ctx);
    expect(feed.error).toMatch(/neither an RSS channel nor an Atom feed/);
  });

  it("one failing source leaves the others' confirmations and keeps each last report", async () => {
    const poller = new SourcePoller([
      new StatuspageSource({ name: "down", url: `${server.url}/broken`, timeoutMs: 500, ...rule }),
      new StatuspageSource({ name: "up", url: server.url, timeoutMs: 2000, ...rule }),
    ]);
    const out = await poller.pollAll(ctx);
    expect(out.confirmations.map((c) => c.zone)).toEqual(["de."]);
    expect(poller.reports().map((r) => [r.source, r.ok])).toEqual([
      ["down", false],
      ["up", true],
    ]);
  });
});
