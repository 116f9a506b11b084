/**
 * The service's sections of the configuration (store, api, confirmations):
 * defaults, limits that are rejected rather than clamped, and the check
 * that kept rounds cover what the assessment reads. Then a configured
 * status page confirming a break through the running service.
 */

import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { serveFixtures, type FixtureServer } from "../confirm/fixture-server.js";
import { Harness, makeConfig, START } from "./support.js";

const base = { vantages: [{ name: "v", address: "127.0.0.1", software: "unbound" }] };

describe("store, api and confirmations sections", () => {
  it("have defaults: loopback API, two days of rounds, no sources", () => {
    const r = parseConfig(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.store).toEqual({ path: "nta-watch.db", observationRetention: 2 * 86_400_000 });
    expect(r.config.api).toMatchObject({
      listen: "127.0.0.1",
      port: 9753,
      tokens: [],
      publicNtaFeed: false,
    });
    expect(r.config.confirmations).toEqual({ sources: [], interval: 60_000, timeout: 10_000 });
  });

  it.each([
    [
      { api: { tokens: [{ name: "a", role: "approver" }] } },
      "api.tokens[0]",
      /exactly one of file or env/,
    ],
    [
      { api: { tokens: [{ name: "a", role: "approver", file: "f", env: "E" }] } },
      "api.tokens[0]",
      /exactly one/,
    ],
    [{ api: { tokens: [{ name: "a", role: "root", env: "E" }] } }, "api.tokens[0].role", /./],
    [{ api: { listen: "localhost" } }, "api.listen", /IP address/],
    [{ store: { observationRetention: "1m" } }, "store.observationRetention", /between 1h and 90d/],
    [
      { probe: { interval: "1h" }, store: { observationRetention: "2h" } },
      "store.observationRetention",
      /at least 4 rounds/,
    ],
    [
      { confirmations: { sources: [{ kind: "statuspage", name: "s", url: "ftp://x" }] } },
      "confirmations.sources[0].url",
      /http or https/,
    ],
    [
      { confirmations: { sources: [{ kind: "rss", name: "s", url: "http://x" }] } },
      "confirmations.sources[0].kind",
      /./,
    ],
    [{ confirmations: { interval: "1s" } }, "confirmations.interval", /between 10s and 1h/],
  ])("%j is rejected at %s", (extra, at, message) => {
    const r = parseConfig({ ...base, ...extra });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const e = r.errors.find((x) => x.path === at);
    expect(e, JSON.stringify(r.errors)).toBeDefined();
    expect(e!.message).toMatch(message);
  });
});

describe("a configured status page confirms the break", () => {
  let h: Harness;
  let server: FixtureServer;
  afterEach(async () => {
    await h.close();
    await server.close();
  });

  it("its incident is read, stored, and completes the preconditions: the zone is proposed", async () => {
    server = await serveFixtures({
      "/api/v2/incidents/unresolved.json": {
        body: JSON.stringify({
          page: { name: "Example registry" },
          incidents: [
            {
              id: "i1",
              name: "DNSSEC validation failures",
              status: "identified",
              shortlink: "https://stspg.example/i1",
              created_at: new Date(START * 1000).toISOString(),
            },
          ],
        }),
      },
    });
    h = new Harness();
    Object.assign(
      h.config,
      makeConfig(h.dir, {
        confirmations: {
          sources: [{ kind: "statuspage", name: "registry", url: server.url, zones: ["example."] }],
        },
      }),
    );
    await h.start();
    for (let i = 0; i < T.consecutiveRounds; i++) await h.round("broken");
    expect(h.service!.store.zone("example.")!.state.phase).toBe("broken");
    expect(await h.service!.pollSources()).toBe(1);
    await h.round("broken");
    expect(h.service!.store.zone("example.")!.state.phase).toBe("proposed");
    const sources = (await h.get("/api/v1/sources")).body.sources;
    expect(sources).toMatchObject([{ source: "registry", ok: true, items: 1, confirmations: 1 }]);
  });
});
