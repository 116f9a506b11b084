/**
 * Reading the store: what the service resumes from and what the API shows.
 * Every read is one statement, so it sees one committed state.
 */

import type { LastKnownGood, KnownGood } from "../assess/last-known-good.js";
import type { Assessment, Confirmation } from "../assess/types.js";
import type { TimelineEntry } from "../lifecycle/types.js";
import type { Round } from "../probe/observation.js";
import type { Db } from "./db.js";
import {
  assessmentFromRow,
  auditFromRow,
  confirmationFromRow,
  incidentFromRow,
  ntaFromRow,
  outboxFromRow,
  proposalFromRow,
  timelineFromRow,
  unpackRound,
  zoneFromRow,
  type AuditRow,
  type ConfirmationRow,
  type IncidentRow,
  type NtaRow,
  type OutboxRow,
  type ProposalRow,
  type StoredZone,
} from "./rows.js";

type Sql = Record<string, unknown>;

export interface AuditQuery {
  zone?: string;
  /** Entries with an id greater than this (paging forward). */
  afterId?: number;
  limit?: number;
}

export class StoreReader {
  constructor(readonly db: Db) {}

  protected all(sql: string, ...params: unknown[]): Sql[] {
    return this.db.prepare(sql).all(...params) as Sql[];
  }

  protected one(sql: string, ...params: unknown[]): Sql | undefined {
    return this.db.prepare(sql).get(...params) as Sql | undefined;
  }

  zones(): StoredZone[] {
    return this.all("SELECT * FROM zone_states ORDER BY zone").map(zoneFromRow);
  }

  zone(zone: string): StoredZone | undefined {
    const r = this.one("SELECT * FROM zone_states WHERE zone = ?", zone);
    return r ? zoneFromRow(r) : undefined;
  }

  /** The latest `limit` rounds of a zone, oldest first. */
  recentRounds(zone: string, limit: number): Round[] {
    const rows = this.all(
      "SELECT round_json FROM rounds WHERE zone = ? ORDER BY at DESC, id DESC LIMIT ?",
      zone,
      limit,
    );
    return rows.reverse().map((r) => unpackRound(r.round_json as Buffer));
  }

  roundCount(zone?: string): number {
    const r = zone
      ? this.one("SELECT count(*) AS n FROM rounds WHERE zone = ?", zone)
      : this.one("SELECT count(*) AS n FROM rounds");
    return r!.n as number;
  }

  lastAssessment(zone: string): Assessment | undefined {
    const r = this.one("SELECT assessment_json FROM assessments WHERE zone = ?", zone);
    return r ? assessmentFromRow(r) : undefined;
  }

  lastKnownGood(zone: string): LastKnownGood {
    const out: Record<string, KnownGood> = {};
    for (const r of this.all(
      "SELECT canary, rrset, at FROM last_known_good WHERE zone = ?",
      zone,
    )) {
      out[r.canary as string] = { rrset: r.rrset as string, at: r.at as number };
    }
    return out;
  }

  /** Confirmations of a zone recorded at or after `since`, newest first. */
  confirmations(zone: string, since = 0): ConfirmationRow[] {
    return this.all(
      "SELECT * FROM confirmations WHERE zone = ? AND at >= ? ORDER BY at DESC, id DESC",
      zone,
      since,
    ).map(confirmationFromRow);
  }

  /** The same, as the assessment takes them. */
  confirmationsForAssessment(zone: string, since: number): Confirmation[] {
    return this.confirmations(zone, since).map(({ id: _id, recordedAt: _r, ...c }) => c);
  }

  proposals(filter: { zone?: string; open?: boolean } = {}): ProposalRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.zone !== undefined) {
      where.push("zone = ?");
      params.push(filter.zone);
    }
    if (filter.open) where.push("outcome IS NULL");
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.all(`SELECT * FROM proposals ${clause} ORDER BY id DESC`, ...params).map(
      proposalFromRow,
    );
  }

  /** NTAs; `inForce` keeps those approved and not ended (expiry is the service's tick). */
  ntas(filter: { zone?: string; inForce?: boolean } = {}): NtaRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.zone !== undefined) {
      where.push("zone = ?");
      params.push(filter.zone);
    }
    if (filter.inForce) where.push("ended_at IS NULL");
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.all(`SELECT * FROM ntas ${clause} ORDER BY zone, id DESC`, ...params).map(
      ntaFromRow,
    );
  }

  incidents(filter: { zone?: string; open?: boolean } = {}): IncidentRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.zone !== undefined) {
      where.push("zone = ?");
      params.push(filter.zone);
    }
    if (filter.open) where.push("closed_at IS NULL");
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.all(`SELECT * FROM incidents ${clause} ORDER BY opened_at DESC`, ...params).map(
      incidentFromRow,
    );
  }

  incident(id: string): IncidentRow | undefined {
    const r = this.one("SELECT * FROM incidents WHERE id = ?", id);
    return r ? incidentFromRow(r) : undefined;
  }

  /** The timeline of one incident, in the order it was recorded. */
  timeline(incidentId: string): TimelineEntry[] {
    return this.all("SELECT * FROM timeline WHERE incident_id = ? ORDER BY id", incidentId).map(
      timelineFromRow,
    );
  }

  audit(q: AuditQuery = {}): AuditRow[] {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const where = ["id > ?"];
    const params: unknown[] = [q.afterId ?? 0];
    if (q.zone !== undefined) {
      where.push("zone = ?");
      params.push(q.zone);
    }
    return this.all(
      `SELECT * FROM audit WHERE ${where.join(" AND ")} ORDER BY id LIMIT ?`,
      ...params,
      limit,
    ).map(auditFromRow);
  }

  /** Alerts not yet sent whose next attempt is due. */
  dueAlerts(now: number, limit = 100): OutboxRow[] {
    return this.all(
      `SELECT * FROM alert_outbox WHERE sent_at IS NULL AND next_attempt_at <= ?
       ORDER BY id LIMIT ?`,
      now,
      limit,
    ).map(outboxFromRow);
  }

  /** SQLite's own check of the file: "ok" when sound. */
  integrityCheck(): string {
    const rows = this.db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  }
}
