/**
 * The sender loop: every poll it raises reminders for waiting proposals,
 * fans new outbox alerts out to the channels (deduplicating), and delivers
 * what is due, each channel on its own. A failed attempt is retried after
 * an exponentially growing, capped delay; after the last allowed attempt,
 * or on an answer that retrying cannot change (4xx other than 408 and 429),
 * the delivery is given up and kept as failed. Every step is written to the
 * store before the next, so a restart resumes where it stopped; an attempt
 * cut short by a crash is sent again (at least once: receivers drop repeats
 * by the body's `id`).
 */

import type { Db } from "../store/db.js";
import {
  dueDeliveries,
  enqueueAlerts,
  fanOut,
  lastAlertAt,
  markDeliveryFailed,
  markDeliveryRetry,
  markDeliverySent,
  type DueDelivery,
} from "../store/outbox.js";
import type { OutboxRow, ProposalRow } from "../store/rows.js";
import { remindersDue } from "./notices.js";
import { slackMessage, webhookBody } from "./payload.js";
import type { NotifySettings, Severity } from "./schema.js";
import { SIGNATURE_HEADER, signatureHeader } from "./sign.js";

export interface Channel {
  /** The metrics label and the delivery's key: "slack" or "webhook:<name>". */
  name: string;
  kind: "slack" | "webhook";
  url: string;
  /** Webhooks: the HMAC key. */
  secret?: string;
  minSeverity?: Severity;
  kinds?: readonly string[];
}

/** What the sender reports to metrics (src/metrics/registry.ts implements it). */
export interface AlertMetrics {
  recordAlert(channel: string, ok: boolean): void;
  recordAlertGivenUp(channel: string): void;
  recordAlertSuppressed(channel: string): void;
  recordStoreError(): void;
}

export interface SenderOptions {
  /** The store's database, and its open proposals (for reminders). */
  store: { db: Db; proposals(filter: { open: true }): ProposalRow[] };
  channels: readonly Channel[];
  settings: NotifySettings;
  /** Seconds since the epoch. */
  now: () => number;
  metrics?: AlertMetrics;
  fetch?: typeof fetch;
  log?: { warn(obj: object, msg: string): void };
}

export interface PassReport {
  reminders: number;
  fannedOut: number;
  suppressed: number;
  sent: number;
  retried: number;
  failed: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function accepts(channel: Channel, row: OutboxRow): boolean {
  const sev = RANK[row.severity as Severity] ?? RANK.critical;
  if (sev < RANK[channel.minSeverity ?? "info"]) return false;
  return !channel.kinds || channel.kinds.includes(row.kind);
}

/** The wait after the `attempts`-th failed attempt: initial, doubling, capped. */
export function backoffSeconds(attempts: number, s: NotifySettings): number {
  if (attempts < 1) throw new Error(`backoff after ${attempts} attempts`);
  return Math.min(s.retryMax, s.retryInitial * 2 ** Math.min(attempts - 1, 30));
}

type Outcome = { ok: true } | { ok: false; error: string; permanent: boolean; retryAfter?: number };

export class AlertSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassReport> | undefined;
  private stopped = true;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: SenderOptions) {
    this.fetch = o.fetch ?? fetch;
    const names = new Set<string>();
    for (const c of o.channels) {
      if (names.has(c.name)) throw new Error(`two alert channels named ${c.name}`);
      names.add(c.name);
      if (c.kind === "webhook" && !c.secret) throw new Error(`webhook ${c.name} has no secret`);
    }
  }

  /** One pass: reminders, fan-out, deliveries due now. */
  async runOnce(): Promise<PassReport> {
    const { db } = this.o.store;
    const s = this.o.settings;
    const report: PassReport = {
      reminders: 0,
      fannedOut: 0,
      suppressed: 0,
      sent: 0,
      retried: 0,
      failed: 0,
    };
    let due: DueDelivery[];
    try {
      const now = this.o.now();
      const open = this.o.store.proposals({ open: true });
      const kinds = ["proposal", "proposal-reminder"];
      const reminders = remindersDue(
        open,
        (z) => lastAlertAt(db, z, kinds),
        now,
        s.reminderInterval,
      );
      if (reminders.length > 0) enqueueAlerts(db, reminders, now);
      report.reminders = reminders.length;
      const channels = this.o.channels.map((c) => ({
        name: c.name,
        accepts: (r: OutboxRow) => accepts(c, r),
      }));
      const f = fanOut(db, now, channels, s.dedupWindow);
      report.fannedOut = f.alerts;
      report.suppressed = f.suppressed.length;
      for (const x of f.suppressed) this.o.metrics?.recordAlertSuppressed(x.channel);
      due = dueDeliveries(db, now, 500);
    } catch (e) {
      this.o.metrics?.recordStoreError();
      this.o.log?.warn({ err: e }, "alert outbox unreadable");
      return report;
    }
    const byChannel = new Map<string, DueDelivery[]>();
    for (const d of due) byChannel.set(d.channel, [...(byChannel.get(d.channel) ?? []), d]);
    await Promise.all(
      [...byChannel].map(async ([name, list]) => {
        const channel = this.o.channels.find((c) => c.name === name);
        for (const d of list) {
          if (!channel) {
            // The channel left the configuration while the alert waited.
            this.settle(
              d,
              { ok: false, error: "channel no longer configured", permanent: true },
              report,
            );
            continue;
          }
          this.settle(d, await this.deliver(channel, d.alert), report);
        }
      }),
    );
    return report;
  }

  private settle(d: DueDelivery, r: Outcome, report: PassReport): void {
    const { db } = this.o.store;
    const now = this.o.now();
    const s = this.o.settings;
    try {
      if (r.ok) {
        markDeliverySent(db, d, now);
        report.sent++;
        this.o.metrics?.recordAlert(d.channel, true);
        return;
      }
      this.o.metrics?.recordAlert(d.channel, false);
      const attempts = d.attempts + 1;
      if (r.permanent || attempts >= s.maxAttempts) {
        markDeliveryFailed(db, d, now, r.error);
        report.failed++;
        this.o.metrics?.recordAlertGivenUp(d.channel);
        this.o.log?.warn(
          { channel: d.channel, alert: d.alertId, attempts, error: r.error },
          "alert given up",
        );
        return;
      }
      const wait = Math.max(backoffSeconds(attempts, s), Math.min(r.retryAfter ?? 0, s.retryMax));
      markDeliveryRetry(db, d, now, now + wait, r.error);
      report.retried++;
    } catch (e) {
      this.o.metrics?.recordStoreError();
      this.o.log?.warn(
        { err: e, channel: d.channel, alert: d.alertId },
        "alert delivery not recorded",
      );
    }
  }

  private async deliver(channel: Channel, row: OutboxRow): Promise<Outcome> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "nta-watch",
    };
    let body: string;
    if (channel.kind === "slack") {
      body = JSON.stringify(slackMessage(row, this.o.settings.zoneLink));
    } else {
      body = JSON.stringify(webhookBody(row, this.o.settings.zoneLink));
      headers[SIGNATURE_HEADER] = signatureHeader(channel.secret!, this.o.now(), body);
    }
    try {
      const res = await this.fetch(channel.url, {
        method: "POST",
        headers,
        body,
        redirect: "error",
        signal: AbortSignal.timeout(this.o.settings.timeout * 1000),
      });
      // Read the body so the connection can be reused; its text names the error.
      const text = (await res.text()).slice(0, 200);
      if (res.ok) return { ok: true };
      const permanent =
        res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      const after = Number(res.headers.get("retry-after"));
      const out: Outcome = { ok: false, error: `HTTP ${res.status} ${text}`.trim(), permanent };
      if (Number.isFinite(after) && after > 0) out.retryAfter = after;
      return out;
    } catch (e) {
      const err = e as Error;
      const what =
        err.name === "TimeoutError"
          ? "timeout"
          : ((err.cause as Error | undefined)?.message ?? err.message);
      return { ok: false, error: what, permanent: false };
    }
  }

  /** Runs a pass every poll interval until stopped; passes never overlap. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(loop, this.o.settings.pollInterval * 1000);
      });
    };
    loop();
  }

  /** Stops the loop and waits for the pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
