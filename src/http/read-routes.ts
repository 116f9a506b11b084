/**
 * The routes that read: zones, their observations and preconditions with
 * evidence, proposals, NTAs (also as a feed for peers and as text for each
 * resolver), incidents with their timeline reports, the audit log, and the
 * confirmation sources' last reports.
 */

import { buildNtaFeed } from "../confirm/nta-feed.js";
import { buildTimelineReport } from "../lifecycle/timeline.js";
import { knownZone, queries, zoneOf, zoneParam, zoneView } from "./common.js";
import { INCIDENT_REPORT_SCHEMA } from "./incident-schema.js";
import {
  RESOLVER_CONTENT_TYPE,
  RESOLVER_KINDS,
  renderForResolver,
  type ResolverKind,
} from "./resolvers.js";
import { ApiError, type ApiDeps, type RouteSpec, type TextReply } from "./types.js";

function optionalZone(q: Record<string, unknown>): string | undefined {
  return typeof q.zone === "string" ? zoneOf(q.zone) : undefined;
}

function inForce(deps: ApiDeps) {
  const now = deps.now();
  return deps.store.ntas({ inForce: true }).filter((n) => n.expiresAt > now);
}

function incidentReport(deps: ApiDeps, id: string) {
  const incident = deps.store.incident(id);
  if (!incident) throw new ApiError(404, "not-found", `no incident ${id}`);
  const entries = deps.store.timeline(id);
  if (entries.length === 0) throw new ApiError(404, "not-found", `incident ${id} has no timeline`);
  return { incident, ...buildTimelineReport(entries) };
}

const RESOLVER_FILES: Record<ResolverKind, string> = {
  unbound: "unbound.conf",
  bind: "bind.txt",
  pdns: "pdns.lua",
  knot: "knot.lua",
};

export const readRoutes: RouteSpec[] = [
  {
    method: "GET",
    url: "/api/v1/zones",
    tag: "zones",
    summary: "Every zone: its phase, candidate, proposal and NTA",
    access: "viewer",
    handler: ({ deps }) => {
      const stored = new Map(deps.store.zones().map((z) => [z.zone, z]));
      const names = [...new Set([...deps.watched(), ...stored.keys()])].sort();
      return { zones: names.map((n) => zoneView(stored.get(n) ?? knownZone(deps, n))) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/zones/:zone",
    tag: "zones",
    summary: "One zone's state",
    access: "viewer",
    params: zoneParam,
    handler: ({ deps, params }) => zoneView(knownZone(deps, zoneOf(params.zone!))),
  },
  {
    method: "GET",
    url: "/api/v1/zones/:zone/observations",
    tag: "zones",
    summary: "The latest probe rounds of a zone (observations and control observations)",
    access: "viewer",
    params: zoneParam,
    query: queries.rounds!,
    handler: ({ deps, params, query }) => {
      const zone = knownZone(deps, zoneOf(params.zone!)).zone;
      return { zone, rounds: deps.store.recentRounds(zone, Number(query.rounds ?? 1)) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/zones/:zone/preconditions",
    tag: "zones",
    summary: "The three preconditions with their evidence, from the zone's latest assessment",
    access: "viewer",
    params: zoneParam,
    handler: ({ deps, params }) => {
      const zone = knownZone(deps, zoneOf(params.zone!)).zone;
      const a = deps.store.lastAssessment(zone);
      if (!a) throw new ApiError(404, "not-found", `zone ${zone} has not been assessed yet`);
      return {
        zone,
        at: a.at,
        status: a.status,
        preconditions: {
          widespread: a.widespread,
          confirmed: a.confirmed,
          noSecurityValue: a.noSecurityValue,
        },
        assessment: a,
      };
    },
  },
  {
    method: "GET",
    url: "/api/v1/zones/:zone/confirmations",
    tag: "zones",
    summary: "Confirmations recorded for a zone, newest first",
    access: "viewer",
    params: zoneParam,
    handler: ({ deps, params }) => {
      const zone = knownZone(deps, zoneOf(params.zone!)).zone;
      return { zone, confirmations: deps.store.confirmations(zone) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/proposals",
    tag: "proposals",
    summary: "Proposals, newest first; open=true for those awaiting a person",
    access: "viewer",
    query: queries.open!,
    handler: ({ deps, query }) => {
      const zone = optionalZone(query);
      return {
        proposals: deps.store.proposals({ ...(zone ? { zone } : {}), open: query.open === true }),
      };
    },
  },
  {
    method: "GET",
    url: "/api/v1/ntas",
    tag: "ntas",
    summary: "NTAs, one row per approval; inForce=true for those in force",
    access: "viewer",
    query: queries.ntas!,
    handler: ({ deps, query }) => {
      const zone = optionalZone(query);
      const rows = query.inForce === true ? inForce(deps) : deps.store.ntas(zone ? { zone } : {});
      return { ntas: zone ? rows.filter((n) => n.zone === zone) : rows };
    },
  },
  {
    method: "GET",
    url: "/api/v1/ntas.json",
    tag: "ntas",
    summary:
      "The NTAs in force as a feed another nta-watch subscribes to (format nta-watch.ntas/1)",
    access: "feed",
    handler: ({ deps }) => buildNtaFeed(deps.publisher, inForce(deps), deps.now()),
  },
  ...RESOLVER_KINDS.map((kind): RouteSpec => ({
    method: "GET",
    url: `/api/v1/ntas/${RESOLVER_FILES[kind]}`,
    tag: "ntas",
    summary: `The NTAs in force as ${kind} configuration text`,
    access: "feed",
    produces: "text/plain",
    handler: ({ deps }): TextReply => ({
      contentType: RESOLVER_CONTENT_TYPE,
      text: renderForResolver(kind, inForce(deps), deps.now()),
    }),
  })),
  {
    method: "GET",
    url: "/api/v1/incidents",
    tag: "incidents",
    summary: "Incidents, newest first; open=true for those not closed",
    access: "viewer",
    query: queries.open!,
    handler: ({ deps, query }) => {
      const zone = optionalZone(query);
      return {
        incidents: deps.store.incidents({ ...(zone ? { zone } : {}), open: query.open === true }),
      };
    },
  },
  {
    method: "GET",
    url: "/api/v1/incidents/:id",
    tag: "incidents",
    summary: "One incident and its timeline entries",
    access: "viewer",
    params: { id: { type: "string", minLength: 1, maxLength: 400 } },
    handler: ({ deps, params }) => {
      const incident = deps.store.incident(params.id!);
      if (!incident) throw new ApiError(404, "not-found", `no incident ${params.id}`);
      return { incident, timeline: deps.store.timeline(incident.id) };
    },
  },
  {
    method: "GET",
    url: "/api/v1/incidents/:id/report.json",
    tag: "incidents",
    summary: "The incident's timeline report: milestones and durations",
    access: "viewer",
    params: { id: { type: "string", minLength: 1, maxLength: 400 } },
    response: INCIDENT_REPORT_SCHEMA,
    handler: ({ deps, params }) => {
      const r = incidentReport(deps, params.id!);
      return { incident: r.incident, report: r.json };
    },
  },
  {
    method: "GET",
    url: "/api/v1/incidents/:id/report.md",
    tag: "incidents",
    summary: "The incident's timeline report in Markdown",
    access: "viewer",
    produces: "text/markdown",
    params: { id: { type: "string", minLength: 1, maxLength: 400 } },
    handler: ({ deps, params }): TextReply => ({
      contentType: "text/markdown; charset=utf-8",
      text: incidentReport(deps, params.id!).markdown,
    }),
  },
  {
    method: "GET",
    url: "/api/v1/audit",
    tag: "audit",
    summary: "The audit log, oldest first, paged by id",
    access: "viewer",
    query: queries.audit!,
    handler: ({ deps, query }) => {
      const zone = optionalZone(query);
      const entries = deps.store.audit({
        ...(zone ? { zone } : {}),
        afterId: Number(query.after ?? 0),
        limit: Number(query.limit ?? 100),
      });
      return { entries, next: entries.at(-1)?.id ?? null };
    },
  },
  {
    method: "GET",
    url: "/api/v1/sources",
    tag: "confirmations",
    summary: "The last report of each configured confirmation source",
    access: "viewer",
    handler: ({ deps }) => ({
      sources: (deps.sourceReports?.() ?? []).map(({ confirmations, ...r }) => ({
        ...r,
        confirmations: confirmations.length,
      })),
    }),
  },
];
