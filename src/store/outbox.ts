/**
 * The alert outbox, delivery side. Alerts enter `alert_outbox` in the same
 * transaction as the transition that raised them (Store.commit); alerts
 * that are no transition (early warnings, reminders, drift) enter through
 * `enqueueAlerts`. The sender then fans each alert out to one delivery per
 * configured channel, sends, and records every attempt here, so a restart
 * resumes exactly where it stopped: at least once per channel, never lost.
 *
 * An outbox row is settled (`sent_at` set) once none of its deliveries is
 * pending; `last_error` then says which channels gave up.
 */

import type { Db } from "./db.js";
import { outboxFromRow, type OutboxRow } from "./rows.js";

export type DeliveryStatus = "pending" | "sent" | "failed" | "suppressed";

export interface Delivery {
  alertId: number;
  channel: string;
  dedupKey: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  doneAt: number | null;
  lastError: string | null;
}

/** A delivery with the alert it carries. */
export interface DueDelivery extends Delivery {
  alert: OutboxRow;
}

/** What an alert row holds: the lifecycle's alert and anything the notifier adds to it. */
export interface OutboxAlert {
  kind: string;
  zone: string;
  severity: string;
  summary: string;
  [extra: string]: unknown;
}

type Sql = Record<string, unknown>;

function deliveryFromRow(r: Sql): Delivery {
  return {
    alertId: r.alert_id as number,
    channel: r.channel as string,
    dedupKey: r.dedup_key as string,
    status: r.status as DeliveryStatus,
    attempts: r.attempts as number,
    createdAt: r.created_at as number,
    nextAttemptAt: r.next_attempt_at as number,
    doneAt: (r.done_at as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
  };
}

/** Alerts raised outside a transition, in one transaction; returns their ids. */
export function enqueueAlerts(db: Db, alerts: readonly OutboxAlert[], now: number): number[] {
  const put = db.prepare(
    `INSERT INTO alert_outbox (kind, zone, severity, payload_json, created_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  return db
    .transaction(() =>
      alerts.map((a) =>
        Number(
          put.run(a.kind, a.zone, a.severity, JSON.stringify({ ...a, at: now }), now, now)
            .lastInsertRowid,
        ),
      ),
    )
    .immediate();
}

/** The deduplication key of an alert: kind, zone and state, unless the notifier set one. */
export function dedupKeyOf(row: OutboxRow): string {
  const p = (row.payload ?? {}) as Record<string, unknown>;
  if (typeof p.dedupKey === "string") return p.dedupKey;
  const state = typeof p.phase === "string" ? p.phase : "";
  return `${row.kind}|${row.zone}|${state}`;
}

export interface FanOutResult {
  alerts: number;
  pending: { alertId: number; channel: string }[];
  suppressed: { alertId: number; channel: string }[];
}

/**
 * Gives every new alert one delivery per channel that accepts it (severity,
 * kinds), in one transaction. A
 * delivery whose deduplication key went to the same channel (sent, or still
 * being sent) within `dedupWindowSeconds` is suppressed.
 */
export function fanOut(
  db: Db,
  now: number,
  channels: readonly { name: string; accepts?: (alert: OutboxRow) => boolean }[],
  dedupWindowSeconds: number,
  limit = 100,
): FanOutResult {
  const out: FanOutResult = { alerts: 0, pending: [], suppressed: [] };
  const fresh = db.prepare(
    `SELECT * FROM alert_outbox o WHERE sent_at IS NULL AND next_attempt_at <= ?
       AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = o.id)
     ORDER BY id LIMIT ?`,
  );
  const recent = db.prepare(
    `SELECT 1 FROM alert_deliveries WHERE channel = ? AND dedup_key = ?
       AND status IN ('pending', 'sent') AND created_at > ? LIMIT 1`,
  );
  const put = db.prepare(
    `INSERT INTO alert_deliveries (alert_id, channel, dedup_key, status, created_at,
       next_attempt_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of fresh.all(now, limit) as Sql[]) {
      const row = outboxFromRow(r);
      out.alerts++;
      const key = dedupKeyOf(row);
      for (const { name: channel, accepts } of channels) {
        if (accepts && !accepts(row)) continue;
        const dup = recent.get(channel, key, now - dedupWindowSeconds) !== undefined;
        put.run(row.id, channel, key, dup ? "suppressed" : "pending", now, now, dup ? now : null);
        (dup ? out.suppressed : out.pending).push({ alertId: row.id, channel });
      }
      const taken = channels.some((c) => !c.accepts || c.accepts(row));
      settle(db, row.id, now, taken ? undefined : "no channel takes this alert");
    }
  }).immediate();
  return out;
}

/** Marks the alert done once no delivery of it is pending. */
function settle(db: Db, alertId: number, now: number, note?: string): void {
  const rows = db
    .prepare("SELECT status, channel, attempts FROM alert_deliveries WHERE alert_id = ?")
    .all(alertId) as Sql[];
  if (rows.some((r) => r.status === "pending")) return;
  const failed = rows.filter((r) => r.status === "failed").map((r) => r.channel as string);
  const error = note ?? (failed.length > 0 ? `gave up on ${failed.join(", ")}` : null);
  const attempts = Math.max(0, ...rows.map((r) => r.attempts as number));
  db.prepare("UPDATE alert_outbox SET sent_at = ?, attempts = ?, last_error = ? WHERE id = ?").run(
    now,
    attempts,
    error,
    alertId,
  );
}

/** Pending deliveries due at `now`, oldest alert first, with their alerts. */
export function dueDeliveries(db: Db, now: number, limit = 100): DueDelivery[] {
  const rows = db
    .prepare(
      `SELECT d.*, o.id AS o_id, o.kind AS o_kind, o.zone AS o_zone, o.severity AS o_severity,
         o.payload_json AS o_payload_json, o.created_at AS o_created_at, o.attempts AS o_attempts,
         o.next_attempt_at AS o_next_attempt_at, o.sent_at AS o_sent_at,
         o.last_error AS o_last_error
       FROM alert_deliveries d JOIN alert_outbox o ON o.id = d.alert_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ?
       ORDER BY d.alert_id, d.channel LIMIT ?`,
    )
    .all(now, limit) as Sql[];
  return rows.map((r) => {
    const alert: Sql = {};
    for (const [k, v] of Object.entries(r)) if (k.startsWith("o_")) alert[k.slice(2)] = v;
    return { ...deliveryFromRow(r), alert: outboxFromRow(alert) };
  });
}

function update(
  db: Db,
  d: { alertId: number; channel: string },
  now: number,
  set: { status: DeliveryStatus; nextAttemptAt?: number; error?: string },
): void {
  db.transaction(() => {
    db.prepare(
      `UPDATE alert_deliveries SET status = ?, attempts = attempts + 1,
         next_attempt_at = coalesce(?, next_attempt_at), last_error = coalesce(?, last_error),
         done_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END
       WHERE alert_id = ? AND channel = ?`,
    ).run(
      set.status,
      set.nextAttemptAt ?? null,
      set.error ?? null,
      set.status,
      now,
      d.alertId,
      d.channel,
    );
    settle(db, d.alertId, now);
  }).immediate();
}

export function markDeliverySent(db: Db, d: { alertId: number; channel: string }, now: number) {
  update(db, d, now, { status: "sent" });
}

/** A failed attempt to be tried again at `nextAttemptAt`. */
export function markDeliveryRetry(
  db: Db,
  d: { alertId: number; channel: string },
  now: number,
  nextAttemptAt: number,
  error: string,
): void {
  update(db, d, now, { status: "pending", nextAttemptAt, error });
}

/** The last attempt failed: given up, kept for people to see. */
export function markDeliveryFailed(
  db: Db,
  d: { alertId: number; channel: string },
  now: number,
  error: string,
): void {
  update(db, d, now, { status: "failed", error });
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  zone?: string;
  limit?: number;
}

/** Deliveries with their alerts, newest first: for the API and the console. */
export function listDeliveries(
  db: Db,
  q: DeliveryQuery = {},
): (Delivery & { kind: string; zone: string; severity: string; summary: string })[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status) {
    where.push("d.status = ?");
    params.push(q.status);
  }
  if (q.zone !== undefined) {
    where.push("o.zone = ?");
    params.push(q.zone);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
  const rows = db
    .prepare(
      `SELECT d.*, o.kind, o.zone, o.severity, o.payload_json FROM alert_deliveries d
       JOIN alert_outbox o ON o.id = d.alert_id ${clause}
       ORDER BY d.alert_id DESC, d.channel LIMIT ?`,
    )
    .all(...params, limit) as Sql[];
  return rows.map((r) => {
    const payload = JSON.parse(r.payload_json as string) as { summary?: string };
    return {
      ...deliveryFromRow(r),
      kind: r.kind as string,
      zone: r.zone as string,
      severity: r.severity as string,
      summary: payload.summary ?? "",
    };
  });
}

/** Deliveries waiting (alerts not yet fanned out count once) and given up on. */
export function outboxCounts(db: Db): { pending: number; failed: number } {
  const r = db
    .prepare(
      `SELECT
         (SELECT count(*) FROM alert_deliveries WHERE status = 'pending') +
         (SELECT count(*) FROM alert_outbox o WHERE sent_at IS NULL AND NOT EXISTS
            (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = o.id)) AS pending,
         (SELECT count(*) FROM alert_deliveries WHERE status = 'failed') AS failed`,
    )
    .get() as { pending: number; failed: number };
  return { pending: r.pending, failed: r.failed };
}

/** When an alert of one of these kinds was last raised for the zone (for reminders). */
export function lastAlertAt(db: Db, zone: string, kinds: readonly string[]): number | undefined {
  if (kinds.length === 0) return undefined;
  const marks = kinds.map(() => "?").join(", ");
  const r = db
    .prepare(`SELECT max(created_at) AS at FROM alert_outbox WHERE zone = ? AND kind IN (${marks})`)
    .get(zone, ...kinds) as { at: number | null };
  return r.at ?? undefined;
}
