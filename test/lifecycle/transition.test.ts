import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { transition } from "../../src/lifecycle/transition.js";
import {
  END_PHASES,
  type Effect,
  type Phase,
  type ZoneEvent,
  type ZoneState,
} from "../../src/lifecycle/types.js";
import { ALL_THREE, assessment, HEALTHY, inPhase, NOW, ZONE } from "./support.js";

const round = (s: Parameters<typeof assessment>[0]): ZoneEvent => ({
  type: "round",
  assessment: assessment(s),
});
const ROUND_HEALTHY: ZoneEvent = { type: "round", assessment: HEALTHY };
const ROUND_ALL: ZoneEvent = { type: "round", assessment: ALL_THREE };
const FAILING = round({});
const WIDESPREAD = round({ w: true });
const TAMPERING = round({ tampering: true, w: true, c: true });
const approve = (lifetimeSeconds = 86400, actor = "alice"): ZoneEvent => ({
  type: "approve",
  actor,
  lifetimeSeconds,
  reason: "operator confirmed on their status page",
});

function run(state: ZoneState, event: ZoneEvent) {
  const r = transition(state, event, NOW, T);
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  return r;
}
const kinds = (effects: Effect[]) =>
  effects.map((e) => (e.kind === "alert" ? `alert:${e.alert.kind}` : e.kind));

describe("lifecycle: every transition on an assessed round (DESIGN, lifecycle of a zone)", () => {
  const table: [string, ZoneState, ZoneEvent, Phase, string[]][] = [
    [
      "a healthy zone stays healthy on a healthy round",
      inPhase("healthy"),
      ROUND_HEALTHY,
      "healthy",
      [],
    ],
    [
      "a healthy zone that starts failing is degraded and opens an incident",
      inPhase("healthy"),
      FAILING,
      "degraded",
      ["timeline", "alert:failure", "audit"],
    ],
    [
      "a healthy zone with tampering evidence is blocked with an alarm",
      inPhase("healthy"),
      TAMPERING,
      "blocked",
      ["alert:tampering"],
    ],
    [
      "a healthy zone failing widely is broken",
      inPhase("healthy"),
      WIDESPREAD,
      "broken",
      ["alert:widespread"],
    ],
    [
      "a healthy zone meeting all three preconditions is proposed",
      inPhase("healthy"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "a degraded zone that validates again is healthy and its incident closes",
      inPhase("degraded"),
      ROUND_HEALTHY,
      "healthy",
      ["alert:recovered"],
    ],
    [
      "a degraded zone failing widely is broken",
      inPhase("degraded"),
      WIDESPREAD,
      "broken",
      ["alert:widespread"],
    ],
    [
      "a degraded zone meeting all three preconditions is proposed",
      inPhase("degraded"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "a degraded zone with tampering evidence is blocked",
      inPhase("degraded"),
      TAMPERING,
      "blocked",
      ["alert:tampering"],
    ],
    [
      "a degraded zone still failing locally stays degraded",
      inPhase("degraded"),
      FAILING,
      "degraded",
      [],
    ],
    [
      "a broken zone no longer failing widely is degraded",
      inPhase("broken"),
      FAILING,
      "degraded",
      ["audit"],
    ],
    [
      "a broken zone meeting all three preconditions is proposed",
      inPhase("broken"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "a broken zone that validates again is healthy",
      inPhase("broken"),
      ROUND_HEALTHY,
      "healthy",
      ["alert:recovered"],
    ],
    [
      "a broken zone with tampering evidence is blocked",
      inPhase("broken"),
      TAMPERING,
      "blocked",
      ["alert:tampering"],
    ],
    [
      "a broken zone with two of three preconditions stays broken",
      inPhase("broken"),
      round({ w: true, n: true }),
      "broken",
      [],
    ],
    [
      "a proposal stays while all three preconditions hold",
      inPhase("proposed"),
      ROUND_ALL,
      "proposed",
      [],
    ],
    [
      "a proposal is withdrawn when the zone recovers",
      inPhase("proposed"),
      ROUND_HEALTHY,
      "withdrawn",
      ["alert:withdrawn"],
    ],
    [
      "a proposal is withdrawn when the failure stops being widespread",
      inPhase("proposed"),
      round({ c: true, n: true }),
      "withdrawn",
      ["alert:withdrawn"],
    ],
    [
      "a proposal is withdrawn with an alarm when tampering appears",
      inPhase("proposed"),
      TAMPERING,
      "withdrawn",
      ["alert:tampering"],
    ],
    [
      "an active NTA stays while the zone still fails",
      inPhase("active", { recoveryRounds: 2 }),
      ROUND_ALL,
      "active",
      [],
    ],
    [
      "an active NTA counts a first round valid everywhere",
      inPhase("active"),
      round({ valid: true, status: "healthy" }),
      "active",
      ["timeline"],
    ],
    [
      "an active NTA is retracted after N rounds valid everywhere",
      inPhase("active", { recoveryRounds: T.recoveryRounds - 1 }),
      round({ valid: true, status: "healthy" }),
      "retracted",
      ["remove-nta", "alert:retracted"],
    ],
    [
      "an active NTA is retracted at once with an alarm when tampering appears",
      inPhase("active"),
      TAMPERING,
      "retracted",
      ["remove-nta", "alert:tampering", "alert:retracted"],
    ],
    [
      "a rejected proposal is not proposed again while the zone stays broken",
      inPhase("rejected"),
      ROUND_ALL,
      "rejected",
      [],
    ],
    [
      "a withdrawn proposal is proposed again when all three hold again",
      inPhase("withdrawn"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "an expired NTA leads to a new proposal when the zone is still broken",
      inPhase("expired"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "a retracted NTA leads to a new proposal when the zone breaks again",
      inPhase("retracted"),
      ROUND_ALL,
      "proposed",
      ["alert:proposal"],
    ],
    [
      "a withdrawal for tampering is never followed by a proposal in the same incident",
      inPhase("withdrawn", { tamperingSeen: true }),
      ROUND_ALL,
      "withdrawn",
      [],
    ],
    ["a blocked zone stays blocked while it fails", inPhase("blocked"), ROUND_ALL, "blocked", []],
    [
      "a withdrawn zone with tampering evidence is blocked",
      inPhase("withdrawn"),
      TAMPERING,
      "blocked",
      ["alert:tampering"],
    ],
    [
      "an expired zone with tampering evidence is blocked",
      inPhase("expired"),
      TAMPERING,
      "blocked",
      ["alert:tampering"],
    ],
    [
      "a blocked zone seeing tampering again raises no second alarm",
      inPhase("blocked"),
      TAMPERING,
      "blocked",
      [],
    ],
    [
      "a degraded zone is blocked on tampering evidence even when nothing else can be concluded",
      inPhase("degraded"),
      round({ status: "unknown", tampering: true }),
      "blocked",
      ["alert:tampering"],
    ],
    [
      "a healthy zone stays put when nothing answered",
      inPhase("healthy"),
      round({ status: "unknown" }),
      "healthy",
      [],
    ],
  ];
  it.each(table)("%s", (_name, from, event, to, expected) => {
    const r = run(from, event);
    expect(r.state.phase).toBe(to);
    for (const k of expected) expect(kinds(r.effects)).toContain(k);
    if (expected.length === 0 && from.phase === to)
      expect(r.effects.filter((e) => e.kind !== "timeline")).toEqual([]);
  });

  it.each(END_PHASES)(
    "the end %s returns to healthy, closing the incident, once the zone is healthy",
    (phase) => {
      const r = run(inPhase(phase), ROUND_HEALTHY);
      expect(r.state.phase).toBe("healthy");
      expect(r.state.incident).toBeUndefined();
      const closed = r.effects.find((e) => e.kind === "timeline" && e.entry.milestone === "closed");
      expect(closed).toBeDefined();
    },
  );

  it("an active NTA resets its recovery count on a round that does not validate everywhere", () => {
    expect(run(inPhase("active", { recoveryRounds: 2 }), FAILING).state.recoveryRounds).toBe(0);
  });

  it("an active NTA resets its recovery count when nothing can be concluded (unknown)", () => {
    const r = run(inPhase("active", { recoveryRounds: 2 }), round({ status: "unknown" }));
    expect(r.state.phase).toBe("active");
    expect(r.state.recoveryRounds).toBe(0);
  });

  it("says the zone is insecure, not in error, when an NTA is retracted after the DS was removed", () => {
    const r = run(
      inPhase("active", { recoveryRounds: T.recoveryRounds - 1 }),
      round({ valid: true, status: "healthy", validAs: "insecure" }),
    );
    const removal = r.effects.find((e) => e.kind === "remove-nta");
    expect(removal?.kind === "remove-nta" && removal.reason).toContain("insecure");
    expect(removal?.kind === "remove-nta" && removal.reason).toContain("not an error");
  });

  it("keeps the evidence that held in every audit entry of a round", () => {
    const r = run(inPhase("healthy"), ROUND_ALL);
    const audits = r.effects.flatMap((e) => (e.kind === "audit" ? [e.entry] : []));
    expect(audits.length).toBeGreaterThan(0);
    for (const a of audits) expect(a.evidence?.widespread.met).toBe(true);
  });

  it("never changes the state it is given", () => {
    const before = inPhase("active", { recoveryRounds: 1 });
    const copy = structuredClone(before);
    run(before, TAMPERING);
    expect(before).toEqual(copy);
  });

  it("names the missing precondition when two of three hold", () => {
    const r = run(inPhase("broken"), round({ w: true, n: true }));
    expect(r.state.candidate?.missing).toBe("confirmed");
    expect(r.state.candidate?.summary).toContain("publicly confirmed");
  });

  it("shows no candidate when tampering is seen", () => {
    expect(run(inPhase("degraded"), TAMPERING).state.candidate).toBeUndefined();
  });
});

describe("lifecycle: warnings that change no phase", () => {
  const expiring = { horizon: NOW + 7200, secondsLeft: 7200, canary: "example./SOA" };

  it("warns once about signatures about to expire, not again for the same horizon", () => {
    const first = run(inPhase("healthy"), round({ status: "healthy", valid: true, expiring }));
    expect(kinds(first.effects)).toContain("alert:signatures-expiring");
    expect(first.state.phase).toBe("healthy");
    const second = run(first.state, round({ status: "healthy", valid: true, expiring }));
    expect(kinds(second.effects)).not.toContain("alert:signatures-expiring");
  });

  it("raises a critical alert once when the local clock is suspect, and no incident", () => {
    const first = run(inPhase("healthy"), round({ status: "unknown", clock: true }));
    const alert = first.effects.find((e) => e.kind === "alert");
    expect(alert?.kind === "alert" && alert.alert).toMatchObject({
      kind: "clock-suspect",
      severity: "critical",
    });
    expect(first.state.incident).toBeUndefined();
    expect(kinds(run(first.state, round({ status: "unknown", clock: true })).effects)).toEqual([]);
  });
});

describe("lifecycle: acts of people (RFC 7646 §2.1: an NTA is never automatic)", () => {
  it("activates a proposal on a person's approval and asks for the NTA until its lifetime ends", () => {
    const r = run(inPhase("proposed"), approve(7200));
    expect(r.state.phase).toBe("active");
    expect(r.state.nta).toMatchObject({ approvedBy: "alice", expiresAt: NOW + 7200 });
    expect(r.effects).toContainEqual({
      kind: "apply-nta",
      zone: ZONE,
      expiresAt: NOW + 7200,
      reason: "operator confirmed on their status page",
    });
    const audit = r.effects.find((e) => e.kind === "audit");
    expect(audit?.kind === "audit" && audit.entry.actor).toBe("alice");
  });

  it.each<[string, ZoneEvent, string]>([
    ["an approval by the watcher itself", approve(86400, "nta-watch"), "not-a-person"],
    ["an approval without an actor", approve(86400, " "), "not-a-person"],
    ["an approval longer than a week (604801 s)", approve(604801), "lifetime-out-of-range"],
    ["an approval shorter than a minute", approve(30), "lifetime-out-of-range"],
    ["an approval for a fractional lifetime", approve(3600.5), "lifetime-out-of-range"],
    [
      "an approval without a reason",
      { type: "approve", actor: "alice", lifetimeSeconds: 3600, reason: "" },
      "reason-missing",
    ],
  ])("refuses %s with a typed error", (_name, event, code) => {
    const r = transition(inPhase("proposed"), event, NOW, T);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe(code);
  });

  it("accepts an approval of exactly one week", () => {
    expect(run(inPhase("proposed"), approve(604800)).state.nta?.expiresAt).toBe(NOW + 604800);
  });

  it("refuses a lifetime above a lowered configured maximum", () => {
    const r = transition(inPhase("proposed"), approve(86400), NOW, {
      ...T,
      ntaLifetimeMaxSeconds: 3600,
      ntaLifetimeDefaultSeconds: 3600,
    });
    expect(!r.ok && r.error.code).toBe("lifetime-out-of-range");
  });

  const notProposed: Phase[] = ["healthy", "degraded", "broken", "active", ...END_PHASES];
  it.each(notProposed)("refuses an approval while %s", (phase) => {
    const r = transition(inPhase(phase), approve(), NOW, T);
    expect(!r.ok && r.error).toMatchObject({
      code: "not-allowed-in-phase",
      phase,
      event: "approve",
    });
  });

  it("ends a proposal on a person's rejection", () => {
    const r = run(inPhase("proposed"), {
      type: "reject",
      actor: "bob",
      reason: "looks like an attack to us",
    });
    expect(r.state.phase).toBe("rejected");
    expect(r.state.proposal).toBeUndefined();
  });

  it.each(notProposed)("refuses a rejection while %s", (phase) => {
    const r = transition(inPhase(phase), { type: "reject", actor: "bob", reason: "no" }, NOW, T);
    expect(!r.ok && r.error.code).toBe("not-allowed-in-phase");
  });

  it("retracts an active NTA on a person's request and asks for its removal", () => {
    const r = run(inPhase("active"), {
      type: "retract",
      actor: "carol",
      reason: "operator says fixed",
    });
    expect(r.state.phase).toBe("retracted");
    expect(kinds(r.effects)).toContain("remove-nta");
  });

  it.each<Phase>(["healthy", "proposed", "broken", "expired"])(
    "refuses a manual retraction while %s",
    (phase) => {
      const r = transition(
        inPhase(phase),
        { type: "retract", actor: "carol", reason: "x" },
        NOW,
        T,
      );
      expect(!r.ok && r.error.code).toBe("not-allowed-in-phase");
    },
  );

  it("extends an active NTA from now, as a new approval", () => {
    const r = run(inPhase("active"), {
      type: "extend",
      actor: "dave",
      lifetimeSeconds: 172800,
      reason: "still broken",
    });
    expect(r.state.phase).toBe("active");
    expect(r.state.nta).toMatchObject({ approvedBy: "dave", expiresAt: NOW + 172800 });
    expect(kinds(r.effects)).toContain("apply-nta");
  });

  it("refuses an extension beyond a week and an extension of a proposal", () => {
    const tooLong = transition(
      inPhase("active"),
      { type: "extend", actor: "dave", lifetimeSeconds: 604801, reason: "x" },
      NOW,
      T,
    );
    expect(!tooLong.ok && tooLong.error.code).toBe("lifetime-out-of-range");
    const notActive = transition(
      inPhase("proposed"),
      { type: "extend", actor: "dave", lifetimeSeconds: 3600, reason: "x" },
      NOW,
      T,
    );
    expect(!notActive.ok && notActive.error.code).toBe("not-allowed-in-phase");
  });

  it("records the deployment of an active NTA on the timeline, and refuses it otherwise", () => {
    const r = run(inPhase("active"), { type: "deployed", resolvers: ["unbound-1", "bind-1"] });
    expect(r.state.nta?.deployedAt).toBe(NOW);
    const entry = r.effects.find((e) => e.kind === "timeline");
    expect(entry?.kind === "timeline" && entry.entry.milestone).toBe("deployment");
    const refused = transition(inPhase("proposed"), { type: "deployed", resolvers: [] }, NOW, T);
    expect(!refused.ok && refused.error.code).toBe("not-allowed-in-phase");
  });

  it("refuses an assessment of another zone", () => {
    const r = transition(
      inPhase("healthy"),
      { type: "round", assessment: assessment({ zone: "other." }) },
      NOW,
      T,
    );
    expect(!r.ok && r.error.code).toBe("zone-mismatch");
  });
});

describe("lifecycle: expiry (RFC 7646: every NTA ends on its own)", () => {
  it("keeps an NTA active before its lifetime ends", () => {
    const state = inPhase("active");
    const r = transition(state, { type: "tick" }, state.nta!.expiresAt - 1, T);
    expect(r.ok && r.state.phase).toBe("active");
    expect(r.ok && r.effects).toEqual([]);
  });

  it("expires the NTA when its lifetime ends and asks for its removal", () => {
    const state = inPhase("active");
    const r = transition(state, { type: "tick" }, state.nta!.expiresAt, T);
    expect(r.ok && r.state.phase).toBe("expired");
    expect(r.ok && kinds(r.effects)).toEqual(
      expect.arrayContaining(["remove-nta", "alert:expired"]),
    );
  });

  it.each<Phase>(["healthy", "proposed", "broken", "retracted"])(
    "does nothing on a tick while %s",
    (phase) => {
      const r = transition(inPhase(phase), { type: "tick" }, NOW + 10 * 86400, T);
      expect(r.ok && r.state.phase).toBe(phase);
      expect(r.ok && r.effects).toEqual([]);
    },
  );
});
