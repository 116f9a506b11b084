/**
 * The reconciliation runner against stand-in adapters: retries with
 * exponential backoff and a cap, resolvers independent of each other, the
 * ledger kept, dry-run mode, and the report as data for metrics and alerts.
 */
import { describe, expect, it } from "vitest";
import {
  MemoryLedger,
  backoffDelay,
  reconcile,
  reconcileAlerts,
  reportCounts,
  type RunnerOptions,
} from "../../src/resolvers/runner.js";
import {
  done,
  fail,
  ok,
  type AdapterErrorKind,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "../../src/resolvers/types.js";

const NOW = Date.UTC(2026, 6, 3, 8, 0, 0);

type Op = "list" | "add" | "remove";

/** A resolver in memory; `failures[op]` lists errors to return, one per call, before succeeding. */
class StandIn implements ResolverAdapter {
  readonly kind = "unbound" as const;
  readonly ntas = new Set<string>();
  readonly calls: string[] = [];
  failures: Partial<Record<Op, AdapterErrorKind[]>> = {};
  hang = false;

  constructor(readonly name: string) {}

  private next(op: Op): Result | undefined {
    const kind = this.failures[op]?.shift();
    return kind === undefined ? undefined : fail(kind, `${kind} from ${this.name}`);
  }
  list(): Promise<Result<NtaEntry[]>> {
    this.calls.push("list");
    if (this.hang) return new Promise(() => {});
    const f = this.next("list");
    if (f && !f.ok) return Promise.resolve(f);
    return Promise.resolve(ok([...this.ntas].map((zone) => ({ zone, raw: zone }))));
  }
  add(zone: string): Promise<Result> {
    this.calls.push(`add ${zone}`);
    const f = this.next("add");
    if (f) return Promise.resolve(f);
    this.ntas.add(zone);
    return Promise.resolve(done);
  }
  remove(zone: string): Promise<Result> {
    this.calls.push(`remove ${zone}`);
    const f = this.next("remove");
    if (f) return Promise.resolve(f);
    this.ntas.delete(zone);
    return Promise.resolve(done);
  }
  flush(): Promise<Result> {
    return Promise.resolve(done);
  }
}

function options(adapters: StandIn[], extra: Partial<RunnerOptions> = {}) {
  const slept: number[] = [];
  const o: RunnerOptions = {
    adapters,
    desired: [{ zone: "al.", expiresAt: NOW + 3_600_000, reason: "DS/DNSKEY mismatch" }],
    ledger: new MemoryLedger(),
    now: () => NOW,
    retry: { attempts: 4, backoffMs: 1000, backoffCapMs: 3000 },
    resolverBudgetMs: 60_000,
    dryRun: false,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    ...extra,
  };
  return { o, slept };
}

describe("retries", () => {
  it("the wait doubles from the first backoff and stops at the cap", () => {
    const policy = { attempts: 7, backoffMs: 500, backoffCapMs: 5000 };
    expect([2, 3, 4, 5, 6, 7].map((n) => backoffDelay(policy, n))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it("a refused connection is tried again after the backoff and the NTA lands", async () => {
    const r = new StandIn("unbound");
    r.failures = { list: ["refused"], add: ["timeout"] };
    const { o, slept } = options([r]);
    const report = await reconcile(o);
    expect(slept).toEqual([1000, 1000]);
    expect(report.resolvers[0]!.reachable).toBe(true);
    expect(report.resolvers[0]!.actions[0]!.attempts).toBe(2);
    expect(r.ntas.has("al.")).toBe(true);
    expect(report.resolvers[0]!.pushesOk).toBe(1);
  });

  it("gives up after the configured attempts and reports the resolver's message", async () => {
    const r = new StandIn("bind");
    r.failures = { list: ["refused", "refused", "refused", "refused"] };
    const { o, slept } = options([r]);
    const report = await reconcile(o);
    expect(slept).toEqual([1000, 2000, 3000]);
    expect(report.resolvers[0]).toMatchObject({
      reachable: false,
      error: { kind: "refused", message: "refused from bind" },
    });
  });

  it("a refusal by the resolver itself is not retried", async () => {
    const r = new StandIn("pdns");
    r.failures = { list: ["unsupported"] };
    const { o } = options([r]);
    // list fails with "unsupported": one attempt only.
    await reconcile(o);
    expect(r.calls).toEqual(["list"]);
  });

  it("a failed push is counted and raises an alert", async () => {
    const r = new StandIn("pdns");
    r.failures = { add: ["rejected"] };
    const { o } = options([r]);
    const report = await reconcile(o);
    expect(report.resolvers[0]!.pushesFailed).toBe(1);
    expect(reconcileAlerts(report).map((a) => a.kind)).toEqual(["push-failed"]);
  });
});

describe("independence of resolvers", () => {
  it("a resolver that never answers runs out of its budget; the others are reconciled", async () => {
    const stuck = new StandIn("knot");
    stuck.hang = true;
    const fine = new StandIn("unbound");
    const { o } = options([stuck, fine], { resolverBudgetMs: 50 });
    const report = await reconcile(o);
    expect(report.resolvers.map((r) => [r.resolver, r.reachable])).toEqual([
      ["knot", false],
      ["unbound", true],
    ]);
    expect(report.resolvers[0]!.error?.kind).toBe("timeout");
    expect(fine.ntas.has("al.")).toBe(true);
  });
});

describe("the ledger", () => {
  it("a restarted resolver that lost our NTA gets it back, and that is drift", async () => {
    const r = new StandIn("unbound");
    const { o } = options([r]);
    await reconcile(o);
    r.ntas.clear(); // restart
    const report = await reconcile(o);
    expect(report.resolvers[0]!.drift).toEqual([{ zone: "al.", kind: "missing" }]);
    expect(r.ntas.has("al.")).toBe(true);
  });

  it("after retraction ours is removed and a person's NTA stays", async () => {
    const r = new StandIn("bind");
    const { o } = options([r]);
    await reconcile(o);
    r.ntas.add("ru.");
    const report = await reconcile({ ...o, desired: [] });
    expect([...r.ntas]).toEqual(["ru."]);
    expect(report.resolvers[0]!.drift.map((d) => [d.zone, d.kind])).toEqual([
      ["al.", "left-behind"],
      ["ru.", "foreign"],
    ]);
    expect([...(await o.ledger.applied("bind"))]).toEqual([]);
    expect(reconcileAlerts(report).map((a) => [a.kind, a.zone])).toEqual([
      ["drift-repaired", "al."],
      ["foreign-nta", "ru."],
    ]);
  });
});

describe("dry run", () => {
  it("only reports what it would do: nothing is sent and the ledger stays empty", async () => {
    const r = new StandIn("unbound");
    r.ntas.add("ru.");
    const { o } = options([r], { dryRun: true });
    const report = await reconcile(o);
    expect(r.calls).toEqual(["list"]);
    expect(report.resolvers[0]!.actions).toEqual([
      {
        action: {
          op: "add",
          zone: "al.",
          lifetimeSeconds: 3600,
          reason: "DS/DNSKEY mismatch",
          why: "new",
        },
        attempted: false,
        ok: false,
        attempts: 0,
      },
    ]);
    expect([...(await o.ledger.applied("unbound"))]).toEqual([]);
    expect(reportCounts(report)).toEqual([
      { resolver: "unbound", up: true, pushesOk: 0, pushesFailed: 0, drift: { foreign: 1 } },
    ]);
  });
});
