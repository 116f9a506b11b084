/**
 * The NTA lifecycle end to end on the lab (issue 5 "Tests that must hold",
 * issue 6's end-to-end): the real service, its real probe rounds, its
 * SQLite file and HTTP API, and the lab's four real resolvers, each step
 * checked by asking the resolvers themselves with dig.
 *
 * - A signing failure (expired signatures) goes broken, then, after a
 *   person's confirmation, proposed, then active on a person's approval
 *   (RFC 7646 §2.1); the NTA reaches every resolver (NOERROR, no AD); a
 *   restart of the service in the middle keeps everything, and a resolver
 *   restarted meanwhile gets its NTA back; after the fix the NTA is
 *   retracted (RFC 7646 §4) and every resolver validates again (AD).
 * - Tampering is blocked: no proposal, an alarm in the outbox.
 * - A vantage down, or a wrong local clock, never yields a proposal.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { dig } from "./lab-dig.js";
import {
  breakZone,
  describeLab,
  heal,
  lab,
  LAB_START_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  restartResolver,
  startLab,
  stopLab,
} from "./lab.js";
import { clearLabNtas, LabService, ZONE } from "./lifecycle-lab.js";

const STORY_MS = 8 * 60_000;
const SHORT_MS = 4 * 60_000;

beforeAll(startLab, LAB_START_TIMEOUT_MS);
afterAll(stopLab, LAB_STOP_TIMEOUT_MS);

let ls: LabService | undefined;
beforeEach(clearLabNtas, LAB_STOP_TIMEOUT_MS);
afterEach(async () => {
  await ls?.close();
  ls = undefined;
  await heal();
  await clearLabNtas();
}, LAB_STOP_TIMEOUT_MS);

/** What every lab resolver answers for the canary, asked with dig (CD=0, DO=1). */
async function answers(): Promise<Record<string, { status: string; ad: boolean }>> {
  const out: Record<string, { status: string; ad: boolean }> = {};
  for (const r of lab.resolvers) {
    const a = await dig(r.address, lab.names.watched, "A");
    out[r.name] = { status: a.status, ad: a.flags.includes("ad") };
  }
  return out;
}

const every = (answer: { status: string; ad: boolean }) =>
  Object.fromEntries(lab.resolvers.map((r) => [r.name, answer]));

describeLab(
  "RFC 7646: a signing failure, proposed, approved, deployed, retracted after the fix",
  () => {
    it(
      "expired signatures: broken, confirmed, proposed, approved, NTA on every resolver, restart, healed, retracted",
      async () => {
        ls = new LabService();
        await ls.start();
        expect(await ls.round()).toBe("healthy");

        await breakZone("expired");
        const toBroken = await ls.roundsUntil("broken", 4);
        expect(toBroken.at(-1)).toBe("broken");
        const pre = (await ls.get(`/api/v1/zones/${ZONE}/preconditions`)).body.preconditions;
        expect(pre.widespread.met).toBe(true);
        expect(pre.noSecurityValue.met).toBe(true);
        expect(pre.confirmed.met).toBe(false);
        expect(await answers()).toEqual(every({ status: "SERVFAIL", ad: false }));

        const confirmed = await ls.post(`/api/v1/zones/${ZONE}/confirm`, {
          reference: "https://status.watched.example/incidents/1",
        });
        expect(confirmed.status).toBe(201);
        expect(await ls.round()).toBe("proposed");
        const [proposal] = (await ls.get("/api/v1/proposals?open=true")).body.proposals;
        expect(proposal).toMatchObject({ zone: ZONE, outcome: null });

        const approved = await ls.post(`/api/v1/zones/${ZONE}/approve`, {
          reason: "registry confirmed its signer stopped re-signing",
          lifetimeSeconds: 3600,
          proposalAt: proposal.proposedAt,
        });
        expect(approved.status).toBe(200);
        expect(ls.phase()).toBe("active");
        const report = await ls.service!.reconcile();
        expect(report?.resolvers.map((r) => [r.resolver, r.reachable, r.pushesFailed])).toEqual(
          lab.resolvers.map((r) => [r.name, true, 0]),
        );
        // RFC 7646 §2: under the NTA, answers are given without validation.
        expect(await answers()).toEqual(every({ status: "NOERROR", ad: false }));
        const deployedAt = ls.service!.store.zone(ZONE)!.state.nta?.deployedAt;
        expect(deployedAt).toBeDefined();

        // A restart of the service after the approval, with Unbound restarted
        // while the service was down (an NTA added over the control channel is
        // lost with the process): everything is kept, and the NTA comes back.
        const audit = (await ls.get("/api/v1/audit?limit=1000")).body.entries;
        const ntas = (await ls.get("/api/v1/ntas")).body.ntas;
        await ls.service!.stop();
        await restartResolver("unbound");
        expect((await dig(lab.resolvers[0].address, lab.names.watched, "A")).status).toBe(
          "SERVFAIL",
        );
        await ls.start();
        expect(ls.phase()).toBe("active");
        expect((await ls.get("/api/v1/audit?limit=1000")).body.entries).toEqual(audit);
        expect((await ls.get("/api/v1/ntas")).body.ntas).toEqual(ntas);
        expect(ls.service!.store.zone(ZONE)!.state.nta?.deployedAt).toBe(deployedAt);
        const repaired = await ls.service!.reconcile();
        const unbound = repaired?.resolvers.find((r) => r.resolver === "unbound");
        expect(unbound?.drift).toEqual([expect.objectContaining({ zone: ZONE, kind: "missing" })]);
        expect(await answers()).toEqual(every({ status: "NOERROR", ad: false }));

        // Still broken: the NTA stays.
        expect(await ls.round()).toBe("active");

        await heal();
        expect(await ls.roundsUntil("retracted", 3)).toContain("retracted");
        const removed = await ls.service!.reconcile();
        expect(removed?.resolvers.every((r) => r.reachable && r.pushesFailed === 0)).toBe(true);
        expect(await answers()).toEqual(every({ status: "NOERROR", ad: true }));
        expect(ls.service!.deployment?.ledger.entries()).toEqual([]);

        expect(await ls.round()).toBe("healthy");
        const [incident] = (await ls.get(`/api/v1/incidents?zone=${ZONE}`)).body.incidents;
        expect(incident.closedAt).not.toBeNull();
        const timeline = (
          await ls.get(`/api/v1/incidents/${encodeURIComponent(incident.id)}/report.json`)
        ).body.report;
        expect(timeline.rows.map((r: { milestone: string }) => r.milestone)).toEqual(
          expect.arrayContaining([
            "first-failure",
            "widespread",
            "confirmation",
            "proposal",
            "approval",
            "deployment",
            "recovery-seen",
            "retraction",
            "closed",
          ]),
        );
        expect(timeline.durations.map((d: { label: string }) => d.label)).toContain(
          "approval to deployment",
        );
        expect((await ls.get("/api/v1/ntas")).body.ntas).toMatchObject([
          { zone: ZONE, endKind: "retracted" },
        ]);
      },
      STORY_MS,
    );
  },
);

describeLab("RFC 7646 §7: never an NTA for what may be an attack", () => {
  it(
    "tampering on one path: blocked, no proposal even when confirmed, an alarm in the outbox",
    async () => {
      ls = new LabService();
      await ls.start();
      expect(await ls.round()).toBe("healthy");
      await breakZone("tamper");
      await ls.post(`/api/v1/zones/${ZONE}/confirm`, { reference: "a rumour on a forum" });
      const phases: string[] = [];
      for (let i = 0; i < 4; i++) phases.push(await ls.round());
      expect(phases).not.toContain("proposed");
      expect(phases.at(-1)).toBe("blocked");
      expect((await ls.get("/api/v1/proposals")).body.proposals).toEqual([]);
      expect(ls.outbox()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: "tampering", zone: ZONE, severity: "critical" }),
        ]),
      );
    },
    SHORT_MS,
  );
});

describeLab("what is not the zone's fault never yields a proposal", () => {
  it(
    "a vantage down (PowerDNS Recursor stopped) is indeterminate: no proposal",
    async () => {
      ls = new LabService();
      await ls.start();
      await breakZone("vantage-down");
      await ls.post(`/api/v1/zones/${ZONE}/confirm`, { reference: "nothing is wrong" });
      const phases: string[] = [];
      for (let i = 0; i < 4; i++) phases.push(await ls.round());
      expect(phases).toEqual(["healthy", "healthy", "healthy", "healthy"]);
      expect((await ls.get("/api/v1/proposals")).body.proposals).toEqual([]);
      // The resolver being down is reported by reconciliation, without holding up the others.
      const report = await ls.service!.reconcile();
      expect(report?.resolvers.map((r) => [r.resolver, r.reachable])).toEqual(
        lab.resolvers.map((r) => [r.name, r.name !== "pdns"]),
      );
      expect(ls.outbox()).toEqual([
        expect.objectContaining({ kind: "drift", zone: "", severity: "critical" }),
      ]);
    },
    SHORT_MS,
  );

  it(
    "a local clock 40 days ahead: every signature looks expired, control zone too; no proposal",
    async () => {
      ls = new LabService(40 * 86_400);
      await ls.start();
      await ls.post(`/api/v1/zones/${ZONE}/confirm`, { reference: "https://status.example/2" });
      const phases: string[] = [];
      for (let i = 0; i < 4; i++) phases.push(await ls.round());
      expect(phases).not.toContain("proposed");
      expect(phases).not.toContain("broken");
      expect((await ls.get("/api/v1/proposals")).body.proposals).toEqual([]);
      expect(ls.outbox().map((a) => a.kind)).toContain("clock-suspect");
    },
    SHORT_MS,
  );
});
