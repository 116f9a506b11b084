/**
 * Small builders for the metrics and notify tests: observations of a zone
 * from named recursive vantages and authoritative servers, and a parser of
 * the Prometheus text exposition format (written from the format's
 * description, independent of prom-client).
 */

import { bogus, SECURE, type ReasonKind, type Verdict } from "../../src/dnssec/verdict.js";
import { indeterminate } from "../../src/dnssec/verdict.js";
import type { Observation, Round, Vantage } from "../../src/probe/observation.js";

export const T0 = Date.UTC(2026, 4, 5, 12) / 1000;

export interface Obs {
  vantage: string;
  /** An authoritative server's address instead of a recursive vantage. */
  auth?: boolean;
  canary?: string;
  reachable?: boolean;
  bogus?: ReasonKind;
  latencyMs?: number;
  expires?: number;
  dnskey?: number[];
  ds?: number[];
}

export function observation(zone: string, at: number, o: Obs): Observation {
  const vantage: Vantage = o.auth
    ? { kind: "authoritative", zone, address: o.vantage }
    : { kind: "recursive", name: o.vantage, software: "unbound" };
  const reachable = o.reachable ?? true;
  const verdict: Verdict = !reachable
    ? indeterminate("timeout", `no answer from ${o.vantage}`)
    : o.bogus
      ? bogus(o.bogus, `synthetic ${o.bogus}`)
      : SECURE;
  const obs: Observation = {
    zone,
    role: "watched",
    canary: { name: zone, type: o.canary ?? "SOA", id: (o.canary ?? "soa").toLowerCase() },
    vantage,
    at,
    reachable,
    verdict,
    keyTags: { dnskey: o.dnskey ?? [], ds: o.ds ?? [], rrsig: [] },
  };
  if (!reachable) obs.error = { kind: "timeout", message: "timed out" };
  if (reachable && !o.auth) {
    obs.userAnswer = {
      rcode: o.bogus ? "SERVFAIL" : "NOERROR",
      ad: !o.bogus,
      ede: [],
      latencyMs: o.latencyMs ?? 20,
    };
  }
  if (o.expires !== undefined) obs.earliestExpiration = o.expires;
  return obs;
}

/** The zone's observations, and a validating control zone seen by every recursive vantage that answered. */
export function round(zone: string, at: number, list: Obs[]): Round {
  const answering = new Set(
    list.filter((o) => !o.auth && o.reachable !== false).map((o) => o.vantage),
  );
  const control = [...answering].map((vantage) => ({
    ...observation("control.", at, { vantage }),
    role: "control" as const,
  }));
  return { zone, at, observations: list.map((o) => observation(zone, at, o)), control };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses sample lines `name{a="x",b="y"} value`; comments and blank lines skipped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\"/g, '"').replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
    }
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

/** The value of the one sample with these labels (a subset match), or undefined. */
export function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const hits = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match`);
  return hits[0]?.value;
}
