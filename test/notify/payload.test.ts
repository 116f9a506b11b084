/**
 * What receivers get: the Slack message (Block Kit blocks and a text
 * fallback), the signature a receiver verifies against replay, and the
 * alerts derived from a transition beside the state machine's own.
 */

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { earlyWarnings } from "../../src/assess/early-warning.js";
import { initialState, transition } from "../../src/lifecycle/transition.js";
import type { Alert, Effect, ZoneEvent, ZoneState } from "../../src/lifecycle/types.js";
import { driftNotices, remindersDue, withNotices, type Notice } from "../../src/notify/notices.js";
import { slackMessage, webhookBody } from "../../src/notify/payload.js";
import { signatureHeader, verifySignature } from "../../src/notify/sign.js";
import type { OutboxRow } from "../../src/store/rows.js";
import type { TransitionStep } from "../../src/store/store.js";
import { assessment } from "../lifecycle/support.js";
import { round } from "../metrics/support.js";

const T0 = Date.UTC(2026, 4, 5, 12) / 1000;
const ZONE = "example.";

function step(state: ZoneState, event: ZoneEvent, now: number): TransitionStep {
  const r = transition(state, event, now, T);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

const alertsOf = (steps: TransitionStep[]): Notice[] =>
  steps
    .flatMap((s) => s.effects)
    .flatMap((e) => (e.kind === "alert" ? [e.alert as unknown as Notice] : []));

function row(n: Notice, id = 7): OutboxRow {
  return {
    id,
    kind: n.kind,
    zone: n.zone,
    severity: n.severity,
    payload: { ...n, at: T0 },
    createdAt: T0,
    attempts: 0,
    nextAttemptAt: T0,
    sentAt: null,
    lastError: null,
  };
}

function proposed(): { state: ZoneState; notice: Notice } {
  const prev = initialState(ZONE, T0);
  const s = step(
    prev,
    { type: "round", assessment: assessment({ at: T0, w: true, c: true, n: true }) },
    T0,
  );
  const [enriched] = withNotices(prev, [s]);
  const notice = alertsOf([enriched!]).find((a) => a.kind === "proposal")!;
  return { state: s.state, notice };
}

describe("Slack incoming webhook message (Block Kit)", () => {
  const { notice } = proposed();
  const msg = slackMessage(row(notice), "https://watch.example.net/console/zones/{zone}") as {
    text: string;
    blocks: {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { url?: string; text?: unknown }[];
    }[];
  };

  it("has a text fallback naming the zone, the kind and the state", () => {
    expect(msg.text).toContain("example.: proposal (proposed)");
  });

  it("shows the zone, the state, the three preconditions with evidence, the next step and a link", () => {
    const types = msg.blocks.map((b) => b.type);
    expect(types[0]).toBe("header");
    expect(types).toContain("actions");
    const all = JSON.stringify(msg.blocks);
    expect(msg.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text)).toEqual(
      expect.arrayContaining(["*Zone*\nexample.", "*State*\nproposed"]),
    );
    for (const words of [
      "Widespread*: widespread holds",
      "Publicly confirmed*: confirmed holds",
      "No security value in rejecting*: no security value holds",
    ]) {
      expect(all).toContain(words);
    }
    expect(all).toContain("*Next*: Review the three preconditions");
    const button = msg.blocks.find((b) => b.type === "actions")!.elements![0]!;
    expect(button.url).toBe("https://watch.example.net/console/zones/example.");
  });

  it("escapes Slack's control characters in evidence text", () => {
    const n: Notice = { ...notice, summary: "a <script> & b" };
    expect(JSON.stringify(slackMessage(row(n)))).toContain("a &lt;script&gt; &amp; b");
    expect(
      (slackMessage(row(n)) as { blocks: { type: string }[] }).blocks.map((b) => b.type),
    ).not.toContain("actions");
  });
});

describe("signature verification by a receiver, against replay", () => {
  const body = JSON.stringify({ version: 1, kind: "proposal" });
  const secret = "receiver-secret-0123456789";

  it("accepts the header nta-watch makes, whose HMAC is computed independently here", () => {
    const h = signatureHeader(secret, T0, body);
    const hex = createHmac("sha256", secret).update(`${T0}.${body}`).digest("hex");
    expect(h).toBe(`t=${T0},v1=${hex}`);
    expect(verifySignature(h, body, secret, T0 + 10)).toEqual({ ok: true, t: T0 });
  });

  it("refuses an old time (a replay), a changed body, another secret, a malformed header", () => {
    const h = signatureHeader(secret, T0, body);
    expect(verifySignature(h, body, secret, T0 + 301)).toMatchObject({
      ok: false,
      why: "time outside tolerance",
    });
    expect(verifySignature(h, body.replace("proposal", "approved"), secret, T0)).toMatchObject({
      ok: false,
    });
    expect(verifySignature(h, body, "another-secret-0123456789", T0)).toMatchObject({ ok: false });
    expect(verifySignature("v1=abc", body, secret, T0)).toMatchObject({ ok: false });
    expect(verifySignature(undefined, body, secret, T0)).toMatchObject({ ok: false });
    // The time is signed: moving it forward breaks the signature.
    expect(
      verifySignature(h.replace(`t=${T0}`, `t=${T0 + 100}`), body, secret, T0 + 100),
    ).toMatchObject({ ok: false });
  });
});

describe("alerts derived from a transition", () => {
  it("every alert carries the zone's state after the transition, and a dedup key of kind, zone and state", () => {
    const { notice } = proposed();
    expect(notice).toMatchObject({ phase: "proposed", dedupKey: "proposal|example.|proposed" });
    expect(notice.evidence?.widespread).toEqual({ met: true, summary: "widespread holds" });
    expect(notice.proposal).toMatchObject({ at: T0, lifetimeSeconds: 86400 });
    expect(webhookBody(row(notice)).incident).toBe(notice.incidentId);
  });

  it("a precondition that changes while the zone fails is announced", () => {
    const prev = initialState(ZONE, T0);
    const a = step(prev, { type: "round", assessment: assessment({ at: T0, w: true }) }, T0);
    const b = step(
      a.state,
      { type: "round", assessment: assessment({ at: T0 + 60, w: true, c: true }) },
      T0 + 60,
    );
    const alerts = alertsOf(withNotices(prev, [a, b]));
    const changes = alerts.filter((x) => x.kind === "precondition-changed");
    expect(changes).toHaveLength(1);
    expect(changes[0]!.summary).toContain("Publicly confirmed now holds (confirmed holds)");
    expect(changes[0]!.severity).toBe("warning");
  });

  it("deployment and the first recovery seen get messages of their own", () => {
    let s = proposed().state;
    const steps: TransitionStep[] = [];
    const events: [ZoneEvent, number][] = [
      [
        { type: "approve", actor: "alice", lifetimeSeconds: 3600, reason: "registry confirmed" },
        T0 + 60,
      ],
      [{ type: "deployed", resolvers: ["unbound-1", "bind-1"] }, T0 + 70],
      [
        { type: "round", assessment: assessment({ at: T0 + 120, status: "healthy", valid: true }) },
        T0 + 120,
      ],
    ];
    const start = s;
    for (const [e, at] of events) {
      const x = step(s, e, at);
      steps.push(x);
      s = x.state;
    }
    const kinds = alertsOf(withNotices(start, steps)).map((a) => a.kind);
    expect(kinds).toEqual(["approved", "deployed", "recovery-seen"]);
  });

  it("the lifecycle's expiry warning and the early warning of the same horizon share one dedup key", () => {
    const horizon = T0 + 3 * 3600;
    const expiring = { horizon, secondsLeft: 3 * 3600, canary: "soa" };
    const prev = initialState(ZONE, T0);
    const s = step(
      prev,
      {
        type: "round",
        assessment: assessment({ at: T0, status: "healthy", valid: true, expiring }),
      },
      T0,
    );
    const r = round(ZONE, T0, [{ vantage: "unbound-1", expires: horizon }]);
    const extra: Effect[] = earlyWarnings(undefined, r, T0);
    const alerts = alertsOf(withNotices(prev, [s], extra)).filter(
      (a) => a.kind === "signatures-expiring",
    );
    expect(alerts).toHaveLength(2);
    expect(new Set(alerts.map((a) => a.dedupKey))).toEqual(
      new Set([`signatures-expiring|${ZONE}|${horizon}`]),
    );
  });

  it("drift findings of a reconciliation, and reminders only past the interval", () => {
    const [d] = driftNotices([
      {
        resolver: "bind-1",
        severity: "warning",
        kind: "drift-repaired",
        zone: "de.",
        summary: "bind-1: NTA for de. was gone",
      },
    ]);
    expect(d).toMatchObject({ kind: "drift", zone: "de.", resolver: "bind-1" });
    expect(webhookBody(row(d!)).resolver).toBe("bind-1");
    const open = [
      {
        zone: ZONE,
        proposedAt: T0,
        lifetimeSeconds: 86400,
        lifetimeNote: "",
        evidence: proposed().notice.evidence!,
        incidentId: null,
      },
    ];
    expect(remindersDue(open, () => undefined, T0 + 1799, 1800)).toEqual([]);
    expect(remindersDue(open, () => T0 + 1800, T0 + 3599, 1800)).toEqual([]);
    expect(remindersDue(open, () => T0 + 1800, T0 + 3600, 1800).map((n) => n.kind)).toEqual([
      "proposal-reminder",
    ]);
  });
});

// Alert is imported for the type of the state machine's own alerts.
export type { Alert };
