/**
 * The evidence gatherer's inputs and outputs: what it is given (a transport,
 * trust anchors, root servers, the time, limits) and what it returns (the
 * zones it walked through with their DS and DNSKEY verdicts, the final
 * answer and the overall verdict).
 */
import type { RrsetGroup } from "../dns/canonical.js";
import type { Name } from "../dns/name.js";
import type { Rr } from "../dns/rr.js";
import type { ServerAddress, Transport } from "../dns/transport.js";
import type { TrustAnchorSet } from "../dnssec/anchors.js";
import type { Verdict } from "../dnssec/verdict.js";
import type { ZoneKeyCache } from "./key-cache.js";
import type { RoundVerifications } from "./verified-rrsets.js";

/**
 * Bounds on one lookup. Defaults follow what validating resolvers use:
 * Unbound gives up after about 30 referrals and a few hundred queries per
 * client query; a lookup the watcher cannot finish in 10 s tells nothing a
 * user would not see as a failure anyway.
 */
export interface GatherLimits {
  /** Referrals, CNAME/DNAME steps and nested name server lookups, together. Default 30, 1..100. */
  maxDepth: number;
  /** Queries sent for the whole lookup. Default 200, 1..2000. */
  maxQueries: number;
  /** Wall time for the whole lookup, ms. Default 10000, 100..120000. */
  timeBudgetMs: number;
  /** Per attempt, ms. Default 2000, 50..30000. */
  queryTimeoutMs: number;
  /** Further attempts per server after a timeout. Default 1, 0..5. */
  retries: number;
  /** CNAME and DNAME links followed. Default 12, 1..50 (RFC 1034 §3.6.2 only asks to stop loops). */
  maxChain: number;
}

export const LIMIT_RANGES: Record<
  keyof GatherLimits,
  { default: number; min: number; max: number }
> = {
  maxDepth: { default: 30, min: 1, max: 100 },
  maxQueries: { default: 200, min: 1, max: 2000 },
  timeBudgetMs: { default: 10_000, min: 100, max: 120_000 },
  queryTimeoutMs: { default: 2000, min: 50, max: 30_000 },
  retries: { default: 1, min: 0, max: 5 },
  maxChain: { default: 12, min: 1, max: 50 },
};

export interface GatherContext {
  transport: Transport;
  anchors: TrustAnchorSet;
  /** Where every walk starts: the root servers (or the stub servers of a test network). */
  rootServers: ServerAddress[];
  /** Validation time, seconds since the epoch. */
  now: number;
  limits?: Partial<GatherLimits>;
  /** When given, every query to the zone that gives the final answer goes to this server only. */
  pinLastZoneTo?: ServerAddress;
  /** Names at and below which validation is off (configured negative trust anchors, RFC 7646). */
  negativeAnchors?: Name[];
  /** A monotonic clock in ms for the time budget; default performance.now. */
  clockMs?: () => number;
  /** Uniform in [0, 1) for message IDs; default crypto random. */
  random?: () => number;
  /**
   * Validated zone keys of this path for this round (key-cache.ts): DS and
   * DNSKEY steps an earlier lookup of the round took are taken from it.
   */
  keyCache?: ZoneKeyCache;
  /** Told of the DS and DNSKEY records of each step taken from `keyCache`. */
  onCachedRecords?: (records: readonly Rr[]) => void;
  /**
   * Signature checks of this round, shared by all its paths
   * (verified-rrsets.ts): the same RRset, RRSIGs and keys at the same time
   * are verified once.
   */
  verifications?: RoundVerifications;
}

export type ServerOutcome =
  | "answer"
  | "referral"
  | "nxdomain"
  | "nodata"
  | "lame"
  | "timeout"
  | "unreachable"
  | "refused"
  | "malformed"
  | "mismatch";

export interface ServerAsked {
  address: string;
  /** The name and type asked, in presentation format. */
  question: string;
  outcome: ServerOutcome;
  detail?: string;
  rttMs?: number;
}

/** One zone of the chain the walk went through. */
export interface ZoneLink {
  zone: string;
  /** Names of the zone's servers, as the parent gave them (empty for the start). */
  nameServers: string[];
  servers: ServerAsked[];
  /** How the DS RRset at the parent (or the trust anchor) was judged. */
  ds: Verdict;
  /** How the zone's DNSKEY RRset was judged; undefined when it was never needed. */
  dnskey?: Verdict;
  /** The zone's state: secure with trusted keys, insecure, bogus or indeterminate. */
  security: Verdict;
  /**
   * True when its DS or DNSKEY step was taken from the round's key cache:
   * fetched and judged by an earlier lookup of the round on the same path,
   * so `servers` does not list those queries.
   */
  cached?: boolean;
}

export interface FinalAnswer {
  /** The name the last response answered (after CNAME/DNAME steps). */
  qname: string;
  rcode: number;
  /** Which server gave it. */
  server: string;
  answer: RrsetGroup[];
  authority: RrsetGroup[];
}

export interface Evidence {
  question: { name: string; type: string };
  chain: ZoneLink[];
  /** Names the answer went through by CNAME or DNAME, the first being the question's. */
  aliases: string[];
  /** The last response; absent when no server answered. */
  final?: FinalAnswer;
  /** Verdicts of each RRset and proof checked in the answers, in order. */
  checks: { what: string; verdict: Verdict }[];
  verdict: Verdict;
  queries: number;
}
