/**
 * Reconciliation on every change and on a schedule, the ledger kept across
 * restarts of nta-watch, and which resolvers an NTA is in force on.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileLedger } from "../../src/resolvers/ledger.js";
import { Reconciler, deployedOn } from "../../src/resolvers/reconciler.js";
import { MemoryLedger, type ReconcileReport } from "../../src/resolvers/runner.js";
import {
  done,
  ok,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "../../src/resolvers/types.js";

const NOW = Date.UTC(2026, 0, 30, 10, 0, 0);

class Memory implements ResolverAdapter {
  readonly kind = "pdns-recursor" as const;
  readonly ntas = new Set<string>();
  lists = 0;
  constructor(readonly name: string) {}
  list(): Promise<Result<NtaEntry[]>> {
    this.lists++;
    return Promise.resolve(ok([...this.ntas].map((zone) => ({ zone, raw: zone }))));
  }
  add(zone: string): Promise<Result> {
    this.ntas.add(zone);
    return Promise.resolve(done);
  }
  remove(zone: string): Promise<Result> {
    this.ntas.delete(zone);
    return Promise.resolve(done);
  }
  flush(): Promise<Result> {
    return Promise.resolve(done);
  }
}

describe("passes on change", () => {
  it("changes during a pass make exactly one more pass, which sees the latest list", async () => {
    const r = new Memory("pdns");
    let desired = [{ zone: "ru.", expiresAt: NOW + 3_600_000, reason: "r" }];
    const reports: ReconcileReport[] = [];
    const reconciler = new Reconciler({
      adapters: [r],
      desired: () => Promise.resolve(desired),
      ledger: new MemoryLedger(),
      now: () => NOW,
      retry: { attempts: 1, backoffMs: 10, backoffCapMs: 10 },
      resolverBudgetMs: 10_000,
      dryRun: false,
      intervalMs: 3_600_000,
      onReport: (report) => void reports.push(report),
      onError: (e) => {
        throw e;
      },
    });
    const first = reconciler.trigger();
    desired = [...desired, { zone: "xn--p1ai.", expiresAt: NOW + 3_600_000, reason: "r" }];
    const second = reconciler.trigger();
    const third = reconciler.trigger();
    await Promise.all([first, second, third]);
    expect(reports.length).toBe(2);
    expect(await third).toBe(await second);
    expect([...r.ntas].sort()).toEqual(["ru.", "xn--p1ai."]);
  });
});

describe("the ledger file", () => {
  it("a new ledger on the same file knows what the previous one applied", async () => {
    const file = path.join(
      mkdtempSync(path.join(tmpdir(), "nta-watch-ledger-")),
      "sub",
      "ledger.json",
    );
    const one = new FileLedger(file);
    await one.recordApplied("bind", "de.");
    await one.recordApplied("bind", "al.");
    await one.recordApplied("unbound", "de.");
    await one.recordRemoved("bind", "de.");
    const two = new FileLedger(file);
    expect([...(await two.applied("bind"))]).toEqual(["al."]);
    expect([...(await two.applied("unbound"))]).toEqual(["de."]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      version: 1,
      applied: { bind: ["al."], unbound: ["de."] },
    });
  });
});

describe("deployed on", () => {
  it("counts resolvers that hold the NTA or took it, not those down or failing", () => {
    const base = { adapter: "unbound" as const, drift: [], pushesOk: 0, pushesFailed: 0 };
    const add = {
      op: "add" as const,
      zone: "de.",
      lifetimeSeconds: 60,
      reason: "r",
      why: "new" as const,
    };
    const report: ReconcileReport = {
      at: NOW,
      dryRun: false,
      resolvers: [
        {
          ...base,
          resolver: "a",
          reachable: true,
          listed: [{ zone: "de.", raw: "de" }],
          actions: [],
        },
        {
          ...base,
          resolver: "b",
          reachable: true,
          listed: [],
          actions: [{ action: add, attempted: true, ok: true, attempts: 1 }],
        },
        {
          ...base,
          resolver: "c",
          reachable: true,
          listed: [],
          actions: [{ action: add, attempted: true, ok: false, attempts: 4 }],
        },
        { ...base, resolver: "d", reachable: false, listed: [], actions: [] },
        {
          ...base,
          resolver: "e",
          reachable: true,
          listed: [{ zone: "de.", raw: "de", partial: true }],
          actions: [],
        },
      ],
    };
    expect(deployedOn(report, "de.")).toEqual(["a", "b"]);
  });
});
