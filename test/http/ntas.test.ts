/**
 * The NTA set as served: the JSON feed a peer watcher subscribes to (read
 * back by the real peer source over a real socket), the text for each
 * resolver in the syntax its documentation gives, and the OpenAPI document
 * matching the registered routes.
 */

import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { PeerNtaSource } from "../../src/confirm/peer.js";
import { renderForResolver } from "../../src/http/resolvers.js";
import { openApiPath } from "../../src/http/openapi.js";
import { registeredRoutes } from "../../src/http/server.js";
import { applyEvent } from "../../src/service/apply.js";
import { assessment } from "../lifecycle/support.js";
import { bearer, makeApi, NOW } from "./support.js";

let api: ReturnType<typeof makeApi>;
afterEach(() => api.close());

function activate(zone: string, lifetimeSeconds: number, reason: string) {
  const a = assessment({ zone, at: NOW, w: true, c: true, n: true });
  applyEvent(api.store, zone, { type: "round", assessment: a }, NOW, T);
  const r = applyEvent(
    api.store,
    zone,
    { type: "approve", actor: "alice", lifetimeSeconds, reason },
    NOW,
    T,
  );
  if (!r.ok) throw new Error(r.error.message);
}

describe("the NTA feed (nta-watch.ntas/1)", () => {
  beforeEach(() => {
    api = makeApi({ watched: () => ["de.", "example."] });
  });

  it("lists the NTAs in force and is read back by a peer's source as confirmations", async () => {
    activate("de.", 7200, "DENIC confirmed");
    const feed = (
      await api.app.inject({ url: "/api/v1/ntas.json", headers: bearer("viewer") })
    ).json();
    expect(feed).toMatchObject({
      format: "nta-watch.ntas/1",
      publisher: "test-watcher",
      generatedAt: NOW,
    });
    expect(feed.ntas).toEqual([
      expect.objectContaining({
        zone: "de.",
        approvedBy: "alice",
        approvedAt: NOW,
        expiresAt: NOW + 7200,
        reason: "DENIC confirmed",
      }),
    ]);

    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const peer = new PeerNtaSource({
      name: "watcher-b",
      url: `http://127.0.0.1:${port}/api/v1/ntas.json`,
      timeoutMs: 2000,
      token: bearer("viewer").authorization.slice("Bearer ".length),
    });
    const report = await peer.poll({ watched: ["de."], now: NOW + 60, maxAgeSeconds: 86400 });
    expect(report.ok).toBe(true);
    expect(report.confirmations).toMatchObject([
      { zone: "de.", source: "peer-nta", at: NOW, expiresAt: NOW + 7200 },
    ]);
  });

  it("needs a viewer token unless configured public", async () => {
    expect((await api.app.inject({ url: "/api/v1/ntas.json" })).statusCode).toBe(401);
    await api.close();
    api = makeApi({ publicNtaFeed: true });
    expect((await api.app.inject({ url: "/api/v1/ntas.json" })).statusCode).toBe(200);
    expect((await api.app.inject({ url: "/api/v1/ntas/bind.txt" })).statusCode).toBe(200);
    expect((await api.app.inject({ url: "/api/v1/ntas" })).statusCode).toBe(401);
  });

  it("an NTA past its expiry is not served even before the expiry tick ran", async () => {
    activate("de.", 3600, "r");
    api.clock.now = NOW + 3600;
    const feed = (
      await api.app.inject({ url: "/api/v1/ntas.json", headers: bearer("viewer") })
    ).json();
    expect(feed.ntas).toEqual([]);
  });

  it("serves the resolver texts over HTTP as text/plain", async () => {
    activate("de.", 7200, "r");
    const r = await api.app.inject({ url: "/api/v1/ntas/unbound.conf", headers: bearer("viewer") });
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.body).toContain('    domain-insecure: "de."');
  });
});

describe("resolver syntaxes", () => {
  const ntas = [
    { zone: "de.", expiresAt: NOW + 3600, reason: 'DENIC "rollover" \\ failed\nline two' },
    { zone: "xn--p1ai.", expiresAt: NOW + 86400, reason: "ok" },
    { zone: 'bad"name.', expiresAt: NOW + 3600, reason: "x" },
    { zone: "old.", expiresAt: NOW, reason: "expired" },
  ];
  const lines = (kind: Parameters<typeof renderForResolver>[0]) =>
    renderForResolver(kind, ntas, NOW)
      .split("\n")
      .filter((l) => l !== "" && !/^\s*(#|--)/.test(l));

  it("Unbound: domain-insecure lines under server: (unbound.conf(5))", () => {
    expect(lines("unbound")).toEqual([
      "server:",
      '    domain-insecure: "de."',
      '    domain-insecure: "xn--p1ai."',
    ]);
  });

  it("BIND: rndc nta with the time left as the lifetime", () => {
    expect(lines("bind")).toEqual([
      "rndc nta -lifetime 3600s de.",
      "rndc nta -lifetime 86400s xn--p1ai.",
    ]);
  });

  it("PowerDNS Recursor: addNTA with the reason as an escaped Lua string", () => {
    expect(lines("pdns")).toEqual([
      'addNTA("de", "DENIC \\"rollover\\" \\\\ failed\\010line two")',
      'addNTA("xn--p1ai", "ok")',
    ]);
  });

  it("Knot Resolver: one trust_anchors.set_insecure call with every zone", () => {
    expect(lines("knot")).toEqual(['trust_anchors.set_insecure({"de", "xn--p1ai"})']);
  });

  it("a name that would need escaping is a comment, never configuration", () => {
    for (const kind of ["unbound", "bind", "pdns", "knot"] as const) {
      const text = renderForResolver(kind, ntas, NOW);
      expect(text).toMatch(/skipped, name needs escaping: "bad\\"name\."/);
      expect(lines(kind).join("\n")).not.toContain("bad");
      expect(lines(kind).join("\n")).not.toContain("old.");
    }
  });
});

describe("the OpenAPI 3.1 document", () => {
  beforeEach(() => {
    api = makeApi();
  });

  it("holds every registered route with its method, and nothing else", async () => {
    await api.app.ready();
    const doc = (await api.app.inject({ url: "/api/v1/openapi.json" })).json();
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const registered = registeredRoutes(api.app).map((r) => `${r.method} ${openApiPath(r.url)}`);
    expect(registered.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it("says which routes need a token and which role acts", async () => {
    const doc = (await api.app.inject({ url: "/api/v1/openapi.json" })).json();
    expect(doc.paths["/healthz"].get.security).toEqual([]);
    expect(doc.paths["/api/v1/zones/{zone}/approve"].post["x-role"]).toBe("approver");
    expect(
      doc.paths["/api/v1/zones/{zone}/approve"].post.requestBody.content["application/json"].schema
        .required,
    ).toEqual(["reason"]);
    expect(doc.paths["/api/v1/zones"].get.security).toEqual([{ bearer: [] }]);
  });

  it("a mounted route (the metrics issue's /metrics) is served beside the API", async () => {
    await api.close();
    api = makeApi({}, { mount: (app) => app.get("/metrics", async () => "# metrics\n") });
    expect((await api.app.inject({ url: "/metrics" })).body).toBe("# metrics\n");
  });
});
