/**
 * NTAs on the lab's four real resolvers (Unbound, BIND, Knot Resolver 5,
 * PowerDNS Recursor), each step checked by asking the resolvers themselves:
 * during a break, reconciliation applies the NTA for the watched TLD and
 * every resolver answers under it with NOERROR and no AD (RFC 7646 §2); a
 * resolver restarted in the middle gets it back; an NTA a person added is
 * reported and left alone; after the fix the NTA is taken back and every
 * resolver answers with AD again.
 *
 * Holds the lab (lab.ts) while it runs: started fresh, or a running one
 * healed and left running.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { MemoryLedger, reconcile, type ReconcileReport } from "../../src/resolvers/runner.js";
import type { DesiredNta } from "../../src/resolvers/reconcile.js";
import type { ResolverAdapter } from "../../src/resolvers/types.js";
import {
  breakZone,
  describeLab,
  heal,
  LAB_START_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  restartResolver,
  startLab,
  stopLab,
  type ResolverName,
} from "./lab.js";
import { RESOLVERS, ask, byHand, labAdapters } from "./resolvers-lab.js";

const NOERROR = 0;
const SERVFAIL = 2;
const TLD = "watched.";
const CANARY = "www.watched.";
/** A zone only ever touched by hand in these tests. */
const HAND = "hand.example.";

let adapters: Record<ResolverName, ResolverAdapter>;
const ledger = new MemoryLedger();

const desired = (): DesiredNta[] => [
  { zone: TLD, expiresAt: Date.now() + 3_600_000, reason: "lab: expired signatures" },
];

function pass(want: DesiredNta[], dryRun = false): Promise<ReconcileReport> {
  return reconcile({
    adapters: RESOLVERS.map((r) => adapters[r]),
    desired: want,
    ledger,
    now: () => Date.now(),
    retry: { attempts: 3, backoffMs: 200, backoffCapMs: 1000 },
    resolverBudgetMs: 60_000,
    dryRun,
  });
}

const byResolver = (report: ReconcileReport, name: ResolverName) =>
  report.resolvers.find((r) => r.resolver === name)!;

async function zonesOn(name: ResolverName): Promise<string[]> {
  const listed = await adapters[name].list();
  if (!listed.ok) throw new Error(`${name}: ${listed.error.message}`);
  return listed.value.filter((e) => !e.expired).map((e) => e.zone);
}

/** Our NTA and the hand-made one off every resolver: leftovers of an interrupted run. */
async function removeTestNtas(): Promise<void> {
  for (const r of RESOLVERS) {
    await adapters[r].remove(TLD);
    await adapters[r].remove(HAND);
  }
}

describeLab("NTAs on the lab's real resolvers", () => {
  beforeAll(async () => {
    await startLab();
    adapters = labAdapters();
    await removeTestNtas();
  }, LAB_START_TIMEOUT_MS);

  afterAll(async () => {
    try {
      if (adapters) await removeTestNtas();
    } finally {
      await stopLab();
    }
  }, LAB_STOP_TIMEOUT_MS);

  it("healthy: every resolver answers with AD, and lists no NTA for the TLD", async () => {
    for (const r of RESOLVERS) {
      expect(await ask(r, CANARY), r).toMatchObject({ rcode: NOERROR, ad: true });
      expect(await zonesOn(r), r).not.toContain(TLD);
    }
  });

  it("expired signatures: every resolver answers SERVFAIL; a dry run only says it would add", async () => {
    await breakZone("expired");
    for (const r of RESOLVERS) expect((await ask(r, CANARY)).rcode, r).toBe(SERVFAIL);
    const report = await pass(desired(), true);
    for (const r of RESOLVERS) {
      const one = byResolver(report, r);
      expect(one.reachable, r).toBe(true);
      expect(one.actions.map((a) => [a.action.op, a.action.zone, a.attempted])).toEqual([
        ["add", TLD, false],
      ]);
      expect(await zonesOn(r), r).not.toContain(TLD);
    }
  });

  it("RFC 7646 §2: with the NTA applied, every resolver answers NOERROR without AD", async () => {
    const report = await pass(desired());
    for (const r of RESOLVERS) {
      const one = byResolver(report, r);
      expect(
        one.actions.map((a) => [a.action.op, a.ok, a.error?.message]),
        r,
      ).toEqual([["add", true, undefined]]);
      expect(await zonesOn(r), r).toContain(TLD);
      const answer = await ask(r, CANARY);
      expect(answer, r).toMatchObject({ rcode: NOERROR, ad: false });
      expect(answer.answers, r).toBeGreaterThan(0);
    }
  });

  it("BIND holds the NTA with our lifetime, within a minute", async () => {
    const listed = await adapters.bind.list();
    if (!listed.ok) throw new Error(listed.error.message);
    const e = listed.value.find((x) => x.zone === TLD);
    expect(Math.abs((e?.expiresAt ?? 0) - (Date.now() + 3_600_000))).toBeLessThan(60_000);
  });

  // Unbound, Knot Resolver and PowerDNS Recursor forget NTAs added over
  // their control channel when they restart.
  const forgetful = RESOLVERS.filter((r) => r !== "bind");

  it.each(forgetful)(
    "%s restarted in the middle gets the NTA back from reconciliation",
    async (r) => {
      await restartResolver(r);
      expect(await zonesOn(r)).not.toContain(TLD);
      expect((await ask(r, CANARY)).rcode).toBe(SERVFAIL);
      const report = await pass(desired());
      const one = byResolver(report, r);
      expect(one.drift).toEqual([{ zone: TLD, kind: "missing" }]);
      expect(one.pushesOk).toBe(1);
      for (const other of RESOLVERS.filter((x) => x !== r)) {
        expect(byResolver(report, other).actions, other).toEqual([]);
      }
      expect(await ask(r, CANARY)).toMatchObject({ rcode: NOERROR, ad: false });
    },
  );

  it("BIND restarted in the middle keeps the NTA by itself (saved in <view>.nta): nothing to repair", async () => {
    await restartResolver("bind");
    expect(await zonesOn("bind")).toContain(TLD);
    expect(await ask("bind", CANARY)).toMatchObject({ rcode: NOERROR, ad: false });
    const report = await pass(desired());
    expect(byResolver(report, "bind")).toMatchObject({ drift: [], actions: [] });
  });

  it("an NTA of ours removed by hand on every resolver is put back: drift, repaired", async () => {
    for (const r of RESOLVERS) byHand(r, "remove", TLD);
    for (const r of RESOLVERS) expect(await zonesOn(r), r).not.toContain(TLD);
    const report = await pass(desired());
    for (const r of RESOLVERS) {
      const one = byResolver(report, r);
      expect(one.drift, r).toEqual([{ zone: TLD, kind: "missing" }]);
      expect(one.pushesOk, r).toBe(1);
      expect(await ask(r, CANARY), r).toMatchObject({ rcode: NOERROR, ad: false });
    }
  });

  it("an NTA a person added with the resolver's own tool is reported, never removed", async () => {
    for (const r of RESOLVERS) byHand(r, "add", HAND);
    const report = await pass(desired());
    for (const r of RESOLVERS) {
      const one = byResolver(report, r);
      expect(
        one.drift.map((d) => [d.zone, d.kind]),
        r,
      ).toEqual([[HAND, "foreign"]]);
      expect(one.actions, r).toEqual([]);
      expect(await zonesOn(r), r).toContain(HAND);
    }
  });

  it("after the fix the NTA is taken back: every resolver answers with AD again", async () => {
    await heal();
    // Still under the NTA: answered as insecure, and cached so.
    for (const r of RESOLVERS)
      expect(await ask(r, CANARY), r).toMatchObject({ rcode: NOERROR, ad: false });
    const report = await pass([]);
    for (const r of RESOLVERS) {
      const one = byResolver(report, r);
      expect(
        one.actions.map((a) => [a.action.op, a.action.zone, a.ok]),
        r,
      ).toEqual([["remove", TLD, true]]);
      const zones = await zonesOn(r);
      expect(zones, r).not.toContain(TLD);
      expect(zones, r).toContain(HAND);
      expect(await ask(r, CANARY), r).toMatchObject({ rcode: NOERROR, ad: true });
      expect([...(await ledger.applied(r))], r).toEqual([]);
    }
    for (const r of RESOLVERS) byHand(r, "remove", HAND);
    for (const r of RESOLVERS) expect(await zonesOn(r), r).not.toContain(HAND);
  });
});
