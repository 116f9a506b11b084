/**
 * The reconciliation diff, one row per rule of the table in
 * src/resolvers/reconcile.ts: desired NTAs against what a resolver lists and
 * what nta-watch applied there.
 */
import { describe, expect, it } from "vitest";
import {
  diffResolver,
  inForce,
  lifetimeSeconds,
  type DesiredNta,
  type PlannedAction,
} from "../../src/resolvers/reconcile.js";
import type { NtaEntry } from "../../src/resolvers/types.js";

const NOW = Date.UTC(2026, 4, 5, 12, 0, 0);
const HOUR = 3_600_000;

const want = (zone: string, hours = 6): DesiredNta => ({
  zone,
  expiresAt: NOW + hours * HOUR,
  reason: `broken signing of ${zone}`,
});
const listed = (zone: string, extra: Partial<NtaEntry> = {}): NtaEntry => ({
  zone,
  raw: zone.slice(0, -1),
  ...extra,
});
const add = (zone: string, why: "new" | "missing" | "expires-early" | "partial", hours = 6) => ({
  op: "add" as const,
  zone,
  lifetimeSeconds: hours * 3600,
  reason: `broken signing of ${zone}`,
  why,
});

interface Row {
  name: string;
  desired: DesiredNta[];
  listed: NtaEntry[];
  ledger: string[];
  actions: PlannedAction[];
  drift: { zone: string; kind: string }[];
  forget?: string[];
  inSync?: string[];
}

const rows: Row[] = [
  {
    name: "a desired NTA never applied is pushed, and that is not drift",
    desired: [want("de.")],
    listed: [],
    ledger: [],
    actions: [add("de.", "new")],
    drift: [],
  },
  {
    name: "a desired NTA the resolver holds and we applied is in sync",
    desired: [want("de.")],
    listed: [listed("de.")],
    ledger: ["de."],
    actions: [],
    drift: [],
    inSync: ["de."],
  },
  {
    name: "ours, desired, gone from the resolver (restart, removed by hand): missing, added back",
    desired: [want("de.")],
    listed: [],
    ledger: ["de."],
    actions: [add("de.", "missing")],
    drift: [{ zone: "de.", kind: "missing" }],
  },
  {
    name: "ours, retracted, still on the resolver: left behind, removed",
    desired: [],
    listed: [listed("al.")],
    ledger: ["al."],
    actions: [{ op: "remove", zone: "al.", why: "left-behind" }],
    drift: [{ zone: "al.", kind: "left-behind" }],
  },
  {
    name: "an NTA a person added, not desired: reported, never removed",
    desired: [],
    listed: [listed("ru.")],
    ledger: [],
    actions: [],
    drift: [{ zone: "ru.", kind: "foreign" }],
  },
  {
    name: "an NTA a person added for a desired zone: reported, left as it is",
    desired: [want("de.")],
    listed: [listed("de.")],
    ledger: [],
    actions: [],
    drift: [{ zone: "de.", kind: "foreign" }],
  },
  {
    name: "ours, retracted, already gone: dropped from the ledger, nothing sent",
    desired: [],
    listed: [],
    ledger: ["nz."],
    actions: [],
    drift: [],
    forget: ["nz."],
  },
  {
    name: "a desired NTA past its expiry is not desired any more",
    desired: [{ zone: "se.", expiresAt: NOW, reason: "r" }],
    listed: [listed("se.")],
    ledger: ["se."],
    actions: [{ op: "remove", zone: "se.", why: "left-behind" }],
    drift: [{ zone: "se.", kind: "left-behind" }],
  },
  {
    name: "BIND lists an NTA of ours as expired: added again",
    desired: [want("de.")],
    listed: [listed("de.", { expired: true, expiresAt: NOW - 1000 })],
    ledger: ["de."],
    actions: [add("de.", "missing")],
    drift: [{ zone: "de.", kind: "missing" }],
  },
  {
    name: "BIND would drop ours an hour early: refreshed with our lifetime",
    desired: [want("de.")],
    listed: [listed("de.", { expiresAt: NOW + 5 * HOUR })],
    ledger: ["de."],
    actions: [add("de.", "expires-early")],
    drift: [{ zone: "de.", kind: "expires-early" }],
  },
  {
    name: "BIND's expiry within the margin of ours is in sync",
    desired: [want("de.")],
    listed: [listed("de.", { expiresAt: NOW + 6 * HOUR - 30_000 })],
    ledger: ["de."],
    actions: [],
    drift: [],
    inSync: ["de."],
  },
  {
    name: "an NTA only some kresd processes hold is pushed to all",
    desired: [want("de.")],
    listed: [listed("de.", { partial: true })],
    ledger: ["de."],
    actions: [add("de.", "partial")],
    drift: [{ zone: "de.", kind: "partial" }],
  },
  {
    name: "an expired NTA nobody owns is neither removed nor reported",
    desired: [],
    listed: [listed("cz.", { expired: true })],
    ledger: [],
    actions: [],
    drift: [],
  },
  {
    name: "several zones at once, each by its own rule",
    desired: [want("de."), want("al.", 2)],
    listed: [listed("de."), listed("ru."), listed("se.")],
    ledger: ["de.", "al.", "se."],
    actions: [add("al.", "missing", 2), { op: "remove", zone: "se.", why: "left-behind" }],
    drift: [
      { zone: "al.", kind: "missing" },
      { zone: "ru.", kind: "foreign" },
      { zone: "se.", kind: "left-behind" },
    ],
    inSync: ["de."],
  },
];

describe("RFC 7646 §2.1 and §8: reconciling the NTAs of one resolver", () => {
  it.each(rows)("$name", (row) => {
    const plan = diffResolver(row.desired, row.listed, new Set(row.ledger), NOW);
    expect(plan.actions).toEqual(row.actions);
    expect(plan.drift.map(({ zone, kind }) => ({ zone, kind }))).toEqual(row.drift);
    expect(plan.forget).toEqual(row.forget ?? []);
    expect(plan.inSync).toEqual(row.inSync ?? []);
  });

  it("never plans the removal of a zone that is not in the ledger", () => {
    const zones = ["a.", "b.", "c.", "d."];
    for (let mask = 0; mask < 1 << 12; mask++) {
      const pick = (shift: number) => zones.filter((_, i) => (mask >> (shift + i)) & 1);
      const ledger = new Set(pick(0));
      const plan = diffResolver(
        pick(4).map((z) => want(z)),
        pick(8).map((z) => listed(z)),
        ledger,
        NOW,
      );
      for (const a of plan.actions) if (a.op === "remove") expect(ledger.has(a.zone)).toBe(true);
    }
  });
});

describe("lifetimes", () => {
  it("the lifetime sent is the time left to our expiry, rounded up to a second", () => {
    expect(lifetimeSeconds(NOW + 1500, NOW)).toBe(2);
    expect(lifetimeSeconds(NOW + 7 * 24 * HOUR, NOW)).toBe(604_800);
  });

  it("two approvals of the same zone: the later expiry is in force", () => {
    const m = inForce([want("de.", 1), want("de.", 3)], NOW);
    expect(m.get("de.")?.expiresAt).toBe(NOW + 3 * HOUR);
  });
});
