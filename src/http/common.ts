/**
 * Pieces the routes share: the zone parameter, the view of a zone's state,
 * and the JSON schemas of requests (fastify validates them with Ajv; the
 * OpenAPI document shows the same objects).
 */

import { lowerName, NameSyntaxError, nameToText, parseName } from "../dns/name.js";
import { initialState } from "../lifecycle/transition.js";
import type { ZoneState } from "../lifecycle/types.js";
import type { StoredZone } from "../store/rows.js";
import { ApiError, type ApiDeps, type JsonSchema } from "./types.js";

/** A zone from the URL, as the store keys it: lowercase with the trailing dot. */
export function zoneOf(text: string): string {
  try {
    return nameToText(lowerName(parseName(text.endsWith(".") ? text : `${text}.`)));
  } catch (e) {
    if (!(e instanceof NameSyntaxError)) throw e;
    throw new ApiError(400, "invalid-request", `"${text}" is not a domain name: ${e.message}`);
  }
}

/** The stored zone, or a watched zone not probed yet; 404 for a zone the watcher does not know. */
export function knownZone(deps: ApiDeps, zone: string): StoredZone {
  const stored = deps.store.zone(zone);
  if (stored) return stored;
  if (deps.watched().includes(zone)) {
    return { zone, revision: 0, updatedAt: 0, state: initialState(zone, deps.now()) };
  }
  throw new ApiError(404, "not-found", `zone ${zone} is not watched`);
}

/** What the zone list shows of a state: the phase and what it holds. */
export function zoneView(z: StoredZone) {
  const s: ZoneState = z.state;
  return {
    zone: z.zone,
    phase: s.phase,
    // The latest round's status: unknown when nothing answered (indeterminate), null before any.
    status: s.lastEvidence?.status ?? null,
    statusNote: s.lastEvidence?.statusNote ?? null,
    since: s.since,
    revision: z.revision,
    updatedAt: z.updatedAt,
    incidentId: s.incident?.id ?? null,
    candidate: s.candidate ?? null,
    proposal: s.proposal ?? null,
    nta: s.nta ?? null,
    recoveryRounds: s.recoveryRounds,
    tamperingSeen: s.tamperingSeen,
    lastEvidence: s.lastEvidence ?? null,
  };
}

export const zoneParam = {
  zone: {
    type: "string",
    minLength: 1,
    maxLength: 255,
    description: "zone name, trailing dot optional",
  },
};

const reason = {
  type: "string",
  minLength: 1,
  maxLength: 2000,
  description: "why, in words; kept in the audit log",
};
const lifetime = {
  type: "integer",
  minimum: 1,
  description:
    "seconds the NTA lives from now (RFC 7646; at most the configured maximum, one week by default)",
};

export const bodies: Record<string, JsonSchema> = {
  confirm: {
    type: "object",
    additionalProperties: false,
    required: ["reference"],
    properties: {
      reference: {
        type: "string",
        minLength: 1,
        maxLength: 2000,
        description: "a URL or a quoted text someone can check",
      },
      expiresInSeconds: {
        type: "integer",
        minimum: 1,
        description: "the confirmation lapses after this",
      },
    },
  },
  approve: {
    type: "object",
    additionalProperties: false,
    required: ["reason"],
    properties: {
      reason,
      lifetimeSeconds: {
        ...lifetime,
        description: `${lifetime.description}; default: the proposal's`,
      },
      proposalAt: {
        type: "integer",
        description:
          "the proposal's time as the approver saw it; refused (409) if the proposal has changed since",
      },
    },
  },
  reasonOnly: {
    type: "object",
    additionalProperties: false,
    required: ["reason"],
    properties: { reason },
  },
  extend: {
    type: "object",
    additionalProperties: false,
    required: ["reason", "lifetimeSeconds"],
    properties: { reason, lifetimeSeconds: lifetime },
  },
};

export const queries: Record<string, JsonSchema> = {
  rounds: {
    type: "object",
    additionalProperties: false,
    properties: { rounds: { type: "integer", minimum: 1, maximum: 50, default: 1 } },
  },
  open: {
    type: "object",
    additionalProperties: false,
    properties: { open: { type: "boolean" }, zone: { type: "string", maxLength: 255 } },
  },
  ntas: {
    type: "object",
    additionalProperties: false,
    properties: { inForce: { type: "boolean" }, zone: { type: "string", maxLength: 255 } },
  },
  audit: {
    type: "object",
    additionalProperties: false,
    properties: {
      zone: { type: "string", maxLength: 255 },
      after: { type: "integer", minimum: 0, default: 0, description: "entries with a greater id" },
      limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
    },
  },
};
