/**
 * The JSON schema of GET /api/v1/incidents/{id}/report.json, as the OpenAPI
 * document gives it: the incident's row and its timeline report
 * (lifecycle/timeline.ts). An open incident has `open: true` and
 * `endedAt: null`; `latestAt` is its latest entry either way.
 */

import type { Milestone } from "../lifecycle/types.js";
import type { JsonSchema } from "./types.js";

const MILESTONES = [
  "first-failure",
  "widespread",
  "confirmation",
  "proposal",
  "approval",
  "deployment",
  "extension",
  "recovery-seen",
  "retraction",
  "expiry",
  "rejection",
  "withdrawal",
  "tampering",
  "closed",
] as const satisfies readonly Milestone[];

// Every milestone the lifecycle records is in the enum: a new one fails to compile here.
const everyMilestone: Exclude<Milestone, (typeof MILESTONES)[number]> extends never ? true : never =
  true;
void everyMilestone;

const seconds = { type: "integer", description: "seconds since the epoch" };

const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: "object",
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

const INCIDENT = object({
  id: { type: "string" },
  zone: { type: "string" },
  openedAt: seconds,
  closedAt: { type: ["integer", "null"], description: "null while the incident is open" },
});

const ROW = object({
  at: seconds,
  time: { type: "string", description: "RFC 3339, UTC" },
  milestone: { type: "string", enum: [...MILESTONES] },
  actor: { type: "string" },
  summary: { type: "string" },
  sinceStart: { type: "integer", minimum: 0 },
  sincePrevious: { type: "integer", minimum: 0 },
});

const DURATION = object({
  from: { type: "string", enum: [...MILESTONES] },
  to: { type: "string", enum: [...MILESTONES] },
  label: { type: "string" },
  seconds: { type: "integer", minimum: 0 },
  text: { type: "string" },
});

const REPORT = object({
  incidentId: { type: "string" },
  zone: { type: "string" },
  startedAt: seconds,
  open: { type: "boolean", description: 'true until the "closed" milestone' },
  endedAt: {
    type: ["integer", "null"],
    description: 'the "closed" milestone\'s time; null while the incident is open',
  },
  latestAt: { ...seconds, description: "the latest entry's time, open or closed" },
  rows: { type: "array", items: ROW },
  durations: { type: "array", items: DURATION },
});

/** The whole answer of report.json. */
export const INCIDENT_REPORT_SCHEMA: JsonSchema = object({ incident: INCIDENT, report: REPORT });
