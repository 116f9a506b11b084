/**
 * What the console shows, read from the store in one place: zones with
 * their state and latest assessment, the verdicts of the last rounds per
 * vantage and per authoritative server, open proposals, NTAs in force,
 * recent incidents with their timelines, and the tail of the audit log.
 * No HTML here; render-*.ts turn this into the page.
 */

import type { Assessment } from "../../assess/types.js";
import { weakest, type Security, type Verdict } from "../../dnssec/verdict.js";
import type { TimelineEntry } from "../../lifecycle/types.js";
import type { Observation, Round } from "../../probe/observation.js";
import type { AuditRow, IncidentRow, NtaRow, ProposalRow } from "../../store/rows.js";
import { knownZone, zoneView } from "../common.js";
import type { ApiDeps } from "../types.js";

/** Rounds shown in the verdict grids. */
export const ROUNDS_SHOWN = 5;
/** Audit entries shown, newest first. */
export const AUDIT_SHOWN = 50;
/** Closed incidents shown beside the open ones. */
export const CLOSED_INCIDENTS_SHOWN = 3;

/** How one vantage (or authoritative server) saw the zone in one round. */
export interface VerdictCell {
  security: Security;
  /** Reason kind of the weakest verdict, when not secure. */
  reasonKind?: string;
  reasonMessage?: string;
  canariesFailing: number;
  canaries: number;
  /** Recursive vantages: the RCODEs users got (CD=0), distinct, in order seen. */
  userRcodes: string[];
}

export interface VerdictGrid {
  /** Round times, oldest first. */
  rounds: number[];
  rows: { path: string; cells: (VerdictCell | undefined)[] }[];
}

export interface ZoneDetail {
  view: ReturnType<typeof zoneView>;
  assessment?: Assessment;
  vantages: VerdictGrid;
  authoritatives: VerdictGrid;
}

export interface ConsoleView {
  now: number;
  zones: ZoneDetail[];
  proposals: ProposalRow[];
  ntas: NtaRow[];
  incidents: { incident: IncidentRow; timeline: TimelineEntry[] }[];
  audit: AuditRow[];
  maxLifetimeSeconds: number;
  /** An incident is open: the page refreshes often. */
  incidentOpen: boolean;
}

/** The name a path is shown under: the vantage's name, or the server's host and address. */
export function pathName(o: Observation): string {
  const v = o.vantage;
  if (v.kind === "recursive") return v.name;
  return v.host ? `${v.host} (${v.address})` : v.address;
}

function cellOf(observations: Observation[]): VerdictCell {
  const verdicts: Verdict[] = observations.map((o) => o.verdict);
  const worst = weakest(verdicts);
  const rcodes: string[] = [];
  for (const o of observations) {
    const rcode = o.userAnswer?.rcode;
    if (rcode && !rcodes.includes(rcode)) rcodes.push(rcode);
  }
  return {
    security: worst.security,
    ...(worst.security !== "secure" && worst.reason
      ? { reasonKind: worst.reason.kind, reasonMessage: worst.reason.message }
      : {}),
    canariesFailing: verdicts.filter((v) => v.security === "bogus").length,
    canaries: verdicts.length,
    userRcodes: rcodes,
  };
}

/** Per-path verdicts over the rounds given (oldest first), for one kind of vantage. */
export function verdictGrid(
  rounds: readonly Round[],
  kind: "recursive" | "authoritative",
): VerdictGrid {
  const paths: string[] = [];
  const byRound = rounds.map((r) => {
    const groups = new Map<string, Observation[]>();
    for (const o of r.observations) {
      if (o.vantage.kind !== kind) continue;
      const p = pathName(o);
      if (!paths.includes(p)) paths.push(p);
      groups.set(p, [...(groups.get(p) ?? []), o]);
    }
    return groups;
  });
  paths.sort();
  return {
    rounds: rounds.map((r) => r.at),
    rows: paths.map((path) => ({
      path,
      cells: byRound.map((g) => {
        const obs = g.get(path);
        return obs ? cellOf(obs) : undefined;
      }),
    })),
  };
}

/** The last `n` audit entries, newest first (ids grow by one per entry). */
function auditTail(deps: ApiDeps, n: number): AuditRow[] {
  const row = deps.store.db.prepare("SELECT max(id) AS last FROM audit").get() as
    { last: number | null } | undefined;
  const last = row?.last ?? 0;
  return deps.store.audit({ afterId: Math.max(0, last - n), limit: n }).reverse();
}

export function buildView(deps: ApiDeps): ConsoleView {
  const now = deps.now();
  const stored = new Map(deps.store.zones().map((z) => [z.zone, z]));
  const names = [...new Set([...deps.watched(), ...stored.keys()])].sort();
  const zones = names.map((zone): ZoneDetail => {
    const rounds = deps.store.recentRounds(zone, ROUNDS_SHOWN);
    const assessment = deps.store.lastAssessment(zone);
    return {
      view: zoneView(stored.get(zone) ?? knownZone(deps, zone)),
      ...(assessment ? { assessment } : {}),
      vantages: verdictGrid(rounds, "recursive"),
      authoritatives: verdictGrid(rounds, "authoritative"),
    };
  });
  const all = deps.store.incidents({});
  const open = all.filter((i) => i.closedAt === null);
  const closed = all.filter((i) => i.closedAt !== null).slice(0, CLOSED_INCIDENTS_SHOWN);
  return {
    now,
    zones,
    proposals: deps.store.proposals({ open: true }),
    ntas: deps.store.ntas({ inForce: true }).filter((n) => n.expiresAt > now),
    incidents: [...open, ...closed].map((incident) => ({
      incident,
      timeline: deps.store.timeline(incident.id),
    })),
    audit: auditTail(deps, AUDIT_SHOWN),
    maxLifetimeSeconds: deps.thresholds.ntaLifetimeMaxSeconds,
    incidentOpen: open.length > 0,
  };
}
