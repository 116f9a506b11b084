/**
 * Deployment wired into the service (issue 6), against in-memory resolvers:
 * an approval is pushed to every resolver at once and its deployment is an
 * incident milestone; a resolver that is down blocks neither the others nor
 * the service and raises one alert; the ledger in the store keeps our NTAs
 * ours across a restart (RFC 7646 §2.1: only a person's NTA is left alone);
 * retraction takes them back; dry-run only reports.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { Round } from "../../src/probe/observation.js";
import {
  done,
  fail,
  ok,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "../../src/resolvers/types.js";
import { bootParts } from "../../src/service/boot.js";
import { Service } from "../../src/service/service.js";
import { StoreLedger } from "../../src/store/ledger.js";
import { Store } from "../../src/store/store.js";
import { bad, makeRound } from "../assess/synthetic.js";
import { ENV, makeConfig, ROUND_STEP, START } from "./support.js";

/** A resolver in memory: its NTAs, and whether it answers at all. */
class FakeResolver implements ResolverAdapter {
  readonly kind = "unbound" as const;
  readonly ntas = new Map<string, string>();
  down = false;
  constructor(readonly name: string) {}
  #gate<T>(v: () => T): Promise<Result<T>> {
    return Promise.resolve(this.down ? fail("refused", `${this.name}: ECONNREFUSED`) : ok(v()));
  }
  list(): Promise<Result<NtaEntry[]>> {
    return this.#gate(() => [...this.ntas.keys()].map((zone) => ({ zone, raw: zone })));
  }
  add(zone: string, o: { reason: string }): Promise<Result> {
    if (this.down) return Promise.resolve(fail("refused", "down"));
    this.ntas.set(zone, o.reason);
    return Promise.resolve(done);
  }
  remove(zone: string): Promise<Result> {
    if (this.down) return Promise.resolve(fail("refused", "down"));
    this.ntas.delete(zone);
    return Promise.resolve(done);
  }
  flush(): Promise<Result> {
    return Promise.resolve(done);
  }
}

const ZONE = "example.";

class Rig {
  readonly dir = mkdtempSync(path.join(tmpdir(), "nta-watch-deploy-"));
  clock = START;
  mode: "healthy" | "broken" = "healthy";
  service: Service | undefined;
  readonly resolvers = [new FakeResolver("r1"), new FakeResolver("r2")];

  constructor(private readonly extra: Record<string, unknown> = {}) {}

  probe = (zone: string, now: number): Promise<Round> =>
    Promise.resolve(
      makeRound({
        zone,
        at: now,
        watched: this.mode === "broken" ? () => bad("signature-invalid") : () => ({}),
      }),
    );

  async start(): Promise<Service> {
    const config = makeConfig(this.dir, {
      reconcile: { attempts: 1, backoff: "10ms", backoffCap: "10ms", resolverBudget: "2s" },
      ...this.extra,
    });
    const booted = await bootParts(config, path.join(this.dir, "nta-watch.yaml"), {
      env: ENV,
      logger: pino({ level: "silent" }),
      probeRound: this.probe,
      now: () => this.clock,
      schedule: false,
    });
    if (!booted.ok) throw new Error(JSON.stringify(booted.errors));
    this.service = await Service.start({ ...booted.parts, adapters: this.resolvers });
    return this.service;
  }

  async round(mode: "healthy" | "broken") {
    this.mode = mode;
    const out = await this.service!.runRound(ZONE);
    this.clock += ROUND_STEP;
    return out!;
  }

  async post(p: string, payload: object) {
    const { port } = this.service!.address();
    const r = await fetch(`http://127.0.0.1:${port}${p}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ENV.TOKEN_ALICE}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  /** Broken for K rounds, confirmed, proposed, approved by a person. */
  async approved(): Promise<void> {
    for (let i = 0; i < T.consecutiveRounds; i++) await this.round("broken");
    await this.post(`/api/v1/zones/${ZONE}/confirm`, { reference: "https://status.example/1" });
    await this.round("broken");
    expect(this.service!.store.zone(ZONE)?.state.phase).toBe("proposed");
    const r = await this.post(`/api/v1/zones/${ZONE}/approve`, {
      reason: "registry confirmed a signer failure",
      lifetimeSeconds: 3600,
    });
    expect(r.status).toBe(200);
  }

  drift() {
    return this.service!.store.db.prepare(
      "SELECT zone, severity, payload_json FROM alert_outbox WHERE kind = 'drift'",
    )
      .all()
      .map(
        (r) => JSON.parse((r as { payload_json: string }).payload_json) as Record<string, unknown>,
      );
  }

  async close(): Promise<void> {
    await this.service?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("an approved NTA reaches the resolvers (RFC 7646 §2)", () => {
  it("is pushed on approval, and its deployment is an incident milestone", async () => {
    rig = new Rig();
    await rig.start();
    await rig.approved();
    const report = await rig.service!.reconcile();
    expect(report?.resolvers.map((r) => r.reachable)).toEqual([true, true]);
    for (const r of rig.resolvers) expect([...r.ntas.keys()]).toEqual([ZONE]);
    const state = rig.service!.store.zone(ZONE)!.state;
    expect(state.phase).toBe("active");
    expect(state.nta?.deployedAt).toBe(rig.clock);
    const [incident] = rig.service!.store.incidents({ zone: ZONE });
    const milestones = rig.service!.store.timeline(incident!.id).map((e) => e.milestone);
    expect(milestones.filter((m) => m === "deployment")).toHaveLength(1);
    expect(rig.service!.store.ntas({ inForce: true })[0]?.deployedAt).toBe(rig.clock);

    // A second pass finds everything in sync: no second milestone.
    await rig.service!.reconcile();
    expect(
      rig.service!.store.timeline(incident!.id).filter((e) => e.milestone === "deployment"),
    ).toHaveLength(1);
  });

  it("a resolver that is down blocks neither the other one nor the rounds, and is one alert", async () => {
    rig = new Rig();
    await rig.start();
    rig.resolvers[1]!.down = true;
    await rig.approved();
    await rig.service!.reconcile();
    expect([...rig.resolvers[0]!.ntas.keys()]).toEqual([ZONE]);
    await rig.round("broken");
    await rig.service!.reconcile();
    const drift = rig.drift();
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ zone: "", resolver: "r2", reconcile: "resolver-unreachable" });
    // Deployed on the one that answered; the outbox says which one did not.
    expect(rig.service!.store.zone(ZONE)!.state.nta?.deployedAt).toBeDefined();

    // Back up: the next pass repairs it.
    rig.resolvers[1]!.down = false;
    await rig.service!.reconcile();
    expect([...rig.resolvers[1]!.ntas.keys()]).toEqual([ZONE]);
  });
});

describe("our NTAs stay ours across a restart, a person's stay theirs", () => {
  it("after a restart, retraction removes ours and leaves the person's", async () => {
    rig = new Rig();
    await rig.start();
    await rig.approved();
    await rig.service!.reconcile();
    rig.resolvers[0]!.ntas.set("hand.example.", "added by hand");

    await rig.service!.stop();
    await rig.start();
    await rig.service!.reconcile();
    const foreign = rig.drift().filter((d) => d.reconcile === "foreign-nta");
    expect(foreign.map((d) => d.zone)).toEqual(["hand.example."]);

    for (let i = 0; i < T.recoveryRounds; i++) await rig.round("healthy");
    expect(rig.service!.store.zone(ZONE)!.state.phase).toBe("retracted");
    await rig.service!.reconcile();
    expect([...rig.resolvers[0]!.ntas.keys()]).toEqual(["hand.example."]);
    expect([...rig.resolvers[1]!.ntas.keys()]).toEqual([]);
  });

  it("the ledger is a table of the store file, kept across reopening", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-ledger-"));
    try {
      const file = path.join(dir, "state.db");
      let store = Store.open(file, START);
      await new StoreLedger(store.db, () => START).recordApplied("bind", "watched.");
      await new StoreLedger(store.db, () => START).recordApplied("bind", "other.");
      await new StoreLedger(store.db, () => START).recordRemoved("bind", "other.");
      store.close();
      store = Store.open(file, START + 1);
      const ledger = new StoreLedger(store.db, () => START + 1);
      expect([...(await ledger.applied("bind"))]).toEqual(["watched."]);
      expect([...(await ledger.applied("unbound"))]).toEqual([]);
      expect(ledger.entries()).toEqual([{ resolver: "bind", zone: "watched.", appliedAt: START }]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("dry-run mode only reports", () => {
  it("pushes nothing and reports the NTA as missing work", async () => {
    rig = new Rig({ reconcile: { dryRun: true } });
    await rig.start();
    await rig.approved();
    const report = await rig.service!.reconcile();
    expect(report?.dryRun).toBe(true);
    for (const r of rig.resolvers) expect(r.ntas.size).toBe(0);
    expect(
      report?.resolvers.flatMap((r) => r.actions.map((a) => [a.action.op, a.attempted])),
    ).toEqual([
      ["add", false],
      ["add", false],
    ]);
    expect(rig.service!.store.zone(ZONE)!.state.nta?.deployedAt).toBeUndefined();
    // The operator applies it by hand: now it is in place, and that is the deployment.
    for (const r of rig.resolvers) r.ntas.set(ZONE, "by hand");
    await rig.service!.reconcile();
    expect(rig.service!.store.zone(ZONE)!.state.nta?.deployedAt).toBeDefined();
  });
});
