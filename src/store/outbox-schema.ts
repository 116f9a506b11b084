/**
 * Migration 2: alert deliveries, one row per alert and channel, so that each
 * receiver is retried on its own (Slack up, a webhook down) and a receiver's
 * failures stay visible after the alert is settled. Kept apart from the
 * outbox code so that the migration list imports no other store module.
 */

import type { Migration } from "./migrations.js";

export const ALERT_DELIVERIES_MIGRATION: Migration = {
  version: 2,
  description: "alert deliveries per channel: status, attempts, backoff, deduplication key",
  sql: `
      -- status: pending (to send, at next_attempt_at), sent (the receiver
      -- answered 2xx), failed (given up after the last attempt), suppressed
      -- (the same kind, zone and state went to this channel within the
      -- deduplication window). done_at: when it left pending.
      CREATE TABLE alert_deliveries (
        alert_id        INTEGER NOT NULL REFERENCES alert_outbox(id),
        channel         TEXT NOT NULL,
        dedup_key       TEXT NOT NULL,
        status          TEXT NOT NULL
                        CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        done_at         INTEGER,
        last_error      TEXT,
        PRIMARY KEY (alert_id, channel)
      ) STRICT;
      CREATE INDEX alert_deliveries_due ON alert_deliveries(next_attempt_at)
        WHERE status = 'pending';
      CREATE INDEX alert_deliveries_dedup ON alert_deliveries(channel, dedup_key, created_at);
    `,
};
