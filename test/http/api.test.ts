/**
 * The HTTP API: bearer tokens and roles (RFC 6750), errors as JSON, the
 * acts of people on a zone's lifecycle (RFC 7646 §2.1), each audited with
 * the token's name, and the reads that show what was decided and why.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenTable } from "../../src/http/auth.js";
import { applyEvent, applyRound } from "../../src/service/apply.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { makeRound } from "../assess/synthetic.js";
import { assessment } from "../lifecycle/support.js";
import { bearer, makeApi, NOW } from "./support.js";

let api: ReturnType<typeof makeApi>;
beforeEach(() => {
  api = makeApi();
});
afterEach(() => api.close());

/** Puts example. in "proposed" through the real state machine. */
function propose(at = NOW) {
  const r = applyEvent(
    api.store,
    "example.",
    { type: "round", assessment: assessment({ zone: "example.", at, w: true, c: true, n: true }) },
    at,
    T,
  );
  if (!r.ok || r.state.phase !== "proposed") throw new Error("no proposal");
  return r.state;
}

const post = (url: string, who: string | undefined, payload: object) =>
  api.app.inject({ method: "POST", url, headers: who ? bearer(who) : {}, payload });
/** GET as the viewer, or with no token at all for `null`. */
const get = (url: string, who: string | null = "viewer") =>
  api.app.inject({ method: "GET", url, headers: who ? bearer(who) : {} });

describe("RFC 6750 bearer tokens and roles", () => {
  it("no token is 401 with a Bearer challenge; a wrong token is 401 too", async () => {
    const none = await get("/api/v1/zones", null);
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(none.json()).toEqual({
      error: { code: "unauthorized", message: "a bearer token is required" },
    });
    const wrong = await api.app.inject({
      url: "/api/v1/zones",
      headers: { authorization: "Bearer not-a-token-at-all" },
    });
    expect(wrong.statusCode).toBe(401);
    const basic = await api.app.inject({
      url: "/api/v1/zones",
      headers: { authorization: "Basic YWxpY2U6eA==" },
    });
    expect(basic.statusCode).toBe(401);
  });

  it("a viewer reads but may not act (403, distinct from 401)", async () => {
    propose();
    expect((await get("/api/v1/zones")).statusCode).toBe(200);
    const r = await post("/api/v1/zones/example./approve", "viewer", { reason: "x" });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe("forbidden");
    expect(api.store.zone("example.")!.state.phase).toBe("proposed");
  });

  it("the token table finds the right name for each secret and refuses two tokens of one name", () => {
    const table = new TokenTable([
      { name: "a", role: "viewer", secret: "a".repeat(20) },
      { name: "b", role: "approver", secret: "b".repeat(20) },
    ]);
    expect(table.identify("b".repeat(20))).toEqual({ name: "b", role: "approver" });
    expect(table.identify("b".repeat(19))).toBeUndefined();
    expect(
      () =>
        new TokenTable([
          { name: "a", role: "viewer", secret: "x".repeat(20) },
          { name: "a", role: "approver", secret: "y".repeat(20) },
        ]),
    ).toThrow(/two API tokens/);
  });

  it("/healthz and the OpenAPI document need no token", async () => {
    expect((await get("/healthz", null)).json()).toMatchObject({ ok: true, store: "ok" });
    expect((await get("/api/v1/openapi.json", null)).json().openapi).toBe("3.1.0");
  });
});

describe("requests are validated; errors come back as JSON", () => {
  it.each([
    ["a missing reason", { lifetimeSeconds: 3600 }, /body must have required property 'reason'/],
    ["an empty reason", { reason: "" }, /body\.reason must NOT have fewer than 1 characters/],
    [
      "an unknown field",
      { reason: "x", force: true },
      /must NOT have additional properties: "force"/,
    ],
    [
      "a lifetime that is not a number",
      { reason: "x", lifetimeSeconds: "long" },
      /lifetimeSeconds must be integer/,
    ],
  ])("%s is 400", async (_what, payload, message) => {
    propose();
    const r = await post("/api/v1/zones/example./approve", "alice", payload);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe("invalid-request");
    expect(r.json().error.message).toMatch(message);
  });

  it("a body that is not JSON is 400; an unknown route 404; an unwatched zone 404; a bad name 400", async () => {
    const bad = await api.app.inject({
      method: "POST",
      url: "/api/v1/zones/example./reject",
      headers: { ...bearer("alice"), "content-type": "application/json" },
      payload: "{nope",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("invalid-request");
    expect((await get("/api/v1/nothing")).json()).toEqual({
      error: { code: "not-found", message: "no route GET /api/v1/nothing" },
    });
    expect((await get("/api/v1/zones/other.")).statusCode).toBe(404);
    expect((await get("/api/v1/zones/a..b")).statusCode).toBe(400);
  });
});

describe("RFC 7646 §2.1: a person approves, with a lifetime and a reason", () => {
  it("approve makes the NTA active until now + lifetime, audited with the token's name and the evidence", async () => {
    propose();
    api.clock.now = NOW + 120;
    const r = await post("/api/v1/zones/example/approve", "alice", {
      reason: "registry confirmed",
      lifetimeSeconds: 7200,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      zone: "example.",
      phase: "active",
      nta: { approvedBy: "alice", expiresAt: NOW + 120 + 7200 },
    });
    const audit = (await get("/api/v1/audit?zone=example.")).json().entries;
    const approve = audit.find((e: { action: string }) => e.action === "approve");
    expect(approve).toMatchObject({
      actor: "alice",
      at: NOW + 120,
      from: "proposed",
      to: "active",
    });
    expect(approve.evidence.widespread.met).toBe(true);
  });

  it("without a lifetime the proposal's applies; above the maximum it is refused (400)", async () => {
    const state = propose();
    const long = await post("/api/v1/zones/example./approve", "alice", {
      reason: "r",
      lifetimeSeconds: 8 * 86400,
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toMatch(/lifetime/);
    const r = await post("/api/v1/zones/example./approve", "alice", { reason: "r" });
    expect(r.json().nta.expiresAt).toBe(NOW + state.proposal!.lifetimeSeconds);
  });

  it("an act that does not apply in the phase is 409 and changes nothing", async () => {
    const r = await post("/api/v1/zones/example./approve", "alice", { reason: "r" });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toMatch(/only possible on a proposal, not while healthy/);
    expect(api.store.audit()).toEqual([]);
  });

  it("an approval of a proposal that changed since it was read is 409", async () => {
    const state = propose();
    const r = await post("/api/v1/zones/example./approve", "alice", {
      reason: "r",
      proposalAt: state.proposal!.at - 60,
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toMatch(/changed since it was read/);
  });

  it("reject closes the proposal as rejected, audited with its actor and reason", async () => {
    propose();
    const r = await post("/api/v1/zones/example./reject", "bob", { reason: "not convinced" });
    expect(r.json().phase).toBe("rejected");
    expect(api.store.proposals()[0]).toMatchObject({ outcome: "rejected", closedAt: NOW });
    const entry = api.store.audit().find((a) => a.action === "reject");
    expect(entry).toMatchObject({
      actor: "bob",
      reason: "not convinced",
      from: "proposed",
      to: "rejected",
    });
  });

  it("extend is a new approval counted from now; retract ends the NTA", async () => {
    propose();
    await post("/api/v1/zones/example./approve", "alice", { reason: "r", lifetimeSeconds: 3600 });
    api.clock.now = NOW + 1800;
    const ext = await post("/api/v1/zones/example./extend", "bob", {
      reason: "still broken",
      lifetimeSeconds: 86400,
    });
    expect(ext.json().nta).toMatchObject({ approvedBy: "bob", expiresAt: NOW + 1800 + 86400 });
    const ret = await post("/api/v1/zones/example./retract", "alice", { reason: "fixed" });
    expect(ret.json().phase).toBe("retracted");
    const actions = api.store.audit({ zone: "example." }).map((a) => [a.actor, a.action]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["alice", "approve"],
        ["bob", "extend"],
        ["alice", "retract"],
      ]),
    );
    const ntas = (await get("/api/v1/ntas")).json().ntas;
    expect(ntas.map((n: { endKind: string }) => n.endKind).sort()).toEqual([
      "retracted",
      "superseded",
    ]);
  });

  it("a confirmation is recorded with its reference and audited (201)", async () => {
    const r = await post("/api/v1/zones/de/confirm", "alice", {
      reference: "https://status.denic.example/incidents/1",
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      zone: "de.",
      recorded: true,
      confirmation: { author: "alice", source: "manual", at: NOW },
    });
    const list = (await get("/api/v1/zones/de./confirmations")).json().confirmations;
    expect(list).toHaveLength(1);
    expect(api.store.audit()).toMatchObject([{ actor: "alice", action: "confirm", zone: "de." }]);
  });
});

describe("reads", () => {
  it("zones lists every watched zone, probed or not", async () => {
    propose();
    const zones = (await get("/api/v1/zones")).json().zones;
    expect(zones.map((z: { zone: string; phase: string }) => [z.zone, z.phase])).toEqual([
      ["de.", "healthy"],
      ["example.", "proposed"],
    ]);
  });

  it("preconditions show the latest assessment's three preconditions with evidence; observations the rounds", async () => {
    expect((await get("/api/v1/zones/example./preconditions")).statusCode).toBe(404);
    const round = makeRound({ zone: "example.", at: NOW });
    applyRound(api.store, round, NOW, T);
    const p = (await get("/api/v1/zones/example./preconditions")).json();
    expect(p.status).toBe("healthy");
    expect(Object.keys(p.preconditions)).toEqual(["widespread", "confirmed", "noSecurityValue"]);
    expect(p.preconditions.confirmed).toMatchObject({
      met: false,
      evidence: { summary: "no confirmation recorded" },
    });
    const obs = (await get("/api/v1/zones/example./observations?rounds=5")).json();
    expect(obs.rounds).toEqual([JSON.parse(JSON.stringify(round))]);
  });

  it("proposals, incidents with their timeline report in JSON and Markdown", async () => {
    propose();
    await post("/api/v1/zones/example./approve", "alice", { reason: "r", lifetimeSeconds: 3600 });
    expect((await get("/api/v1/proposals")).json().proposals[0]).toMatchObject({
      outcome: "approved",
    });
    expect((await get("/api/v1/proposals?open=true")).json().proposals).toEqual([]);
    const [incident] = (await get("/api/v1/incidents?zone=example.")).json().incidents;
    const id = encodeURIComponent(incident.id);
    const report = (await get(`/api/v1/incidents/${id}/report.json`)).json().report;
    expect(report.rows.map((r: { milestone: string }) => r.milestone)).toEqual(
      expect.arrayContaining(["first-failure", "proposal", "approval"]),
    );
    const md = await get(`/api/v1/incidents/${id}/report.md`);
    expect(md.headers["content-type"]).toMatch(/^text\/markdown/);
    expect(md.body).toContain(`# Incident ${incident.id}`);
    expect(
      (await get(`/api/v1/incidents/${encodeURIComponent("nope@x")}/report.md`)).statusCode,
    ).toBe(404);
  });

  it("the audit log pages forward by id", async () => {
    propose();
    const all = (await get("/api/v1/audit")).json().entries;
    expect(all.length).toBeGreaterThan(1);
    const first = (await get("/api/v1/audit?limit=1")).json();
    const rest = (await get(`/api/v1/audit?after=${first.next}`)).json();
    expect([...first.entries, ...rest.entries]).toEqual(all);
  });
});
