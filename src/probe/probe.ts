/**
 * One probe: one canary asked of one vantage or one authoritative server,
 * validated by us, as an Observation (see observation.ts).
 *
 * Recursive vantage: first the CD=0 query (what users get: RCODE, AD,
 * Extended DNS Errors, latency), then the same name with CD=1 and DO=1 through
 * the evidence gatherer on a VantageTransport, which validates the answer
 * and the DS/DNSKEY chain above it, fetched through the same vantage, from
 * the trust anchor. The CD=0 query goes first so that a CD=1 query never
 * seeds the cache the user-facing answer comes from (SCENARIOS, traps).
 *
 * Authoritative server: the gatherer walks from the root servers and pins
 * the zone that gives the final answer to that one server, so the answer and
 * the zone's DNSKEY RRset both come from it.
 *
 * No answer is never bogus: a vantage or server that times out, refuses or
 * cannot be reached gives `reachable: false` and an indeterminate verdict.
 */
import { exchange, type ExchangeError } from "../dns/exchange.js";
import { Rcode } from "../dns/message.js";
import { nameEquals, parseName } from "../dns/name.js";
import { typeFromText, type Rr } from "../dns/rr.js";
import type { ServerAddress, Transport } from "../dns/transport.js";
import type { TrustAnchorSet } from "../dnssec/anchors.js";
import { indeterminate, type Verdict } from "../dnssec/verdict.js";
import { gather, type Evidence, type GatherLimits } from "./gatherer.js";
import { fingerprintedGroups, fingerprintsOf, signatureFacts } from "./fingerprint.js";
import type {
  AuthoritativeVantage,
  Canary,
  Observation,
  ProbeError,
  RecursiveVantage,
  UserAnswer,
} from "./observation.js";
import type { ZoneKeyCache } from "./key-cache.js";
import type { RoundVerifications } from "./verified-rrsets.js";
import { KeyTap, VantageTransport } from "./transports.js";

export interface ProbeSettings {
  /** Per query attempt, ms. */
  timeoutMs: number;
  /** Further attempts after a timeout. */
  retries: number;
  /** Wall time for one validated lookup, chain included, ms. */
  lookupBudgetMs: number;
}

export interface ProbeContext {
  transport: Transport;
  anchors: TrustAnchorSet;
  rootServers: ServerAddress[];
  /** The one clock: seconds since the epoch. */
  now: () => number;
  settings: ProbeSettings;
  /** Uniform in [0, 1), for message IDs; default crypto random. */
  random?: () => number;
}

export interface RecursiveTarget {
  vantage: RecursiveVantage;
  server: ServerAddress;
  /** TCP from the start instead of UDP with TCP on truncation. */
  tcp: boolean;
}

export interface AuthoritativeTarget {
  vantage: AuthoritativeVantage;
  server: ServerAddress;
}

export interface ProbeSubject {
  /** The zone probed, lowercase with the trailing dot. */
  zone: string;
  role: "watched" | "control";
  canary: Canary;
}

const RCODE_TEXT = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));

export function rcodeText(rcode: number): string {
  return RCODE_TEXT.get(rcode) ?? `RCODE${rcode}`;
}

function probeError(error: ExchangeError | "refused-rcode", message: string): ProbeError {
  switch (error) {
    case "timeout":
      return { kind: "timeout", message };
    case "refused":
    case "refused-rcode":
      return { kind: "refused", message };
    case "unreachable":
      return { kind: "unreachable", message };
    default:
      return { kind: "network", message };
  }
}

function unanswered(error: ProbeError, owner: string): Verdict {
  const kind = error.kind === "timeout" ? "timeout" : "unreachable";
  return indeterminate(kind, error.message, { owner });
}

function limitsOf(s: ProbeSettings): Partial<GatherLimits> {
  return {
    queryTimeoutMs: s.timeoutMs,
    retries: s.retries,
    timeBudgetMs: Math.max(s.lookupBudgetMs, s.timeoutMs),
  };
}

function questionOf(canary: Canary): { name: Uint8Array; type: number } {
  const type = typeFromText(canary.type);
  if (type === undefined) throw new TypeError(`unknown RR type ${canary.type}`);
  return { name: parseName(canary.name), type };
}

/** The parts of an observation that come from a validated lookup. */
function fromEvidence(
  evidence: Evidence,
  tap: KeyTap,
  now: number,
): Pick<Observation, "verdict" | "fingerprints" | "earliestExpiration" | "keyTags" | "rawAnswer"> {
  const final = evidence.final;
  const groups = final ? fingerprintedGroups(final.answer, final.authority) : [];
  const facts = signatureFacts(groups, now);
  const fingerprints = final ? fingerprintsOf(groups) : undefined;
  return {
    verdict: evidence.verdict,
    ...(fingerprints ? { fingerprints } : {}),
    ...(facts.earliest !== undefined ? { earliestExpiration: facts.earliest } : {}),
    keyTags: { ...tap.tags(), rrsig: facts.keyTags },
    ...(final
      ? {
          rawAnswer: {
            rcode: rcodeText(final.rcode),
            server: final.server,
            queries: evidence.queries,
          },
        }
      : {}),
  };
}

const NO_TAGS = { dnskey: [], ds: [], rrsig: [] };

/** What every observation of a probe carries, answered or not. */
function baseOf(subject: ProbeSubject, vantage: Observation["vantage"], at: number) {
  return { zone: subject.zone, role: subject.role, canary: subject.canary, vantage, at };
}

/**
 * The key cache of this path, wired so the tap still notes the key tags of
 * cached steps, and the round's shared signature checks.
 */
function cacheFor(
  keyCache: ZoneKeyCache | undefined,
  tap: KeyTap,
  verifications: RoundVerifications | undefined,
) {
  return {
    ...(keyCache
      ? { keyCache, onCachedRecords: (rrs: readonly Rr[]) => tap.noteRecords(rrs) }
      : {}),
    ...(verifications ? { verifications } : {}),
  };
}

/**
 * Probes one canary through one recursive vantage: CD=0, then CD=1 validated
 * locally. `keyCache`, when given, must serve this vantage only, for one round;
 * `verifications`, when given, serves one round (all its paths).
 */
export async function probeRecursive(
  ctx: ProbeContext,
  target: RecursiveTarget,
  subject: ProbeSubject,
  keyCache?: ZoneKeyCache,
  verifications?: RoundVerifications,
): Promise<Observation> {
  const at = ctx.now();
  const question = questionOf(subject.canary);
  const base = baseOf(subject, target.vantage, at);
  const user = await exchange(ctx.transport, target.server, question, {
    rd: true,
    cd: false,
    dnssecOk: true,
    timeoutMs: ctx.settings.timeoutMs,
    retries: ctx.settings.retries,
    tcp: target.tcp,
    ...(ctx.random ? { random: ctx.random } : {}),
  });
  if (!user.ok) {
    const error = probeError(user.error, user.message);
    return {
      ...base,
      reachable: false,
      error,
      verdict: unanswered(error, subject.zone),
      keyTags: NO_TAGS,
    };
  }
  const m = user.message;
  if (m.rcode === Rcode.REFUSED) {
    const error = probeError("refused-rcode", `${target.vantage.name} answered REFUSED`);
    return {
      ...base,
      reachable: false,
      error,
      verdict: unanswered(error, subject.zone),
      keyTags: NO_TAGS,
    };
  }
  const userAnswer: UserAnswer = {
    rcode: rcodeText(m.rcode),
    ad: m.flags.ad,
    ede: (m.edns?.ede ?? []).map((e) =>
      e.text ? { code: e.code, text: e.text } : { code: e.code },
    ),
    latencyMs: Math.round(user.rttMs * 10) / 10,
  };
  const tap = new KeyTap(
    new VantageTransport(ctx.transport, target.server, target.tcp),
    parseName(subject.zone),
  );
  const evidence = await gather(question, {
    transport: tap,
    anchors: ctx.anchors,
    rootServers: [target.server],
    now: at,
    limits: limitsOf(ctx.settings),
    ...(ctx.random ? { random: ctx.random } : {}),
    ...cacheFor(keyCache, tap, verifications),
  });
  return { ...base, reachable: true, userAnswer, ...fromEvidence(evidence, tap, at) };
}

/** Why the pinned server gave no answer, from what the walk recorded. */
function pinnedFailure(evidence: Evidence, address: string): ProbeError {
  for (const link of [...evidence.chain].reverse()) {
    const asked = [...link.servers].reverse().find((s) => s.address === address);
    if (!asked) continue;
    const message = `${address}: ${asked.outcome}${asked.detail ? ` (${asked.detail})` : ""}`;
    if (asked.outcome === "timeout") return { kind: "timeout", message };
    if (asked.outcome === "refused") return { kind: "refused", message };
    if (asked.outcome === "unreachable") return { kind: "unreachable", message };
    return { kind: "network", message };
  }
  const reason = evidence.verdict.reason?.message ?? "the walk did not reach the server";
  return { kind: "unreachable", message: `${address} not asked: ${reason}` };
}

/**
 * Probes one canary at one authoritative server of the zone, validated from
 * the root. `keyCache`, when given, must serve this server only, for one round;
 * `verifications`, when given, serves one round (all its paths).
 */
export async function probeAuthoritative(
  ctx: ProbeContext,
  target: AuthoritativeTarget,
  subject: ProbeSubject,
  keyCache?: ZoneKeyCache,
  verifications?: RoundVerifications,
): Promise<Observation> {
  const at = ctx.now();
  const question = questionOf(subject.canary);
  const base = baseOf(subject, target.vantage, at);
  const tap = new KeyTap(ctx.transport, parseName(subject.zone));
  const evidence = await gather(question, {
    transport: tap,
    anchors: ctx.anchors,
    rootServers: ctx.rootServers,
    now: at,
    limits: limitsOf(ctx.settings),
    pinLastZoneTo: target.server,
    ...(ctx.random ? { random: ctx.random } : {}),
    ...cacheFor(keyCache, tap, verifications),
  });
  const answeredByIt =
    evidence.final !== undefined && evidence.final.server === target.server.address;
  if (!answeredByIt) {
    const error = pinnedFailure(evidence, target.server.address);
    const verdict =
      evidence.verdict.security === "indeterminate"
        ? evidence.verdict
        : unanswered(error, subject.zone);
    return { ...base, reachable: false, error, verdict, keyTags: NO_TAGS };
  }
  return { ...base, reachable: true, ...fromEvidence(evidence, tap, at) };
}

/** True when the two names are equal (presentation form, any case). */
export function sameName(a: string, b: string): boolean {
  return nameEquals(parseName(a), parseName(b));
}
