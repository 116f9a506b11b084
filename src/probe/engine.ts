/**
 * The probe engine: the configuration turned into round plans, the
 * authoritative servers of each zone discovered and found again when older
 * than `rediscoverEvery`, and rounds run on one shared semaphore. The
 * transport, the clock and the random source are injected.
 *
 * At most a quarter of `concurrency` rounds run at once; the others wait
 * their turn before any of their probes is made. The probe semaphore alone
 * would bound the probes in flight but not the rounds started: a pass of
 * 1,500 zones whose rounds all start within the jitter would hold 30,000
 * waiting probes (their closures, plans and round state) in memory at once,
 * and the heap grows with what it holds. With rounds gated, a round's
 * probes wait behind fewer than a quarter of `concurrency` rounds' and the
 * probe semaphore stays as busy.
 */
import { randomInt } from "node:crypto";
import type { Config, ZoneConfig } from "../config/schema.js";
import { UdpTcpTransport, type Transport } from "../dns/transport.js";
import type { TrustAnchorSet } from "../dnssec/anchors.js";
import { canariesFor, missingHints, type CanaryHints } from "./canaries.js";
import { discoverAuthoritatives, type Discovery } from "./discover.js";
import type { Round } from "./observation.js";
import type { AuthoritativeTarget, ProbeContext, RecursiveTarget } from "./probe.js";
import { runRound, type RoundPlan } from "./round.js";
import { Semaphore } from "./semaphore.js";

export interface EngineOptions {
  transport?: Transport;
  /** Seconds since the epoch; default the system clock. */
  now?: () => number;
  /** Uniform in [0, 1); default crypto random. */
  random?: () => number;
}

export interface RoundResult {
  round: Round;
  /** The authoritative servers the round asked, and how they were found. */
  discovery: Discovery;
  /** Derived canaries left out for want of a configuration hint. */
  missingCanaries: string[];
}

function cryptoRandom(): number {
  return randomInt(0x1000000) / 0x1000000;
}

export class ProbeEngine {
  readonly ctx: ProbeContext;
  /** Probes in flight, all rounds together: `probe.concurrency`. */
  readonly semaphore: Semaphore;
  /** Rounds in flight: a quarter of `probe.concurrency`, at least one. */
  readonly rounds: Semaphore;
  readonly #config: Config;
  readonly #random: () => number;
  readonly #discovered = new Map<string, Discovery>();

  constructor(config: Config, anchors: TrustAnchorSet, options: EngineOptions = {}) {
    this.#config = config;
    this.#random = options.random ?? cryptoRandom;
    this.ctx = {
      transport: options.transport ?? new UdpTcpTransport(),
      anchors,
      rootServers: config.rootServers,
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      settings: {
        timeoutMs: config.probe.timeout,
        retries: config.probe.retries,
        lookupBudgetMs: config.probe.lookupBudget,
      },
      ...(options.random ? { random: options.random } : {}),
    };
    this.semaphore = new Semaphore(config.probe.concurrency);
    this.rounds = new Semaphore(Math.max(1, Math.floor(config.probe.concurrency / 4)));
  }

  /** The recursive vantages of the configuration as probe targets. */
  recursiveTargets(): RecursiveTarget[] {
    return this.#config.vantages.map((v) => ({
      vantage: {
        kind: "recursive",
        name: v.name,
        software: v.software,
        ...(v.operator !== undefined ? { operator: v.operator } : {}),
        managed: v.managed,
      },
      server: { address: v.address, port: v.port },
      tcp: v.transport === "tcp",
    }));
  }

  /** The configured zone of that name, or bare hints for a zone not in the configuration. */
  zoneHints(zone: string): CanaryHints {
    const found: ZoneConfig | undefined = this.#config.zones.find((z) => z.name === zone);
    return found ?? { name: zone };
  }

  /** The authoritative servers of `zone`, discovered again when the last discovery is too old. */
  async authoritatives(zone: string, force = false): Promise<Discovery> {
    const known = this.#discovered.get(zone);
    const maxAge = this.#config.probe.rediscoverEvery / 1000;
    if (!force && known && known.servers.length > 0 && this.ctx.now() - known.at < maxAge) {
      return known;
    }
    const found = await this.semaphore.run(() =>
      discoverAuthoritatives(this.ctx, zone, { ipv6: this.#config.probe.ipv6 }),
    );
    this.#discovered.set(zone, found);
    return found;
  }

  /** The plan of one round: canaries drawn now (a fresh "nxdomain" label each time). */
  plan(zone: string, discovery: Discovery): RoundPlan {
    const authoritative: AuthoritativeTarget[] = discovery.servers.map((s) => ({
      vantage: { kind: "authoritative", zone, address: s.address, host: s.host },
      server: { address: s.address, port: 53 },
    }));
    return {
      zone,
      canaries: canariesFor(this.zoneHints(zone), this.#random),
      recursive: this.recursiveTargets(),
      authoritative,
      control: this.#config.controlZones
        .filter((c) => c !== zone)
        .map((c) => ({ zone: c, canaries: canariesFor({ name: c }, this.#random) })),
    };
  }

  /** One round for `zone` (lowercase, trailing dot) now. */
  async round(zone: string): Promise<RoundResult> {
    const discovery = await this.authoritatives(zone);
    const round = await this.runPlan(this.plan(zone, discovery));
    return { round, discovery, missingCanaries: missingHints(this.zoneHints(zone)) };
  }

  /** Runs a round plan once fewer than `rounds.limit` rounds are running. */
  runPlan(plan: RoundPlan): Promise<Round> {
    return this.rounds.run(() => runRound(this.ctx, plan, this.semaphore));
  }

  /** The watched zones of the configuration. */
  zones(): string[] {
    return this.#config.zones.map((z) => z.name);
  }
}
