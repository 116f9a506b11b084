/**
 * What `nta-watch check` reports about one round: per vantage and per
 * authoritative server, each canary's answer (RCODE, AD, EDE) and our own
 * verdict with its reason, then a summary. Pure: a round in, a plain object
 * out (printed as JSON by `check --json`).
 *
 * Summary: the zone is bogus when any vantage or authoritative server gives
 * a bogus verdict for any canary; otherwise secure (or insecure) when at
 * least one path could be checked; indeterminate when none could. An
 * unreachable vantage is counted apart and never makes the zone fail.
 */
import type { Reason, Security } from "../dnssec/verdict.js";
import type { EdeOption, Observation, Round } from "./observation.js";

export interface CheckResult {
  /** The canary's stable id ("soa", "nxdomain", "name/TYPE"). */
  canary: string;
  qname: string;
  type: string;
  reachable: boolean;
  /** The user-facing RCODE (CD=0) for a recursive vantage; the server's own for an authoritative one. */
  rcode: string | null;
  /** The AD bit of the CD=0 answer; null for authoritative servers. */
  ad: boolean | null;
  ede: EdeOption[];
  verdict: Security;
  reason: Reason | null;
  fingerprints: { rrset: string | null; rrsigs: string | null };
}

export interface CheckVantage {
  name: string;
  kind: "recursive" | "authoritative";
  address: string;
  software?: string;
  host?: string;
  /** The weakest verdict over the canaries: bogus > indeterminate > insecure > secure. */
  verdict: Security;
  results: CheckResult[];
}

export interface CheckSummary {
  verdict: Security;
  reason: Reason | null;
  failingVantages: number;
  totalVantages: number;
  unreachableVantages: number;
  failingAuthoritatives: number;
  totalAuthoritatives: number;
  unreachableAuthoritatives: number;
}

export interface CheckReport {
  zone: string;
  /** ISO 8601 time of the round. */
  at: string;
  vantages: CheckVantage[];
  /** Control zones seen from the same recursive vantages. */
  control: { zone: string; vantages: CheckVantage[] }[];
  /** Derived canaries left out for want of a configuration hint. */
  missingCanaries: string[];
  summary: CheckSummary;
}

const RANK: Record<Security, number> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };

function resultOf(o: Observation): CheckResult {
  const recursive = o.vantage.kind === "recursive";
  return {
    canary: o.canary.id ?? `${o.canary.name}/${o.canary.type}`,
    qname: o.canary.name,
    type: o.canary.type,
    reachable: o.reachable,
    rcode: recursive ? (o.userAnswer?.rcode ?? null) : (o.rawAnswer?.rcode ?? null),
    ad: recursive ? (o.userAnswer?.ad ?? null) : null,
    ede: recursive ? (o.userAnswer?.ede ?? []) : [],
    verdict: o.verdict.security,
    reason: o.verdict.reason ?? null,
    fingerprints: { rrset: o.fingerprints?.rrset ?? null, rrsigs: o.fingerprints?.rrsigs ?? null },
  };
}

function vantageKey(o: Observation): string {
  return o.vantage.kind === "recursive" ? `r/${o.vantage.name}` : `a/${o.vantage.address}`;
}

/** Observations grouped by vantage, in the order first seen. */
export function byVantage(observations: readonly Observation[]): CheckVantage[] {
  const out = new Map<string, CheckVantage>();
  for (const o of observations) {
    const key = vantageKey(o);
    let v = out.get(key);
    if (!v) {
      v =
        o.vantage.kind === "recursive"
          ? {
              name: o.vantage.name,
              kind: "recursive",
              address: "",
              software: o.vantage.software,
              verdict: "secure",
              results: [],
            }
          : {
              name: o.vantage.host ?? o.vantage.address,
              kind: "authoritative",
              address: o.vantage.address,
              ...(o.vantage.host ? { host: o.vantage.host } : {}),
              verdict: "secure",
              results: [],
            };
      out.set(key, v);
    }
    const r = resultOf(o);
    v.results.push(r);
    if (RANK[r.verdict] > RANK[v.verdict]) v.verdict = r.verdict;
    if (!r.reachable && v.verdict !== "bogus") v.verdict = "indeterminate";
  }
  return [...out.values()];
}

/** The reason seen most often among bogus results (first seen on a tie). */
function commonReason(results: CheckResult[]): Reason | null {
  const counts = new Map<string, { n: number; reason: Reason }>();
  for (const r of results) {
    if (r.verdict !== "bogus" || !r.reason) continue;
    const c = counts.get(r.reason.kind) ?? { n: 0, reason: r.reason };
    c.n++;
    counts.set(r.reason.kind, c);
  }
  let best: { n: number; reason: Reason } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.reason ?? null;
}

export function summarize(vantages: CheckVantage[]): CheckSummary {
  const recursive = vantages.filter((v) => v.kind === "recursive");
  const auth = vantages.filter((v) => v.kind === "authoritative");
  const failing = (vs: CheckVantage[]) =>
    vs.filter((v) => v.results.some((r) => r.verdict === "bogus")).length;
  const unreachable = (vs: CheckVantage[]) =>
    vs.filter((v) => v.results.every((r) => !r.reachable)).length;
  const results = vantages.flatMap((v) => v.results);
  let verdict: Security;
  let reason: Reason | null = null;
  const checked = results.filter(
    (r) => r.reachable && (r.verdict === "secure" || r.verdict === "insecure"),
  );
  if (results.some((r) => r.verdict === "bogus")) {
    verdict = "bogus";
    reason = commonReason(results);
  } else if (checked.length === 0) {
    verdict = "indeterminate";
    reason = results.find((r) => r.reason)?.reason ?? null;
  } else {
    verdict = checked.every((r) => r.verdict === "insecure") ? "insecure" : "secure";
    if (verdict === "insecure") reason = checked[0]!.reason;
  }
  return {
    verdict,
    reason,
    failingVantages: failing(recursive),
    totalVantages: recursive.length,
    unreachableVantages: unreachable(recursive),
    failingAuthoritatives: failing(auth),
    totalAuthoritatives: auth.length,
    unreachableAuthoritatives: unreachable(auth),
  };
}

/** The report of one round; `addresses` gives each recursive vantage's address by name. */
export function checkReport(
  round: Round,
  options: { addresses: Map<string, string>; missingCanaries?: string[] },
): CheckReport {
  const fill = (vs: CheckVantage[]) => {
    for (const v of vs) if (v.kind === "recursive") v.address = options.addresses.get(v.name) ?? "";
    return vs;
  };
  const vantages = fill(byVantage(round.observations));
  const controlZones = [...new Set(round.control.map((o) => o.zone))];
  return {
    zone: round.zone,
    at: new Date(round.at * 1000).toISOString(),
    vantages,
    control: controlZones.map((zone) => ({
      zone,
      vantages: fill(byVantage(round.control.filter((o) => o.zone === zone))),
    })),
    missingCanaries: options.missingCanaries ?? [],
    summary: summarize(vantages),
  };
}

/** Exit status of `check`: 0 when the zone validates (secure or insecure), 1 when not. */
export function exitStatusOf(summary: CheckSummary): 0 | 1 {
  return summary.verdict === "secure" || summary.verdict === "insecure" ? 0 : 1;
}
