/**
 * The database schema, as numbered migrations applied in order, each in its
 * own transaction, each recorded in `schema_migrations`. A migration once
 * released is never edited: a change is a new migration.
 *
 * Times are whole seconds since the epoch (the injected clock), as in the
 * decision core. JSON columns hold the decision core's own types.
 */

import { RESOLVER_LEDGER_MIGRATION } from "./ledger-schema.js";
import { ALERT_DELIVERIES_MIGRATION } from "./outbox-schema.js";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "zone states, proposals, NTAs, confirmations, incidents, audit, rounds, outbox",
    sql: `
      -- One row per watched zone: the lifecycle ZoneState as JSON. "format"
      -- is the version of that JSON's shape; "revision" grows with every
      -- write, so two writers of one zone cannot both win.
      CREATE TABLE zone_states (
        zone       TEXT PRIMARY KEY,
        format     INTEGER NOT NULL,
        revision   INTEGER NOT NULL,
        phase      TEXT NOT NULL,
        state_json TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Proposals: open while the zone is "proposed", then closed with
      -- the outcome (approved, rejected, withdrawn).
      CREATE TABLE proposals (
        id               INTEGER PRIMARY KEY,
        zone             TEXT NOT NULL,
        incident_id      TEXT,
        proposed_at      INTEGER NOT NULL,
        lifetime_seconds INTEGER NOT NULL,
        lifetime_note    TEXT NOT NULL,
        evidence_json    TEXT NOT NULL,
        outcome          TEXT,
        closed_at        INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX proposals_open ON proposals(zone) WHERE outcome IS NULL;

      -- NTAs: one row per approval (an extension is a new approval and
      -- supersedes the row before). At most one row per zone is in force.
      CREATE TABLE ntas (
        id             INTEGER PRIMARY KEY,
        zone           TEXT NOT NULL,
        incident_id    TEXT,
        approved_by    TEXT NOT NULL,
        approved_at    INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        reason         TEXT NOT NULL,
        deployed_at    INTEGER,
        ended_at       INTEGER,
        end_kind       TEXT,
        end_reason     TEXT
      ) STRICT;
      CREATE UNIQUE INDEX ntas_in_force ON ntas(zone) WHERE ended_at IS NULL;

      CREATE TABLE confirmations (
        id          INTEGER PRIMARY KEY,
        zone        TEXT NOT NULL,
        source      TEXT NOT NULL,
        author      TEXT NOT NULL,
        reference   TEXT NOT NULL,
        at          INTEGER NOT NULL,
        expires_at  INTEGER,
        recorded_at INTEGER NOT NULL,
        UNIQUE (zone, source, author, reference)
      ) STRICT;
      CREATE INDEX confirmations_zone_at ON confirmations(zone, at);

      CREATE TABLE incidents (
        id        TEXT PRIMARY KEY,
        zone      TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER
      ) STRICT;
      CREATE INDEX incidents_zone ON incidents(zone, opened_at);

      CREATE TABLE timeline (
        id          INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL REFERENCES incidents(id),
        zone        TEXT NOT NULL,
        at          INTEGER NOT NULL,
        milestone   TEXT NOT NULL,
        actor       TEXT NOT NULL,
        summary     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX timeline_incident ON timeline(incident_id, id);

      -- The audit log: append-only. The triggers refuse any change to a
      -- row once written, whoever asks.
      CREATE TABLE audit (
        id            INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        zone          TEXT NOT NULL,
        actor         TEXT NOT NULL,
        action        TEXT NOT NULL,
        from_phase    TEXT NOT NULL,
        to_phase      TEXT NOT NULL,
        reason        TEXT NOT NULL,
        evidence_json TEXT
      ) STRICT;
      CREATE INDEX audit_zone ON audit(zone, id);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      -- Probe rounds (the observations), deflated JSON, pruned past the
      -- retention window.
      CREATE TABLE rounds (
        id         INTEGER PRIMARY KEY,
        zone       TEXT NOT NULL,
        at         INTEGER NOT NULL,
        round_json BLOB NOT NULL
      ) STRICT;
      CREATE INDEX rounds_zone_at ON rounds(zone, at);

      -- The latest assessment of each zone: the preconditions with evidence.
      CREATE TABLE assessments (
        zone            TEXT PRIMARY KEY,
        at              INTEGER NOT NULL,
        assessment_json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE last_known_good (
        zone   TEXT NOT NULL,
        canary TEXT NOT NULL,
        rrset  TEXT NOT NULL,
        at     INTEGER NOT NULL,
        PRIMARY KEY (zone, canary)
      ) STRICT;

      -- Alerts waiting to be sent (the notifier reads and marks them).
      CREATE TABLE alert_outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        zone            TEXT NOT NULL,
        severity        TEXT NOT NULL,
        payload_json    TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        sent_at         INTEGER,
        last_error      TEXT
      ) STRICT;
      CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at) WHERE sent_at IS NULL;
    `,
  },
  ALERT_DELIVERIES_MIGRATION,
  RESOLVER_LEDGER_MIGRATION,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
