/**
 * Synthetic observations and rounds for the pure tests of the decision
 * core: a set of vantages of four implementations, authoritative servers,
 * canaries, and specs saying how each probe went. Fingerprints are SHA-256
 * digests of descriptive strings, so equal strings mean equal bytes.
 */

import { createHash } from "node:crypto";
import { bogus, edeFor, SECURE, type ReasonKind, type Verdict } from "../../src/dnssec/verdict.js";
import { indeterminate, insecure } from "../../src/dnssec/verdict.js";
import type {
  AuthoritativeVantage,
  Canary,
  Observation,
  RecursiveVantage,
  ResolverSoftware,
  Round,
  UserAnswer,
  Vantage,
} from "../../src/probe/observation.js";

export const fp = (text: string): string => createHash("sha256").update(text).digest("hex");

export const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number =>
  Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

export function recursive(
  name: string,
  software: ResolverSoftware,
  extra: Partial<RecursiveVantage> = {},
): RecursiveVantage {
  return { kind: "recursive", name, software, ...extra };
}

export function authoritative(zone: string, address: string, host?: string): AuthoritativeVantage {
  return host
    ? { kind: "authoritative", zone, address, host }
    : { kind: "authoritative", zone, address };
}

/** Eight vantages, two per implementation. */
export const VANTAGES: readonly RecursiveVantage[] = [
  recursive("unbound-1", "unbound"),
  recursive("unbound-2", "unbound"),
  recursive("bind-1", "bind"),
  recursive("bind-2", "bind"),
  recursive("knot-1", "knot-resolver"),
  recursive("knot-2", "knot-resolver"),
  recursive("pdns-1", "pdns-recursor"),
  recursive("pdns-2", "pdns-recursor"),
];

export function canaries(zone: string): Canary[] {
  const z = zone === "." ? "" : zone;
  return [
    { name: zone, type: "SOA" },
    { name: zone, type: "DNSKEY" },
    { name: zone, type: "NS" },
    { name: `nic.${z}`, type: "A" },
    { name: `www.nic.${z}`, type: "AAAA" },
    { name: `example.${z}`, type: "NS" },
  ];
}

/** How one probe went; everything defaults to a secure, reachable answer. */
export interface ProbeSpec {
  reachable?: boolean;
  verdict?: Verdict;
  user?: Partial<UserAnswer>;
  /** Text whose digest is the RRset fingerprint; null for an answer without records. */
  data?: string | null;
  /** Text whose digest is the RRSIG fingerprint. */
  sigs?: string;
  /** Texts whose digests are the per-record fingerprints (DNSKEY, DS, SOA names). */
  records?: string[];
  earliestExpiration?: number;
  dnskeyTags?: number[];
  rrsigTags?: number[];
  dsTags?: number[];
}

export const unreachable: ProbeSpec = { reachable: false };

/** A bogus answer of the given kind, as a user of a validating resolver sees it. */
export function bad(kind: ReasonKind, extra: ProbeSpec & { details?: object } = {}): ProbeSpec {
  const { details, ...rest } = extra;
  return {
    verdict: bogus(kind, `synthetic ${kind}`, details ?? {}),
    user: { rcode: "SERVFAIL", ad: false, ede: [{ code: edeFor(kind) }] },
    sigs: "bad signatures",
    ...rest,
  };
}

export function observe(
  zone: string,
  role: "watched" | "control",
  canary: Canary,
  vantage: Vantage,
  at: number,
  spec: ProbeSpec = {},
): Observation {
  const reachable = spec.reachable ?? true;
  const o: Observation = {
    zone,
    role,
    canary,
    vantage,
    at,
    reachable,
    verdict: reachable
      ? (spec.verdict ?? SECURE)
      : indeterminate("timeout", `no answer from ${vantage.kind}`),
    keyTags: {
      dnskey: spec.dnskeyTags ?? [11111],
      ds: spec.dsTags ?? [11111],
      rrsig: spec.rrsigTags ?? [11111],
    },
  };
  if (!reachable) {
    o.error = { kind: "timeout", message: "no answer within 2 s" };
    return o;
  }
  if (vantage.kind === "recursive") {
    o.userAnswer = {
      rcode: "NOERROR",
      ad: o.verdict.security === "secure",
      ede: [],
      latencyMs: 20,
      ...spec.user,
    };
  }
  const data = spec.data === undefined ? `${canary.name} ${canary.type} data` : spec.data;
  o.fingerprints = {
    rrsigs: fp(`${canary.name} ${canary.type} ${spec.sigs ?? "good signatures"}`),
  };
  if (data !== null) o.fingerprints.rrset = fp(data);
  if (spec.records) o.fingerprints.records = spec.records.map(fp).sort();
  o.earliestExpiration = spec.earliestExpiration ?? at + 10 * 86400;
  return o;
}

export interface RoundSpec {
  zone: string;
  at: number;
  vantages?: readonly RecursiveVantage[];
  authoritatives?: readonly AuthoritativeVantage[];
  canaries?: readonly Canary[];
  watched?: (v: Vantage, c: Canary) => ProbeSpec;
  controlZones?: readonly string[];
  control?: (v: RecursiveVantage, zone: string) => ProbeSpec;
}

export function defaultAuthoritatives(zone: string, n = 4): AuthoritativeVantage[] {
  return Array.from({ length: n }, (_, i) =>
    authoritative(zone, `192.0.2.${i + 1}`, `ns${i + 1}.${zone}`),
  );
}

export function makeRound(spec: RoundSpec): Round {
  const vantages = spec.vantages ?? VANTAGES;
  const auths = spec.authoritatives ?? defaultAuthoritatives(spec.zone);
  const cs = spec.canaries ?? canaries(spec.zone);
  const watched = spec.watched ?? (() => ({}));
  const observations: Observation[] = [];
  for (const v of [...vantages, ...auths]) {
    for (const c of cs)
      observations.push(observe(spec.zone, "watched", c, v, spec.at, watched(v, c)));
  }
  const control: Observation[] = [];
  for (const v of vantages) {
    for (const z of spec.controlZones ?? ["control-a.", "control-b.", "control-c."]) {
      const c = { name: z, type: "SOA" };
      const s = spec.control?.(v, z) ?? {};
      control.push(observe(z, "control", c, v, spec.at, s));
    }
  }
  return { zone: spec.zone, at: spec.at, observations, control };
}

export const policyInsecure = (): ProbeSpec => ({
  verdict: insecure("unsupported-algorithm", "algorithm 253 not implemented", { algorithm: 253 }),
  user: { rcode: "NOERROR", ad: false, ede: [{ code: 1 }] },
});

/**
 * What something answering in every resolver's place gives (a network that
 * intercepts DNS): NXDOMAIN, unsigned, so our own validation finds no root
 * DNSKEY RRset. Pass the round to `withoutRecords`, since such an answer
 * holds nothing to fingerprint.
 */
export const interceptedNxdomain = (): ProbeSpec =>
  bad("dnskey-missing", { user: { rcode: "NXDOMAIN", ad: false, ede: [] } });

/** Data made up on the path, under signatures that do not verify. */
export const madeUp = (): ProbeSpec =>
  bad("signature-invalid", { data: "made-up data", sigs: "made-up signatures" });

/**
 * Turns the reachable answers of the round (those `which` picks, by default
 * all) into NXDOMAIN with no NSEC or NSEC3 records.
 */
export function withoutRecords(
  round: Round,
  which: (o: Observation) => boolean = () => true,
): Round {
  for (const o of [...round.observations, ...round.control]) {
    if (!o.reachable || !which(o)) continue;
    delete o.fingerprints;
    delete o.earliestExpiration;
    o.rawAnswer = { rcode: "NXDOMAIN", server: "192.0.2.53", queries: 1 };
  }
  return round;
}

/**
 * A round on a network that intercepts DNS: every vantage gets NXDOMAIN for
 * the watched and the control zones alike, and the delegation could not be
 * followed, so no authoritative server is known.
 */
export function interceptedRound(zone: string, at: number): Round {
  return withoutRecords(
    makeRound({
      zone,
      at,
      authoritatives: [],
      watched: interceptedNxdomain,
      control: interceptedNxdomain,
    }),
  );
}
