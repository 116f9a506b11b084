/**
 * The durable state of the watcher. Everything a transition of one zone
 * produces (the new state, its audit entries, its timeline entries, the
 * NTA it applies or removes, its alerts, and the round and assessment that
 * caused it) is written in ONE transaction: a crash at any point leaves
 * either all of it or none of it, so an approval a person was told about is
 * never lost, nor its audit entry, nor its expiry.
 *
 * Limitations: one process writes the file at a time (the revision check
 * refuses a stale writer of a zone, it does not merge).
 */

import type { LastKnownGood } from "../assess/last-known-good.js";
import type { Assessment, Confirmation } from "../assess/types.js";
import type { AuditEntry, Effect, Phase, ZoneState } from "../lifecycle/types.js";
import type { Round } from "../probe/observation.js";
import { openDatabase, type Db } from "./db.js";
import { StoreReader } from "./reads.js";
import { packRound, ZONE_STATE_FORMAT, type NtaEnd, type ProposalOutcome } from "./rows.js";

export class RevisionConflictError extends Error {
  constructor(
    readonly zone: string,
    readonly expected: number,
    readonly found: number,
  ) {
    super(`zone ${zone} changed under us: expected revision ${expected}, found ${found}`);
    this.name = "RevisionConflictError";
  }
}

/** One transition's outcome, as the state machine returned it. */
export interface TransitionStep {
  state: ZoneState;
  effects: readonly Effect[];
}

export interface ZoneCommit {
  zone: string;
  /** The revision the transitions started from; 0 for a zone without a row yet. */
  expectedRevision: number;
  /** The state the first step started from. */
  previous: ZoneState;
  /** Transitions applied in order (a tick then a round, say); may be empty. */
  steps: readonly TransitionStep[];
  now: number;
  round?: Round;
  assessment?: Assessment;
  /** The zone's last-known-good map after the round. */
  lastKnownGood?: LastKnownGood;
  /** Confirmations to record with it (from configured sources, or a person's). */
  confirmations?: readonly Confirmation[];
  /** Audit entries that are no transition (a person's confirmation, say). */
  audit?: readonly AuditEntry[];
}

export interface CommitResult {
  revision: number;
  state: ZoneState;
  auditIds: number[];
}

export class Store extends StoreReader {
  static open(path: string, now: number): Store {
    return new Store(openDatabase(path, { now }));
  }

  constructor(db: Db) {
    super(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Writes a zone's transitions and everything that came with them, atomically. */
  commit(c: ZoneCommit): CommitResult {
    const run = this.db.transaction((): CommitResult => {
      const found = this.one("SELECT revision FROM zone_states WHERE zone = ?", c.zone);
      const current = found ? (found.revision as number) : 0;
      if (current !== c.expectedRevision) {
        throw new RevisionConflictError(c.zone, c.expectedRevision, current);
      }
      if (c.round) this.insertRound(c.round);
      if (c.assessment) this.upsertAssessment(c.assessment);
      if (c.lastKnownGood) this.upsertLastKnownGood(c.zone, c.lastKnownGood);
      for (const conf of c.confirmations ?? []) this.insertConfirmation(conf, c.now);
      const auditIds: number[] = [];
      for (const a of c.audit ?? []) auditIds.push(this.insertAudit(a));
      let state = c.previous;
      for (const step of c.steps) {
        auditIds.push(...this.applyStep(state, step, c.now));
        state = step.state;
      }
      const revision = current + 1;
      this.db
        .prepare(
          `INSERT INTO zone_states (zone, format, revision, phase, state_json, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (zone) DO UPDATE SET format = excluded.format,
             revision = excluded.revision, phase = excluded.phase,
             state_json = excluded.state_json, updated_at = excluded.updated_at`,
        )
        .run(c.zone, ZONE_STATE_FORMAT, revision, state.phase, JSON.stringify(state), c.now);
      return { revision, state, auditIds };
    });
    // IMMEDIATE: take the write lock at BEGIN, so the revision read and the write agree.
    return run.immediate();
  }

  /** The effects of one transition, and the proposal and NTA rows its phases imply. */
  private applyStep(before: ZoneState, step: TransitionStep, now: number): number[] {
    const after = step.state;
    const auditIds: number[] = [];
    if (before.phase === "proposed" && after.phase !== "proposed") {
      this.closeProposal(after.zone, outcomeOf(after.phase), now);
    }
    if (after.phase === "proposed" && before.phase !== "proposed" && after.proposal) {
      const p = after.proposal;
      this.db
        .prepare(
          `INSERT INTO proposals (zone, incident_id, proposed_at, lifetime_seconds,
             lifetime_note, evidence_json) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          after.zone,
          after.incident?.id ?? null,
          p.at,
          p.lifetimeSeconds,
          p.lifetimeNote,
          JSON.stringify(p.evidence),
        );
    }
    for (const e of step.effects) {
      switch (e.kind) {
        case "audit":
          auditIds.push(this.insertAudit(e.entry));
          break;
        case "timeline":
          this.insertTimeline(e.entry, now);
          break;
        case "alert":
          this.db
            .prepare(
              `INSERT INTO alert_outbox (kind, zone, severity, payload_json, created_at,
                 next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(
              e.alert.kind,
              e.alert.zone,
              e.alert.severity,
              JSON.stringify({ ...e.alert, at: now }),
              now,
              now,
            );
          break;
        case "apply-nta": {
          const nta = after.nta;
          if (!nta) throw new Error(`apply-nta for ${e.zone} without an NTA in the state`);
          this.endNta(e.zone, "superseded", `replaced by the approval of ${nta.approvedBy}`, now);
          this.db
            .prepare(
              `INSERT INTO ntas (zone, incident_id, approved_by, approved_at, expires_at, reason)
               VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(
              e.zone,
              after.incident?.id ?? null,
              nta.approvedBy,
              nta.approvedAt,
              e.expiresAt,
              e.reason,
            );
          break;
        }
        case "remove-nta":
          this.endNta(e.zone, after.phase === "expired" ? "expired" : "retracted", e.reason, now);
          break;
      }
    }
    const deployed = after.nta?.deployedAt;
    if (deployed !== undefined && deployed !== before.nta?.deployedAt) {
      this.db
        .prepare("UPDATE ntas SET deployed_at = ? WHERE zone = ? AND ended_at IS NULL")
        .run(deployed, after.zone);
    }
    return auditIds;
  }

  private closeProposal(zone: string, outcome: ProposalOutcome, now: number): void {
    this.db
      .prepare("UPDATE proposals SET outcome = ?, closed_at = ? WHERE zone = ? AND outcome IS NULL")
      .run(outcome, now, zone);
  }

  private endNta(zone: string, kind: NtaEnd, reason: string, now: number): void {
    this.db
      .prepare(
        `UPDATE ntas SET ended_at = ?, end_kind = ?, end_reason = ?
         WHERE zone = ? AND ended_at IS NULL`,
      )
      .run(now, kind, reason, zone);
  }

  private insertAudit(a: AuditEntry): number {
    const r = this.db
      .prepare(
        `INSERT INTO audit (at, zone, actor, action, from_phase, to_phase, reason, evidence_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.at,
        a.zone,
        a.actor,
        a.action,
        a.from,
        a.to,
        a.reason,
        a.evidence ? JSON.stringify(a.evidence) : null,
      );
    return Number(r.lastInsertRowid);
  }

  private insertTimeline(
    t: {
      incidentId: string;
      zone: string;
      at: number;
      milestone: string;
      actor: string;
      summary: string;
    },
    now: number,
  ): void {
    this.db
      .prepare(
        "INSERT INTO incidents (id, zone, opened_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      )
      .run(t.incidentId, t.zone, t.at);
    this.db
      .prepare(
        `INSERT INTO timeline (incident_id, zone, at, milestone, actor, summary)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(t.incidentId, t.zone, t.at, t.milestone, t.actor, t.summary);
    if (t.milestone === "closed") {
      this.db.prepare("UPDATE incidents SET closed_at = ? WHERE id = ?").run(now, t.incidentId);
    }
  }

  private insertRound(round: Round): void {
    this.db
      .prepare("INSERT INTO rounds (zone, at, round_json) VALUES (?, ?, ?)")
      .run(round.zone, round.at, packRound(round));
  }

  private upsertAssessment(a: Assessment): void {
    this.db
      .prepare(
        `INSERT INTO assessments (zone, at, assessment_json) VALUES (?, ?, ?)
         ON CONFLICT (zone) DO UPDATE SET at = excluded.at,
           assessment_json = excluded.assessment_json`,
      )
      .run(a.zone, a.at, JSON.stringify(a));
  }

  private upsertLastKnownGood(zone: string, lkg: LastKnownGood): void {
    const put = this.db.prepare(
      `INSERT INTO last_known_good (zone, canary, rrset, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (zone, canary) DO UPDATE SET rrset = excluded.rrset, at = excluded.at
       WHERE excluded.at >= last_known_good.at`,
    );
    for (const [canary, good] of Object.entries(lkg)) put.run(zone, canary, good.rrset, good.at);
  }

  /** Records a confirmation once; the same one seen again (a feed re-read) is ignored. */
  private insertConfirmation(c: Confirmation, now: number): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO confirmations (zone, source, author, reference, at, expires_at, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(c.zone, c.source, c.author, c.reference, c.at, c.expiresAt ?? null, now);
    return r.changes > 0;
  }

  /** Records confirmations (and an audit entry for a person's) without a transition. */
  recordConfirmations(
    confirmations: readonly Confirmation[],
    now: number,
    audit: readonly AuditEntry[] = [],
  ): number {
    return this.db
      .transaction(() => {
        let added = 0;
        for (const c of confirmations) if (this.insertConfirmation(c, now)) added++;
        for (const a of audit) this.insertAudit(a);
        return added;
      })
      .immediate();
  }

  /** Drops rounds older than `before`, keeping the latest `keep` of each zone whatever their age. */
  pruneRounds(before: number, keep: number): number {
    const r = this.db
      .prepare(
        `DELETE FROM rounds WHERE at < ? AND id NOT IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY zone ORDER BY at DESC, id DESC) AS n
           FROM rounds) WHERE n <= ?)`,
      )
      .run(before, keep);
    return r.changes;
  }

  markAlertSent(id: number, now: number): void {
    this.db
      .prepare("UPDATE alert_outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?")
      .run(now, id);
  }

  markAlertFailed(id: number, nextAttemptAt: number, error: string): void {
    this.db
      .prepare(
        `UPDATE alert_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
         WHERE id = ?`,
      )
      .run(nextAttemptAt, error, id);
  }
}

function outcomeOf(phase: Phase): ProposalOutcome {
  if (phase === "active") return "approved";
  if (phase === "rejected") return "rejected";
  return "withdrawn";
}
