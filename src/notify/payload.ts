/**
 * What receivers get. Pure: an outbox row in, a JSON body out.
 *
 * Generic webhooks get the versioned body below (schema version 1; a new
 * field may be added within a version, a field is never removed or changed
 * in meaning without a new version). Slack gets Block Kit blocks with a
 * plain-text fallback for notifications and clients without blocks.
 *
 * Webhook body, version 1:
 *
 * | field | type | meaning |
 * |---|---|---|
 * | version | 1 | the schema version |
 * | id | string | the alert's outbox id; the same on every retry and every receiver, to drop repeats |
 * | kind | string | failure, widespread, proposal, proposal-reminder, approved, rejected, withdrawn, deployed, recovery-seen, retracted, expired, tampering, clock-suspect, signatures-expiring, key-rollover, precondition-changed, drift |
 * | severity | string | info, warning, critical |
 * | zone | string | the zone, lowercase with the trailing dot ("" for a resolver-wide drift) |
 * | state | string or null | the zone's lifecycle state after the event |
 * | summary | string | one sentence for people |
 * | at | number | when it happened, seconds since the epoch |
 * | preconditions | object or null | widespread, confirmed, noSecurityValue: each {met, evidence} |
 * | tampering | string or null | evidence of tampering, when seen |
 * | proposal | object or null | {proposedAt, lifetimeSeconds, lifetimeNote} |
 * | nta | object or null | {approvedBy, expiresAt, deployedAt} |
 * | incident | string or null | the incident id |
 * | horizon | number or null | signatures-expiring: when the last fresh signature expires |
 * | resolver | string or null | drift: the resolver concerned |
 * | next | string | what a person should do now |
 * | link | string or null | the zone in the console |
 */

import { isoTime } from "../assess/classify.js";
import type { OutboxRow } from "../store/rows.js";
import { PRECONDITION_NAMES, type Notice, type PreconditionKey } from "./notices.js";

export const WEBHOOK_SCHEMA_VERSION = 1;

export interface WebhookBody {
  version: typeof WEBHOOK_SCHEMA_VERSION;
  id: string;
  kind: string;
  severity: string;
  zone: string;
  state: string | null;
  summary: string;
  at: number;
  preconditions: Record<PreconditionKey, { met: boolean; evidence: string }> | null;
  tampering: string | null;
  proposal: { proposedAt: number; lifetimeSeconds: number; lifetimeNote: string } | null;
  nta: { approvedBy: string; expiresAt: number; deployedAt: number | null } | null;
  incident: string | null;
  horizon: number | null;
  resolver: string | null;
  next: string;
  link: string | null;
}

const NEXT: Record<string, string> = {
  failure:
    "Watch the zone; nothing to do yet. A proposal follows if the failure becomes widespread and confirmed.",
  widespread: "Look for a public confirmation from the zone's operator and record it if found.",
  "precondition-changed": "Check the evidence of the precondition that changed.",
  proposal:
    "Review the three preconditions and their evidence, then approve or reject the proposal.",
  "proposal-reminder": "The proposal still waits: approve or reject it.",
  approved: "Nothing: the NTA is being pushed to the resolvers.",
  deployed: "Nothing: the NTA is in place; it is retracted when the zone validates again.",
  "recovery-seen":
    "Nothing: the NTA is retracted automatically after the configured recovery rounds.",
  retracted: "Nothing: the NTA is removed from the resolvers; check they validate the zone again.",
  expired: "If the zone is still broken, a new proposal needs a new approval.",
  rejected: "Nothing: the zone stays unresolvable for validating users until it is fixed.",
  withdrawn: "Nothing: the proposal no longer holds.",
  tampering: "Do not add an NTA. Investigate the differing data; contact the zone's operator.",
  "clock-suspect": "Check this host's clock (NTP); no proposal is made while it is suspect.",
  "signatures-expiring": "Tell the zone's operator their signer has stopped refreshing signatures.",
  "key-rollover": "Watch the rollover; most breaks happen during one.",
  drift: "Check the resolver's NTAs; the watcher repairs its own, never a person's.",
};

export function nextStep(kind: string): string {
  return NEXT[kind] ?? "Look at the zone in the console.";
}

export function zoneLink(template: string | undefined, zone: string): string | null {
  if (!template || zone === "") return null;
  return template.replaceAll("{zone}", encodeURIComponent(zone));
}

function noticeOf(row: OutboxRow): Notice {
  const p = (row.payload ?? {}) as Partial<Notice> & { at?: number };
  return {
    ...p,
    kind: row.kind,
    zone: row.zone,
    severity: row.severity as Notice["severity"],
    summary: typeof p.summary === "string" ? p.summary : "",
    dedupKey: p.dedupKey ?? "",
  };
}

export function webhookBody(row: OutboxRow, linkTemplate?: string): WebhookBody {
  const n = noticeOf(row);
  const at = (row.payload as { at?: number } | null)?.at ?? row.createdAt;
  const e = n.evidence;
  return {
    version: WEBHOOK_SCHEMA_VERSION,
    id: String(row.id),
    kind: row.kind,
    severity: row.severity,
    zone: row.zone,
    state: n.phase ?? null,
    summary: n.summary,
    at,
    preconditions: e
      ? {
          widespread: { met: e.widespread.met, evidence: e.widespread.summary },
          confirmed: { met: e.confirmed.met, evidence: e.confirmed.summary },
          noSecurityValue: { met: e.noSecurityValue.met, evidence: e.noSecurityValue.summary },
        }
      : null,
    tampering: e?.tampering ?? null,
    proposal: n.proposal
      ? {
          proposedAt: n.proposal.at,
          lifetimeSeconds: n.proposal.lifetimeSeconds,
          lifetimeNote: n.proposal.lifetimeNote,
        }
      : null,
    nta: n.nta
      ? {
          approvedBy: n.nta.approvedBy,
          expiresAt: n.nta.expiresAt,
          deployedAt: n.nta.deployedAt ?? null,
        }
      : null,
    incident: n.incidentId ?? null,
    horizon: n.horizon ?? null,
    resolver: n.resolver ?? null,
    next: nextStep(row.kind),
    link: zoneLink(linkTemplate, row.zone),
  };
}

const ICON: Record<string, string> = {
  info: ":information_source:",
  warning: ":warning:",
  critical: ":rotating_light:",
};

/** Slack's mrkdwn: &, < and > are the characters it asks to escape. */
function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Section text is limited to 3000 characters by Slack. */
function clip(s: string, max = 2900): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A Slack incoming-webhook message: Block Kit blocks and a text fallback. */
export function slackMessage(row: OutboxRow, linkTemplate?: string): Record<string, unknown> {
  const b = webhookBody(row, linkTemplate);
  const title = `${b.zone || "resolvers"}: ${b.kind}${b.state ? ` (${b.state})` : ""}`;
  const text = `${ICON[b.severity] ?? ""} ${title}: ${b.summary}`.trim();
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: clip(title, 150), emoji: true } },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(`${ICON[b.severity] ?? ""} ${esc(b.summary)}`) },
    },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Zone*\n${esc(b.zone || "-")}` },
        { type: "mrkdwn", text: `*State*\n${esc(b.state ?? "-")}` },
        { type: "mrkdwn", text: `*Severity*\n${b.severity}` },
        { type: "mrkdwn", text: `*At*\n${isoTime(b.at)}` },
      ],
    },
  ];
  if (b.preconditions) {
    const lines = (Object.keys(PRECONDITION_NAMES) as PreconditionKey[]).map((k) => {
      const p = b.preconditions![k];
      return `${p.met ? ":white_check_mark:" : ":x:"} *${PRECONDITION_NAMES[k]}*: ${esc(p.evidence)}`;
    });
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n")) } });
  }
  if (b.tampering) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`:no_entry: *Tampering evidence*: ${esc(b.tampering)}`) },
    });
  }
  if (b.proposal) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: clip(`Proposed ${isoTime(b.proposal.proposedAt)}; ${esc(b.proposal.lifetimeNote)}`),
        },
      ],
    });
  }
  blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Next*: ${esc(b.next)}` } });
  if (b.link) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: {
            type: "plain_text",
            text: b.kind.startsWith("proposal") ? "Review the proposal" : "Open in the console",
          },
          url: b.link,
        },
      ],
    });
  }
  return { text, blocks };
}
