/**
 * The service end to end, through real HTTP requests against the running
 * fastify server and the real SQLite file: a zone goes healthy, broken,
 * (a person confirms) proposed, (a person approves) active, and after
 * recovered rounds retracted (RFC 7646 §4), with restarts in the middle
 * that keep everything.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { Harness, ROUND_STEP, START } from "./support.js";

let h: Harness;
beforeEach(async () => {
  h = new Harness();
  await h.start();
});
afterEach(() => h.close());

const phase = async () => (await h.get("/api/v1/zones/example.")).body.phase as string;

describe("RFC 7646: proposal, approval by a person, retraction once the zone validates", () => {
  it("healthy -> broken -> confirmed -> proposed -> restart -> active -> retracted -> healthy", async () => {
    await h.round("healthy");
    expect(await phase()).toBe("healthy");

    // Widespread needs K consecutive failing rounds.
    for (let i = 1; i < T.consecutiveRounds; i++) await h.round("broken");
    expect(await phase()).toBe("degraded");
    await h.round("broken");
    expect(await phase()).toBe("broken");
    const pre = (await h.get("/api/v1/zones/example./preconditions")).body;
    expect(pre.preconditions.widespread.met).toBe(true);
    expect(pre.preconditions.noSecurityValue.met).toBe(true);
    expect(pre.preconditions.confirmed.met).toBe(false);

    const confirmed = await h.post("/api/v1/zones/example./confirm", {
      reference: "https://status.registry.example/incidents/42",
    });
    expect(confirmed.status).toBe(201);
    await h.round("broken");
    expect(await phase()).toBe("proposed");
    const [proposal] = (await h.get("/api/v1/proposals?open=true")).body.proposals;
    expect(proposal).toMatchObject({ zone: "example.", outcome: null });

    // A restart in the middle: the proposal, its evidence and the confirmation are still there.
    await h.restart();
    expect(await phase()).toBe("proposed");
    expect((await h.get("/api/v1/proposals?open=true")).body.proposals).toEqual([proposal]);
    expect((await h.get("/api/v1/zones/example./confirmations")).body.confirmations).toHaveLength(
      1,
    );

    const approvedAt = h.clock;
    const approved = await h.post("/api/v1/zones/example./approve", {
      reason: "registry confirmed a signer failure",
      lifetimeSeconds: 6 * 3600,
      proposalAt: proposal.proposedAt,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.nta).toMatchObject({
      approvedBy: "alice",
      expiresAt: approvedAt + 6 * 3600,
    });
    const feed = (await h.get("/api/v1/ntas.json")).body;
    expect(feed.ntas.map((n: { zone: string }) => n.zone)).toEqual(["example."]);

    // Still broken: the NTA stays. Then fixed: retracted after N rounds valid everywhere.
    await h.round("broken");
    expect(await phase()).toBe("active");
    for (let i = 1; i < T.recoveryRounds; i++) await h.round("healthy");
    expect(await phase()).toBe("active");
    await h.round("healthy");
    expect(await phase()).toBe("retracted");
    expect((await h.get("/api/v1/ntas.json")).body.ntas).toEqual([]);
    await h.round("healthy");
    expect(await phase()).toBe("healthy");

    // Another restart: the whole story is kept.
    const audit = (await h.get("/api/v1/audit?limit=1000")).body.entries;
    await h.restart();
    expect((await h.get("/api/v1/audit?limit=1000")).body.entries).toEqual(audit);
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        "degraded",
        "broken",
        "confirm",
        "propose",
        "approve",
        "retract",
        "close",
      ]),
    );
    const [incident] = (await h.get("/api/v1/incidents?zone=example.")).body.incidents;
    expect(incident.closedAt).not.toBeNull();
    const report = (await h.get(`/api/v1/incidents/${encodeURIComponent(incident.id)}/report.json`))
      .body.report;
    const milestones = report.rows.map((r: { milestone: string }) => r.milestone);
    expect(milestones).toEqual(
      expect.arrayContaining([
        "first-failure",
        "widespread",
        "confirmation",
        "proposal",
        "approval",
        "recovery-seen",
        "retraction",
        "closed",
      ]),
    );
    expect(report.startedAt).toBe(START + ROUND_STEP);
    const ntas = (await h.get("/api/v1/ntas")).body.ntas;
    expect(ntas).toMatchObject([
      { zone: "example.", endKind: "retracted", approvedAt: approvedAt },
    ]);
  });

  it("an NTA whose lifetime ended while the watcher was down expires at the restart", async () => {
    for (let i = 0; i < T.consecutiveRounds; i++) await h.round("broken");
    await h.post("/api/v1/zones/example./confirm", {
      reference: "chat: registry on-call confirms",
    });
    await h.round("broken");
    expect(await phase()).toBe("proposed");
    await h.post("/api/v1/zones/example./approve", { reason: "r", lifetimeSeconds: 3600 });
    await h.service!.stop();
    h.clock += 3600;
    await h.start();
    expect(await phase()).toBe("expired");
    expect((await h.get("/api/v1/ntas")).body.ntas[0]).toMatchObject({ endKind: "expired" });
  });

  it("a round that ends after shutdown began is not stored", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const probe = h.probe;
    h.probe = async (zone, now) => {
      await gate;
      return probe(zone, now);
    };
    await h.restart();
    const pending = h.service!.runRound("example.");
    const stopping = h.service!.stop();
    release();
    expect(await pending).toBeUndefined();
    await stopping;
    h.probe = probe;
    const s = await h.start();
    expect(s.store.roundCount("example.")).toBe(0);
  });
});
