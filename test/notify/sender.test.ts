/**
 * The outbox and its sender against a real HTTP receiver on 127.0.0.1:
 * signatures checked by an HMAC computed here, retries after errors,
 * nothing lost across a restart, deduplication and reminders on a clock the
 * test moves.
 */

import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { initialState, transition } from "../../src/lifecycle/transition.js";
import { createMetrics } from "../../src/metrics/registry.js";
import { withNotices } from "../../src/notify/notices.js";
import { notifySchema, type NotifySettings } from "../../src/notify/schema.js";
import { AlertSender, backoffSeconds, type Channel } from "../../src/notify/sender.js";
import { enqueueAlerts, listDeliveries, outboxCounts } from "../../src/store/outbox.js";
import { Store } from "../../src/store/store.js";
import { assessment } from "../lifecycle/support.js";
import { parseExposition, valueOf } from "../metrics/support.js";
import { startReceiver, type Receiver } from "./receiver.js";

const T0 = Date.UTC(2026, 4, 5, 12) / 1000;
const ZONE = "example.";
const SECRET = "a-shared-secret-of-the-receiver-0123";

let dir: string;
let file: string;
let store: Store;
let receiver: Receiver;
const clock = { now: T0 };

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "nta-watch-notify-"));
  file = path.join(dir, "state.db");
  store = Store.open(file, T0);
  receiver = await startReceiver();
  clock.now = T0;
});
afterEach(async () => {
  store.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function settings(over: Record<string, unknown> = {}): NotifySettings {
  return notifySchema.parse({ retryInitial: "10s", retryMax: "1m", maxAttempts: 4, ...over });
}

function webhook(extra: Partial<Channel> = {}): Channel {
  return { name: "webhook:pager", kind: "webhook", url: receiver.url, secret: SECRET, ...extra };
}

function sender(
  s: NotifySettings = settings(),
  channels: Channel[] = [webhook()],
  m = createMetrics({ processMetrics: false }),
) {
  return new AlertSender({ store, channels, settings: s, now: () => clock.now, metrics: m });
}

const notice = (kind: string, zone = ZONE, phase = "broken") => ({
  kind,
  zone,
  severity: "warning",
  summary: `${kind} of ${zone}`,
  phase,
  dedupKey: `${kind}|${zone}|${phase}`,
});

const accepted = () => receiver.received.filter((r) => r.status === 200);

describe('webhook signature (HMAC-SHA256 over "<t>.<body>")', () => {
  it("the header carries the send time and an HMAC a receiver computes the same", async () => {
    enqueueAlerts(store.db, [notice("failure")], T0);
    await sender().runOnce();
    const [r] = receiver.received;
    const header = r!.headers["x-nta-watch-signature"] as string;
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(T0);
    const mine = createHmac("sha256", SECRET).update(`${m![1]}.${r!.body}`).digest("hex");
    expect(m![2]).toBe(mine);
    expect(r!.headers["content-type"]).toBe("application/json");
  });

  it("the body follows schema version 1", async () => {
    enqueueAlerts(store.db, [notice("failure")], T0);
    await sender(settings({ zoneLink: "https://watch.example.net/zones/{zone}" })).runOnce();
    const body = JSON.parse(receiver.received[0]!.body);
    expect(body).toMatchObject({
      version: 1,
      kind: "failure",
      severity: "warning",
      zone: ZONE,
      state: "broken",
      summary: "failure of example.",
      at: T0,
      link: "https://watch.example.net/zones/example.",
    });
    expect(typeof body.id).toBe("string");
    expect(typeof body.next).toBe("string");
    expect(Object.keys(body).sort()).toEqual(
      [
        "version",
        "id",
        "kind",
        "severity",
        "zone",
        "state",
        "summary",
        "at",
        "preconditions",
        "tampering",
        "proposal",
        "nta",
        "incident",
        "horizon",
        "resolver",
        "next",
        "link",
      ].sort(),
    );
  });
});

describe("retries with backoff", () => {
  it("a receiver that fails twice gets the alert once, after two retries, the same id each time", async () => {
    receiver.script = [500, 500];
    const m = createMetrics({ processMetrics: false });
    const s = sender(settings(), [webhook()], m);
    enqueueAlerts(store.db, [notice("proposal")], T0);
    expect((await s.runOnce()).retried).toBe(1);
    // Not due yet: nothing is sent.
    clock.now = T0 + 9;
    await s.runOnce();
    expect(receiver.received).toHaveLength(1);
    clock.now = T0 + 10;
    expect((await s.runOnce()).retried).toBe(1);
    clock.now = T0 + 10 + 19;
    await s.runOnce();
    expect(receiver.received).toHaveLength(2);
    clock.now = T0 + 10 + 20;
    expect((await s.runOnce()).sent).toBe(1);
    clock.now = T0 + 3600;
    await s.runOnce();
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
    expect(accepted()).toHaveLength(1);
    const [d] = listDeliveries(store.db);
    expect(d).toMatchObject({ status: "sent", attempts: 3, channel: "webhook:pager" });
    const text = parseExposition(await m.text());
    expect(
      valueOf(text, "nta_watch_alert_delivery_failures_total", { channel: "webhook:pager" }),
    ).toBe(2);
    expect(valueOf(text, "nta_watch_alerts_sent_total", { channel: "webhook:pager" })).toBe(1);
  });

  it("backoff doubles from the initial delay and stops at the cap", () => {
    const s = settings();
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffSeconds(n, s))).toEqual([10, 20, 40, 60, 60, 60]);
  });

  it("after the last allowed attempt the delivery is failed, visible in the outbox and the metrics", async () => {
    receiver.script = [503, 503, 503, 503, 503];
    const m = createMetrics({ processMetrics: false });
    const s = sender(settings({ maxAttempts: 3 }), [webhook()], m);
    enqueueAlerts(store.db, [notice("tampering")], T0);
    for (let i = 0; i < 6; i++) {
      await s.runOnce();
      clock.now += 120;
    }
    expect(receiver.received).toHaveLength(3);
    const [d] = listDeliveries(store.db, { status: "failed" });
    expect(d).toMatchObject({ attempts: 3, kind: "tampering" });
    expect(d!.lastError).toContain("503");
    expect(outboxCounts(store.db)).toEqual({ pending: 0, failed: 1 });
    expect(store.dueAlerts(clock.now)).toEqual([]);
    const text = parseExposition(await m.text());
    expect(valueOf(text, "nta_watch_alerts_failed_total", { channel: "webhook:pager" })).toBe(1);
  });

  it("a 4xx other than 408 and 429 is not retried", async () => {
    receiver.script = [404];
    const s = sender();
    enqueueAlerts(store.db, [notice("failure")], T0);
    expect((await s.runOnce()).failed).toBe(1);
    clock.now += 3600;
    await s.runOnce();
    expect(receiver.received).toHaveLength(1);
  });

  it("a receiver that does not answer in time is retried (connection refused too)", async () => {
    await receiver.close();
    const s = sender(settings({ timeout: "1s" }));
    enqueueAlerts(store.db, [notice("failure")], T0);
    const r = await s.runOnce();
    expect(r.retried).toBe(1);
    const [d] = listDeliveries(store.db);
    expect(d!.status).toBe("pending");
    expect(d!.lastError).not.toBeNull();
    receiver = await startReceiver();
  });
});

describe("durable outbox", () => {
  it("an alert stored with its transition survives a restart and is delivered once", async () => {
    receiver.script = [500];
    const prev = initialState(ZONE, T0);
    const r = transition(
      prev,
      { type: "round", assessment: assessment({ zone: ZONE, at: T0, w: true, c: true, n: true }) },
      T0,
      T,
    );
    if (!r.ok) throw new Error(r.error.message);
    store.commit({
      zone: ZONE,
      expectedRevision: 0,
      previous: prev,
      steps: withNotices(prev, [r]),
      now: T0,
    });
    const kinds = store.dueAlerts(T0).map((a) => a.kind);
    expect(kinds).toContain("proposal");

    const first = sender();
    await first.runOnce();
    await first.stop();
    store.close();

    // The process starts again on the same file.
    store = Store.open(file, T0 + 60);
    clock.now = T0 + 60;
    const second = sender();
    await second.runOnce();
    // The retry is due (before the first reminder of the proposal).
    clock.now = T0 + 600;
    await second.runOnce();
    const got = accepted()
      .map((x) => JSON.parse(x.body).kind)
      .sort();
    expect(got).toEqual([...kinds].sort());
    expect(store.dueAlerts(clock.now)).toEqual([]);
    // The proposal's body carries the three preconditions with their evidence.
    const proposal = accepted()
      .map((x) => JSON.parse(x.body))
      .find((b) => b.kind === "proposal");
    expect(proposal).toMatchObject({
      state: "proposed",
      preconditions: {
        widespread: { met: true, evidence: "widespread holds" },
        confirmed: { met: true, evidence: "confirmed holds" },
        noSecurityValue: { met: true, evidence: "no security value holds" },
      },
      proposal: { proposedAt: T0, lifetimeSeconds: 86400 },
    });
  });

  it("an alert not yet handed to any channel when the process stopped is sent after the restart", async () => {
    enqueueAlerts(store.db, [notice("expired")], T0);
    store.close();
    store = Store.open(file, T0 + 5);
    clock.now = T0 + 5;
    await sender().runOnce();
    expect(accepted().map((x) => JSON.parse(x.body).kind)).toEqual(["expired"]);
  });

  it("each channel is retried on its own: one receiver down does not resend to the other", async () => {
    const other = await startReceiver([500]);
    try {
      const s = sender(settings(), [webhook(), webhook({ name: "webhook:ops", url: other.url })]);
      enqueueAlerts(store.db, [notice("approved")], T0);
      await s.runOnce();
      clock.now = T0 + 10;
      await s.runOnce();
      expect(receiver.received).toHaveLength(1);
      expect(other.received.map((r) => r.status)).toEqual([500, 200]);
    } finally {
      await other.close();
    }
  });

  it("a channel takes only the severities and kinds it asks for", async () => {
    const s = sender(settings(), [webhook({ minSeverity: "critical" })]);
    enqueueAlerts(
      store.db,
      [notice("failure"), { ...notice("tampering"), severity: "critical" }],
      T0,
    );
    await s.runOnce();
    expect(accepted().map((x) => JSON.parse(x.body).kind)).toEqual(["tampering"]);
    expect(store.dueAlerts(T0)).toEqual([]);
  });
});

describe("deduplication and reminders (injected clock)", () => {
  it("the same kind, zone and state is not sent again within the window; after it, it is", async () => {
    const m = createMetrics({ processMetrics: false });
    const s = sender(settings({ dedupWindow: "30m" }), [webhook()], m);
    enqueueAlerts(store.db, [notice("failure")], T0);
    await s.runOnce();
    clock.now = T0 + 29 * 60;
    enqueueAlerts(store.db, [notice("failure"), notice("failure", ZONE, "degraded")], clock.now);
    await s.runOnce();
    clock.now = T0 + 31 * 60;
    enqueueAlerts(store.db, [notice("failure")], clock.now);
    await s.runOnce();
    expect(accepted().map((x) => `${JSON.parse(x.body).state}@${JSON.parse(x.body).at}`)).toEqual([
      `broken@${T0}`,
      `degraded@${T0 + 29 * 60}`,
      `broken@${T0 + 31 * 60}`,
    ]);
    expect(listDeliveries(store.db, { status: "suppressed" })).toHaveLength(1);
    const text = parseExposition(await m.text());
    expect(valueOf(text, "nta_watch_alerts_suppressed_total", { channel: "webhook:pager" })).toBe(
      1,
    );
  });

  it("a waiting proposal is recalled every reminder interval until it is decided", async () => {
    const prev = initialState(ZONE, T0);
    const r = transition(
      prev,
      { type: "round", assessment: assessment({ zone: ZONE, at: T0, w: true, c: true, n: true }) },
      T0,
      T,
    );
    if (!r.ok) throw new Error(r.error.message);
    const c = store.commit({
      zone: ZONE,
      expectedRevision: 0,
      previous: prev,
      steps: withNotices(prev, [r]),
      now: T0,
    });
    const s = sender(settings({ reminderInterval: "30m" }));
    const reminders = () =>
      accepted().filter((x) => JSON.parse(x.body).kind === "proposal-reminder");
    await s.runOnce();
    for (const minutes of [10, 29, 30, 45, 59, 60, 61]) {
      clock.now = T0 + minutes * 60;
      await s.runOnce();
    }
    expect(reminders().map((x) => JSON.parse(x.body).at)).toEqual([T0 + 30 * 60, T0 + 60 * 60]);
    expect(JSON.parse(reminders()[0]!.body)).toMatchObject({
      state: "proposed",
      severity: "critical",
    });
    // Approved: no more reminders.
    const a = transition(
      c.state,
      {
        type: "approve",
        actor: "alice",
        lifetimeSeconds: 3600,
        reason: "confirmed by the registry",
      },
      clock.now,
      T,
    );
    if (!a.ok) throw new Error(a.error.message);
    store.commit({
      zone: ZONE,
      expectedRevision: c.revision,
      previous: c.state,
      steps: withNotices(c.state, [a]),
      now: clock.now,
    });
    clock.now = T0 + 5 * 3600;
    await s.runOnce();
    expect(reminders()).toHaveLength(2);
    expect(accepted().map((x) => JSON.parse(x.body).kind)).toContain("approved");
  });
});

describe("the sender loop", () => {
  it("start delivers without being asked, stop waits for the pass under way", async () => {
    const s = sender(settings({ pollInterval: "1s" }));
    enqueueAlerts(store.db, [notice("withdrawn")], T0);
    s.start();
    for (let i = 0; i < 100 && accepted().length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    expect(accepted()).toHaveLength(1);
  });

  it("refuses a webhook without a secret and two channels of one name", () => {
    expect(() => sender(settings(), [webhook({ secret: undefined })])).toThrow(/secret/);
    expect(() => sender(settings(), [webhook(), webhook()])).toThrow(/two/);
  });
});
