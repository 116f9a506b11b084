/**
 * The store: schema migrations, the append-only audit log, and a zone's
 * lifecycle written and read back row by row (proposal, NTA with expiry,
 * extension, expiry, retraction, incident timeline, alert outbox).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import type { ZoneEvent } from "../../src/lifecycle/types.js";
import { applyEvent, applyRound, recordManualConfirmation } from "../../src/service/apply.js";
import { appliedVersions, migrate, openDatabase, SchemaTooNewError } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { RevisionConflictError, Store } from "../../src/store/store.js";
import { makeRound } from "../assess/synthetic.js";
import { assessment } from "../lifecycle/support.js";

const NOW = Date.UTC(2026, 4, 5, 12) / 1000;
const ZONE = "example.";
let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "nta-watch-store-"));
  file = path.join(dir, "state.db");
  store = Store.open(file, NOW);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const allThree = (at: number) => assessment({ zone: ZONE, at, w: true, c: true, n: true });

function act(event: ZoneEvent, at: number) {
  const r = applyEvent(store, ZONE, event, at, T);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

describe("schema migrations", () => {
  it("a new file gets every migration, recorded with its version, in WAL mode with full sync", () => {
    expect(appliedVersions(store.db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    // PRAGMA synchronous: 2 is FULL.
    expect(store.db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("reopening applies nothing again", () => {
    store.close();
    const db = openDatabase(file, { now: NOW + 1 });
    expect(migrate(db, NOW + 2)).toEqual([]);
    const at = db.prepare("SELECT applied_at FROM schema_migrations").all();
    expect(at).toEqual(MIGRATIONS.map(() => ({ applied_at: NOW })));
    db.close();
    store = Store.open(file, NOW);
  });

  it("a file written by a newer version is refused, not changed", () => {
    store.db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 0)").run();
    store.close();
    expect(() => openDatabase(file, { now: NOW })).toThrow(SchemaTooNewError);
    store = Store.open(path.join(dir, "other.db"), NOW);
  });

  it("a later migration runs once on a file at an earlier version", () => {
    const next = MIGRATIONS.length + 1;
    const extra = { version: next, description: "test column", sql: "CREATE TABLE t2 (x INTEGER)" };
    expect(migrate(store.db, NOW, [...MIGRATIONS, extra])).toEqual([next]);
    expect(migrate(store.db, NOW, [...MIGRATIONS, extra])).toEqual([]);
  });
});

describe("the audit log is append-only", () => {
  it("refuses UPDATE and DELETE of its rows", () => {
    act({ type: "round", assessment: allThree(NOW) }, NOW);
    expect(store.audit().length).toBeGreaterThan(0);
    expect(() => store.db.prepare("UPDATE audit SET actor = 'mallory'").run()).toThrow(
      /append-only/,
    );
    expect(() => store.db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
    // Also through a second connection, as an operator's shell would be.
    const other = new Database(file);
    expect(() => other.prepare("DELETE FROM audit WHERE id = 1").run()).toThrow(/append-only/);
    other.close();
  });
});

describe("RFC 7646 lifecycle rows", () => {
  it("a proposal is open while proposed and closed as approved; the NTA carries its expiry", () => {
    act({ type: "round", assessment: allThree(NOW) }, NOW);
    const [open] = store.proposals({ open: true });
    expect(open).toMatchObject({ zone: ZONE, proposedAt: NOW, outcome: null });
    expect(open!.evidence.widespread.met).toBe(true);

    const approveAt = NOW + 60;
    act(
      { type: "approve", actor: "alice", lifetimeSeconds: 7200, reason: "nic says so" },
      approveAt,
    );
    expect(store.proposals({ open: true })).toEqual([]);
    expect(store.proposals()[0]).toMatchObject({ outcome: "approved", closedAt: approveAt });
    const [nta] = store.ntas({ inForce: true });
    expect(nta).toMatchObject({
      zone: ZONE,
      approvedBy: "alice",
      approvedAt: approveAt,
      expiresAt: approveAt + 7200,
      reason: "nic says so",
      endedAt: null,
    });
    const approve = store.audit().find((a) => a.action === "approve")!;
    expect(approve).toMatchObject({
      actor: "alice",
      from: "proposed",
      to: "active",
      at: approveAt,
    });
    expect(approve.evidence?.confirmed.met).toBe(true);
  });

  it("an extension is a new approval: the old NTA row is superseded, the new one in force", () => {
    act({ type: "round", assessment: allThree(NOW) }, NOW);
    act({ type: "approve", actor: "alice", lifetimeSeconds: 3600, reason: "r" }, NOW + 1);
    act({ type: "extend", actor: "bob", lifetimeSeconds: 86400, reason: "longer" }, NOW + 100);
    const rows = store.ntas({ zone: ZONE });
    expect(rows).toHaveLength(2);
    const inForce = rows.filter((n) => n.endedAt === null);
    expect(inForce).toMatchObject([{ approvedBy: "bob", expiresAt: NOW + 100 + 86400 }]);
    expect(rows.find((n) => n.endedAt !== null)).toMatchObject({
      approvedBy: "alice",
      endKind: "superseded",
      endedAt: NOW + 100,
    });
  });

  it("expiry ends the NTA at its time; a tick before it changes nothing", () => {
    act({ type: "round", assessment: allThree(NOW) }, NOW);
    act({ type: "approve", actor: "alice", lifetimeSeconds: 3600, reason: "r" }, NOW);
    const before = store.zone(ZONE)!.revision;
    act({ type: "tick" }, NOW + 3599);
    expect(store.zone(ZONE)!.revision).toBe(before);
    act({ type: "tick" }, NOW + 3600);
    expect(store.zone(ZONE)!.state.phase).toBe("expired");
    expect(store.ntas()[0]).toMatchObject({ endKind: "expired", endedAt: NOW + 3600 });
  });

  it("a retraction ends the NTA with its reason; the incident timeline and alerts are kept", () => {
    act({ type: "round", assessment: allThree(NOW) }, NOW);
    act({ type: "approve", actor: "alice", lifetimeSeconds: 3600, reason: "r" }, NOW + 1);
    act({ type: "retract", actor: "carol", reason: "fixed upstream" }, NOW + 2);
    expect(store.ntas()[0]).toMatchObject({ endKind: "retracted" });
    expect(store.ntas()[0]!.endReason).toContain("fixed upstream");
    const [incident] = store.incidents({ zone: ZONE });
    expect(incident).toMatchObject({ zone: ZONE, openedAt: NOW, closedAt: null });
    const milestones = store.timeline(incident!.id).map((e) => e.milestone);
    expect(milestones).toEqual(
      expect.arrayContaining(["first-failure", "proposal", "approval", "retraction"]),
    );
    const kinds = store.dueAlerts(NOW + 10).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(["proposal", "approved", "retracted"]));
    act(
      { type: "round", assessment: assessment({ zone: ZONE, at: NOW + 3, valid: true }) },
      NOW + 3,
    );
    expect(store.incident(incident!.id)!.closedAt).toBe(NOW + 3);
  });

  it("a refused act stores nothing", () => {
    const r = applyEvent(
      store,
      ZONE,
      { type: "approve", actor: "alice", lifetimeSeconds: 60, reason: "x" },
      NOW,
      T,
    );
    expect(r.ok).toBe(false);
    expect(store.zones()).toEqual([]);
    expect(store.audit()).toEqual([]);
  });

  it("a writer holding a stale revision is refused", () => {
    const first = act({ type: "round", assessment: allThree(NOW) }, NOW);
    const stale = {
      zone: ZONE,
      expectedRevision: first.revision - 1,
      previous: first.state,
      steps: [],
      now: NOW,
    };
    expect(() => store.commit(stale)).toThrow(RevisionConflictError);
  });

  it("the state read back after reopening is the state written", () => {
    const r = act({ type: "round", assessment: allThree(NOW) }, NOW);
    store.close();
    store = Store.open(file, NOW);
    expect(store.zone(ZONE)).toEqual({
      zone: ZONE,
      revision: r.revision,
      updatedAt: NOW,
      state: r.state,
    });
  });
});

describe("rounds, confirmations and last known good", () => {
  it("a round is stored with its assessment and the last known good it leaves", () => {
    const round = makeRound({ zone: ZONE, at: NOW });
    const out = applyRound(store, round, NOW, T);
    expect(store.recentRounds(ZONE, 5)).toEqual([round]);
    expect(store.lastAssessment(ZONE)).toEqual(out.assessment);
    const lkg = store.lastKnownGood(ZONE);
    // Every canary of the synthetic round validates everywhere with one RRset.
    expect(Object.keys(lkg)).toHaveLength(
      new Set(round.observations.map((o) => `${o.canary.name}/${o.canary.type}`)).size,
    );
  });

  it("pruning drops rounds past the window but keeps the latest of each zone", () => {
    for (let i = 0; i < 5; i++)
      applyRound(store, makeRound({ zone: ZONE, at: NOW + i * 60 }), NOW + i * 60, T);
    applyRound(store, makeRound({ zone: "other.", at: NOW }), NOW, T);
    expect(store.pruneRounds(NOW + 10_000, 2)).toBe(3);
    expect(store.recentRounds(ZONE, 10).map((r) => r.at)).toEqual([NOW + 180, NOW + 240]);
    expect(store.roundCount("other.")).toBe(1);
  });

  it("the same confirmation from a feed is recorded once; a person's is audited", () => {
    const c = {
      zone: ZONE,
      source: "statuspage" as const,
      author: "status.nic",
      reference: "https://status.example/1",
      at: NOW,
    };
    expect(store.recordConfirmations([c, c], NOW)).toBe(1);
    recordManualConfirmation(store, { ...c, source: "manual", author: "alice" }, "alice", NOW);
    expect(
      store
        .confirmations(ZONE)
        .map((x) => x.source)
        .sort(),
    ).toEqual(["manual", "statuspage"]);
    expect(store.audit()).toMatchObject([{ actor: "alice", action: "confirm", from: "healthy" }]);
  });
});
