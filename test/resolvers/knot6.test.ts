/**
 * The Knot Resolver 6 adapter against a stand-in for its manager's HTTP API
 * (knot6-manager.ts), written from the 6.x documentation: there is no Knot
 * Resolver 6 here to test against, so these tests show that the adapter
 * speaks the documented API, not that a real manager answers as documented.
 * Each case runs over a Unix socket in a temporary directory and over
 * 127.0.0.1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../../src/resolvers/factory.js";
import {
  KnotResolver6Adapter,
  parseDnssecSection,
  parseManagementApi,
} from "../../src/resolvers/knot6.js";
import { REDACTED } from "../../src/resolvers/redact.js";
import { resolversSchema } from "../../src/resolvers/schema.js";
import { FakeManager } from "./knot6-manager.js";

const ADD = { lifetimeSeconds: 3600, reason: "expired RRSIGs" };
const CACHED = ["watched.", "www.watched.", "deep.www.watched.", "other.example.", "."];

let dir: string;
let socketCount = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "knot6-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const managers: FakeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

/** A manager with `config`, listening on a fresh socket or on 127.0.0.1, and an adapter for it. */
async function start(
  over: "socket" | "tcp",
  config: ConstructorParameters<typeof FakeManager>[0],
  timeoutMs = 5000,
): Promise<{ manager: FakeManager; adapter: KnotResolver6Adapter }> {
  const manager = new FakeManager(config, CACHED);
  managers.push(manager);
  const api = await manager.listen(
    over === "socket" ? join(dir, `kres-api-${++socketCount}.sock`) : undefined,
  );
  const endpoint = parseManagementApi(api);
  if (typeof endpoint === "string") throw new Error(endpoint);
  return { manager, adapter: new KnotResolver6Adapter({ name: "kr6", endpoint, timeoutMs }) };
}

const puts = (m: FakeManager) => m.log.filter((l) => l.method === "PUT");
const clears = (m: FakeManager) => m.log.filter((l) => l.path === "/cache/clear");

describe.each(["socket", "tcp"] as const)("Knot Resolver 6 over %s", (over) => {
  const withNtas = (ntas: string[]) => ({
    workers: 2,
    dnssec: { "trust-anchor-sentinel": true, "negative-trust-anchors": ntas },
  });

  it("lists the NTAs as written, each compared in lowercase with the final dot", async () => {
    const { adapter } = await start(over, withNtas(["Bad.Boy", "example.com."]));
    expect(await adapter.list()).toEqual({
      ok: true,
      value: [
        { zone: "bad.boy.", raw: "Bad.Boy" },
        { zone: "example.com.", raw: "example.com." },
      ],
    });
  });

  it("adds ours after the names someone else put there, then clears the zone's subtree", async () => {
    const { manager, adapter } = await start(over, withNtas(["Bad.Boy"]));
    expect(await adapter.add("Watched", ADD)).toEqual({ ok: true, value: undefined });
    expect(manager.ntas()).toEqual(["Bad.Boy", "watched."]);
    // The rest of the section and of the configuration stay as they were.
    expect(manager.config).toMatchObject({ workers: 2, dnssec: { "trust-anchor-sentinel": true } });
    expect(puts(manager)).toMatchObject([
      { path: "/v1/config/dnssec/negative-trust-anchors", status: 200 },
    ]);
    expect(puts(manager)[0]!.ifMatch).toMatch(/^".+"$/);
    expect(clears(manager)).toMatchObject([
      { method: "POST", body: { name: "watched.", "exact-name": false }, status: 200 },
    ]);
    expect([...manager.cache].sort()).toEqual([".", "other.example."]);
  });

  it("adding an NTA already there (in another spelling) writes nothing and still clears", async () => {
    const { manager, adapter } = await start(over, withNtas(["WATCHED"]));
    expect((await adapter.add("watched.", ADD)).ok).toBe(true);
    expect(manager.ntas()).toEqual(["WATCHED"]);
    expect(puts(manager)).toEqual([]);
    expect(clears(manager)).toHaveLength(1);
  });

  it("removes only ours, whatever its spelling, then clears the zone's subtree", async () => {
    const { manager, adapter } = await start(over, withNtas(["Bad.Boy", "WATCHED.", "x.watched"]));
    expect((await adapter.remove("watched.")).ok).toBe(true);
    expect(manager.ntas()).toEqual(["Bad.Boy", "x.watched"]);
    expect(manager.cache.has("www.watched.")).toBe(false);
    expect(manager.cache.has("other.example.")).toBe(true);
  });

  it("removing the last NTA leaves an empty list", async () => {
    const { manager, adapter } = await start(over, withNtas(["watched."]));
    expect((await adapter.remove("watched.")).ok).toBe(true);
    expect(manager.ntas()).toEqual([]);
    expect(await adapter.list()).toEqual({ ok: true, value: [] });
  });

  it("removing an NTA that is not there is success and writes nothing", async () => {
    const { manager, adapter } = await start(over, withNtas(["Bad.Boy"]));
    expect((await adapter.remove("watched.")).ok).toBe(true);
    expect(puts(manager)).toEqual([]);
    expect(manager.ntas()).toEqual(["Bad.Boy"]);
  });
});

describe("Knot Resolver 6: the dnssec section as the configuration file has it", () => {
  it.each([
    ["absent", {}],
    ["true", { dnssec: true }],
  ])("%s: the list is empty, and adding writes the whole section", async (_what, config) => {
    const { manager, adapter } = await start("socket", config);
    expect(await adapter.list()).toEqual({ ok: true, value: [] });
    expect((await adapter.add("watched.", ADD)).ok).toBe(true);
    expect(manager.config).toEqual({ dnssec: { "negative-trust-anchors": ["watched."] } });
    expect(puts(manager).map((p) => p.path)).toEqual(["/v1/config/dnssec"]);
  });

  it("false (validation off): no NTA is written, said plainly", async () => {
    const { manager, adapter } = await start("socket", { dnssec: false });
    expect(await adapter.list()).toEqual({ ok: true, value: [] });
    const r = await adapter.add("watched.", ADD);
    expect(r).toMatchObject({ ok: false, error: { kind: "unsupported" } });
    expect(manager.config).toEqual({ dnssec: false });
    expect((await adapter.remove("watched.")).ok).toBe(true);
  });

  it("an NTA list that is not a list of names is a bad reply", () => {
    expect(parseDnssecSection({ "negative-trust-anchors": ["a.", 3] })).toMatchObject({
      ok: false,
      error: { kind: "bad-reply" },
    });
    expect(parseDnssecSection("yes")).toMatchObject({ ok: false, error: { kind: "bad-reply" } });
  });
});

describe("Knot Resolver 6: changes made by others at the same time", () => {
  it("a change between our read and our write: 412, read again, both names kept", async () => {
    const { manager, adapter } = await start("tcp", {
      dnssec: { "negative-trust-anchors": ["Bad.Boy"] },
    });
    manager.beforeNextPut = () => {
      manager.config = { dnssec: { "negative-trust-anchors": ["Bad.Boy", "hand.example"] } };
    };
    expect((await adapter.add("watched.", ADD)).ok).toBe(true);
    expect(puts(manager).map((p) => p.status)).toEqual([412, 200]);
    expect(manager.ntas()).toEqual(["Bad.Boy", "hand.example", "watched."]);
  });

  it("someone deleting the whole section in between: the section is written again", async () => {
    const { manager, adapter } = await start("socket", {
      dnssec: { "negative-trust-anchors": ["Bad.Boy"] },
    });
    manager.beforeNextPut = () => {
      manager.config = {};
    };
    expect((await adapter.add("watched.", ADD)).ok).toBe(true);
    expect(manager.config).toEqual({ dnssec: { "negative-trust-anchors": ["watched."] } });
  });
});

describe("Knot Resolver 6: failures", () => {
  it("a name the manager's validation refuses: rejected with its words, nothing changed", async () => {
    const { manager, adapter } = await start("socket", {
      dnssec: { "negative-trust-anchors": [] },
    });
    const r = await adapter.add("_dmarc.example", ADD);
    expect(r).toMatchObject({ ok: false, error: { kind: "rejected" } });
    expect(r.ok ? "" : r.error.message).toContain("HTTP 400: validation of configuration failed");
    expect(manager.ntas()).toEqual([]);
    expect(clears(manager)).toEqual([]);
  });

  it("no socket at the path: refused", async () => {
    const adapter = new KnotResolver6Adapter({
      name: "kr6",
      endpoint: { socketPath: join(dir, "absent.sock") },
      timeoutMs: 5000,
    });
    expect(await adapter.list()).toMatchObject({ ok: false, error: { kind: "refused" } });
  });

  it("nothing listening on the port: refused", async () => {
    const { manager, adapter } = await start("tcp", {});
    await manager.close();
    managers.splice(managers.indexOf(manager), 1);
    expect(await adapter.list()).toMatchObject({ ok: false, error: { kind: "refused" } });
  });

  it("the connection closed without a reply: unreachable", async () => {
    const { manager, adapter } = await start("socket", {});
    manager.misbehave = "hang-up";
    expect(await adapter.list()).toMatchObject({ ok: false, error: { kind: "unreachable" } });
  });

  it("no reply within the timeout: timeout", async () => {
    const { manager, adapter } = await start("tcp", {}, 500);
    manager.misbehave = "silent";
    expect(await adapter.add("watched.", ADD)).toMatchObject({
      ok: false,
      error: { kind: "timeout" },
    });
  });

  it.each(["list", "flush"] as const)("a reply that is not JSON (%s): bad-reply", async (call) => {
    const { manager, adapter } = await start("socket", {});
    manager.misbehave = "garbage";
    const r = call === "list" ? await adapter.list() : await adapter.flush("watched.");
    expect(r).toMatchObject({ ok: false, error: { kind: "bad-reply" } });
  });

  it("an error text holding a key reaches no message", async () => {
    const { manager, adapter } = await start("socket", {});
    manager.misbehave = "key-in-error";
    const r = await adapter.list();
    expect(r).toMatchObject({ ok: false, error: { kind: "rejected" } });
    const message = r.ok ? "" : r.error.message;
    expect(message).toContain(REDACTED);
    expect(message).not.toContain("MC4C");
  });
});

describe("Knot Resolver 6: configuration", () => {
  const kr6 = (managementApi: string) => [{ name: "kr6", adapter: "knot-resolver", managementApi }];

  it.each([
    ["/run/knot-resolver/kres-api.sock", { socketPath: "/run/knot-resolver/kres-api.sock" }],
    ["http://127.0.0.1:5000", { host: "127.0.0.1", port: 5000 }],
    ["http://[::1]:5000/", { host: "::1", port: 5000 }],
  ])("takes %s", (text, endpoint) => {
    expect(resolversSchema.safeParse(kr6(text)).success).toBe(true);
    expect(parseManagementApi(text)).toEqual(endpoint);
  });

  it.each([
    ["a relative socket path", "run/kres-api.sock"],
    ["HTTPS, which the API does not speak", "https://127.0.0.1:5000"],
    ["a user and password (the API has no authentication)", "http://admin:hunter2@127.0.0.1:5000"],
    ["no port", "http://127.0.0.1"],
    ["a path after the port", "http://127.0.0.1:5000/v1/config"],
  ])("refuses %s", (_what, text) => {
    const r = resolversSchema.safeParse(kr6(text));
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain("hunter2");
  });

  it("refuses both kresd sockets and a management API", () => {
    const both = [
      { name: "k", adapter: "knot-resolver", sockets: ["/s"], managementApi: "/run/kres-api.sock" },
    ];
    expect(resolversSchema.safeParse(both).success).toBe(false);
  });

  it("makes an adapter that talks to the configured API", async () => {
    const manager = new FakeManager({ dnssec: { "negative-trust-anchors": ["Bad.Boy"] } });
    managers.push(manager);
    const api = await manager.listen(join(dir, `kres-api-${++socketCount}.sock`));
    const config = resolversSchema.parse(kr6(api))[0]!;
    const r = await createAdapter(config, { env: {}, readText: () => Promise.reject(new Error()) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.kind).toBe("knot-resolver");
    expect(await r.value.list()).toEqual({
      ok: true,
      value: [{ zone: "bad.boy.", raw: "Bad.Boy" }],
    });
  });
});
