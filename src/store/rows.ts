/**
 * The rows the store hands out, and their mapping from SQLite rows. Column
 * names are snake_case in SQL and camelCase here.
 */

import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Assessment, Confirmation, ConfirmationSource } from "../assess/types.js";
import type {
  AuditEntry,
  EvidenceSnapshot,
  Milestone,
  Phase,
  TimelineEntry,
  ZoneState,
} from "../lifecycle/types.js";
import type { Round } from "../probe/observation.js";

/** The version of the ZoneState JSON this code writes and reads. */
export const ZONE_STATE_FORMAT = 1;

export interface StoredZone {
  zone: string;
  revision: number;
  updatedAt: number;
  state: ZoneState;
}

export type ProposalOutcome = "approved" | "rejected" | "withdrawn";

export interface ProposalRow {
  id: number;
  zone: string;
  incidentId: string | null;
  proposedAt: number;
  lifetimeSeconds: number;
  lifetimeNote: string;
  evidence: EvidenceSnapshot;
  outcome: ProposalOutcome | null;
  closedAt: number | null;
}

/** How an NTA ended: its lifetime ran out, it was taken back, or a new approval replaced it. */
export type NtaEnd = "expired" | "retracted" | "superseded";

export interface NtaRow {
  id: number;
  zone: string;
  incidentId: string | null;
  approvedBy: string;
  approvedAt: number;
  expiresAt: number;
  reason: string;
  deployedAt: number | null;
  endedAt: number | null;
  endKind: NtaEnd | null;
  endReason: string | null;
}

export interface ConfirmationRow extends Confirmation {
  id: number;
  recordedAt: number;
}

export interface IncidentRow {
  id: string;
  zone: string;
  openedAt: number;
  closedAt: number | null;
}

export interface AuditRow extends AuditEntry {
  id: number;
}

export interface OutboxRow {
  id: number;
  kind: string;
  zone: string;
  severity: string;
  payload: unknown;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  sentAt: number | null;
  lastError: string | null;
}

type Sql = Record<string, unknown>;

const num = (v: unknown): number => v as number;
const numOrNull = (v: unknown): number | null => (v === null ? null : (v as number));
const strOrNull = (v: unknown): string | null => (v === null ? null : (v as string));

export function zoneFromRow(r: Sql): StoredZone {
  if (r.format !== ZONE_STATE_FORMAT) {
    throw new Error(`zone ${String(r.zone)}: state format ${String(r.format)} is not understood`);
  }
  return {
    zone: r.zone as string,
    revision: num(r.revision),
    updatedAt: num(r.updated_at),
    state: JSON.parse(r.state_json as string) as ZoneState,
  };
}

export function proposalFromRow(r: Sql): ProposalRow {
  return {
    id: num(r.id),
    zone: r.zone as string,
    incidentId: strOrNull(r.incident_id),
    proposedAt: num(r.proposed_at),
    lifetimeSeconds: num(r.lifetime_seconds),
    lifetimeNote: r.lifetime_note as string,
    evidence: JSON.parse(r.evidence_json as string) as EvidenceSnapshot,
    outcome: strOrNull(r.outcome) as ProposalOutcome | null,
    closedAt: numOrNull(r.closed_at),
  };
}

export function ntaFromRow(r: Sql): NtaRow {
  return {
    id: num(r.id),
    zone: r.zone as string,
    incidentId: strOrNull(r.incident_id),
    approvedBy: r.approved_by as string,
    approvedAt: num(r.approved_at),
    expiresAt: num(r.expires_at),
    reason: r.reason as string,
    deployedAt: numOrNull(r.deployed_at),
    endedAt: numOrNull(r.ended_at),
    endKind: strOrNull(r.end_kind) as NtaEnd | null,
    endReason: strOrNull(r.end_reason),
  };
}

export function confirmationFromRow(r: Sql): ConfirmationRow {
  const c: ConfirmationRow = {
    id: num(r.id),
    zone: r.zone as string,
    source: r.source as ConfirmationSource,
    author: r.author as string,
    reference: r.reference as string,
    at: num(r.at),
    recordedAt: num(r.recorded_at),
  };
  if (r.expires_at !== null) c.expiresAt = num(r.expires_at);
  return c;
}

export function incidentFromRow(r: Sql): IncidentRow {
  return {
    id: r.id as string,
    zone: r.zone as string,
    openedAt: num(r.opened_at),
    closedAt: numOrNull(r.closed_at),
  };
}

export function timelineFromRow(r: Sql): TimelineEntry {
  return {
    incidentId: r.incident_id as string,
    zone: r.zone as string,
    at: num(r.at),
    milestone: r.milestone as Milestone,
    actor: r.actor as string,
    summary: r.summary as string,
  };
}

export function auditFromRow(r: Sql): AuditRow {
  const a: AuditRow = {
    id: num(r.id),
    at: num(r.at),
    zone: r.zone as string,
    actor: r.actor as string,
    action: r.action as string,
    from: r.from_phase as Phase,
    to: r.to_phase as Phase,
    reason: r.reason as string,
  };
  if (r.evidence_json !== null) a.evidence = JSON.parse(r.evidence_json as string);
  return a;
}

export function outboxFromRow(r: Sql): OutboxRow {
  return {
    id: num(r.id),
    kind: r.kind as string,
    zone: r.zone as string,
    severity: r.severity as string,
    payload: JSON.parse(r.payload_json as string),
    createdAt: num(r.created_at),
    attempts: num(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    sentAt: numOrNull(r.sent_at),
    lastError: strOrNull(r.last_error),
  };
}

/** Rounds are kept deflated: their observations repeat the same keys many times. */
export function packRound(round: Round): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(round), "utf8"));
}

export function unpackRound(blob: Buffer): Round {
  return JSON.parse(inflateRawSync(blob).toString("utf8")) as Round;
}

export function assessmentFromRow(r: Sql): Assessment {
  return JSON.parse(r.assessment_json as string) as Assessment;
}
