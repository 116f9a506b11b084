/**
 * The "recovery seen" message speaks of an NTA's retraction only when an NTA
 * is in force. A zone that failed (degraded) and validates again before any
 * proposal gets the lifecycle's own "healthy again" alert, not a message
 * promising the retraction of an NTA that never existed.
 */

import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { initialState, transition } from "../../src/lifecycle/transition.js";
import type { ZoneEvent, ZoneState } from "../../src/lifecycle/types.js";
import { withNotices, type Notice } from "../../src/notify/notices.js";
import type { TransitionStep } from "../../src/store/store.js";
import { assessment } from "../lifecycle/support.js";

const T0 = Date.UTC(2026, 4, 5, 12) / 1000;
const ZONE = "example.";

function run(start: ZoneState, events: [ZoneEvent, number][]): Notice[] {
  const steps: TransitionStep[] = [];
  let s = start;
  for (const [e, at] of events) {
    const r = transition(s, e, at, T);
    if (!r.ok) throw new Error(r.error.message);
    steps.push(r);
    s = r.state;
  }
  return withNotices(start, steps)
    .flatMap((x) => x.effects)
    .flatMap((e) => (e.kind === "alert" ? [e.alert as unknown as Notice] : []));
}

const round = (at: number, failing: boolean): [ZoneEvent, number] => [
  {
    type: "round",
    assessment: assessment(failing ? { at, w: false } : { at, status: "healthy", valid: true }),
  },
  at,
];

describe("recovery-seen alerts", () => {
  it("a degraded zone that validates again: 'healthy again', no word of an NTA", () => {
    const alerts = run(initialState(ZONE, T0), [round(T0, true), round(T0 + 60, false)]);
    const kinds = alerts.map((a) => a.kind);
    expect(kinds).toContain("recovered");
    expect(kinds).not.toContain("recovery-seen");
    expect(alerts.some((a) => /NTA/.test(a.summary))).toBe(false);
  });

  it("an active NTA: the first valid round says the retraction waits for more rounds", () => {
    let s = initialState(ZONE, T0);
    const failing = [0, 60, 120, 180].map((d) => ({
      type: "round" as const,
      assessment: assessment({ at: T0 + d, w: true, c: true, n: true }),
    }));
    for (const [i, e] of failing.entries()) {
      const r = transition(s, e, T0 + i * 60, T);
      if (!r.ok) throw new Error(r.error.message);
      s = r.state;
    }
    expect(s.phase).toBe("proposed");
    const approve: ZoneEvent = {
      type: "approve",
      actor: "alice",
      lifetimeSeconds: 3600,
      reason: "registry confirmed",
    };
    const r = transition(s, approve, T0 + 300, T);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.state.phase).toBe("active");
    const alerts = run(r.state, [round(T0 + 360, false)]);
    const seen = alerts.filter((a) => a.kind === "recovery-seen");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.summary).toContain(
      "the NTA is retracted once this holds for the configured rounds",
    );
  });
});
