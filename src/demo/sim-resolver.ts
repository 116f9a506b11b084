/**
 * The demo's validating resolvers: small recursive servers in Node built on
 * the project's evidence gatherer. A query with CD=0 is validated from the
 * trust anchor down (RFC 4035 §4-§5): secure answers carry AD, bogus ones
 * become SERVFAIL with the Extended DNS Error of the reason (RFC 8914), and
 * names at or below a Negative Trust Anchor are answered without
 * validation (RFC 7646 §1.1). A query with CD=1 gets the data as the
 * authoritative servers gave it (RFC 4035 §3.2.2), for the watcher's own
 * validation along this resolver's path.
 *
 * No cache: every query is a fresh walk from the root, so an NTA or a fixed
 * zone shows on the next query without a flush.
 *
 * `SimResolverAdapter` is the control channel: the NTAs of one resolver,
 * added and removed in process (ResolverAdapter).
 */
import { exchange } from "../dns/exchange.js";
import { Rcode, type Message, type MessageToEncode } from "../dns/message.js";
import { isSubdomain, nameKey, parseName, type Name } from "../dns/name.js";
import { RrType, rrsetRecords, type Rr } from "../dns/rr.js";
import type { ServerAddress, Transport } from "../dns/transport.js";
import type { TrustAnchorSet } from "../dnssec/anchors.js";
import { Ede } from "../dnssec/verdict.js";
import { gather } from "../probe/gatherer.js";
import {
  controlZone,
  done,
  ok,
  type AddOptions,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "../resolvers/types.js";
import { listen, type Listener } from "./listener.js";
import type { RrsetGroup } from "../dns/canonical.js";

const QUERY_TIMEOUT_MS = 1000;
const MAX_REFERRALS = 16;

export interface SimResolverOptions {
  name: string;
  transport: Transport;
  anchors: TrustAnchorSet;
  rootServers: ServerAddress[];
  /** Seconds since the epoch. */
  now: () => number;
}

interface Fetched {
  rcode: number;
  answer: Rr[];
  authority: Rr[];
}

export class SimResolver {
  /** NTAs in force: zone (lowercase, trailing dot) -> expiry, ms since the epoch. */
  readonly ntas = new Map<string, { expiresAt: number; reason: string }>();
  #listener: Listener | undefined;

  constructor(readonly options: SimResolverOptions) {}

  get address(): ServerAddress {
    if (!this.#listener) throw new Error(`${this.options.name} is not started`);
    return this.#listener.address;
  }

  async start(): Promise<ServerAddress> {
    this.#listener = await listen((q) => this.answer(q));
    return this.#listener.address;
  }

  async stop(): Promise<void> {
    await this.#listener?.close();
    this.#listener = undefined;
  }

  /** The NTAs in force now, as names; expired ones are dropped. */
  negativeAnchors(): Name[] {
    const nowMs = this.options.now() * 1000;
    for (const [zone, nta] of this.ntas) if (nta.expiresAt <= nowMs) this.ntas.delete(zone);
    return [...this.ntas.keys()].map((z) => parseName(z));
  }

  async answer(q: Message): Promise<MessageToEncode | undefined> {
    const question = q.question[0];
    const base = {
      id: q.id,
      question: q.question,
      flags: { qr: true, rd: q.flags.rd, ra: true, cd: q.flags.cd },
      edns: { dnssecOk: q.edns?.dnssecOk ?? false },
    };
    if (!question) return { ...base, rcode: Rcode.FORMERR };
    if (q.flags.cd) {
      const data = await this.#iterate(question.name, question.type);
      if (!data) return this.#servfail(base, Ede.NO_REACHABLE_AUTHORITY, "no server answered");
      return { ...base, ...data };
    }
    const anchors = this.negativeAnchors();
    const evidence = await gather(
      { name: question.name, type: question.type },
      {
        transport: this.options.transport,
        anchors: this.options.anchors,
        rootServers: this.options.rootServers,
        now: this.options.now(),
        negativeAnchors: anchors,
        limits: { queryTimeoutMs: QUERY_TIMEOUT_MS, timeBudgetMs: 5000 },
      },
    );
    const v = evidence.verdict;
    if (v.security === "bogus") {
      const code = v.reason?.ede ?? Ede.DNSSEC_BOGUS;
      return this.#servfail(base, code, v.reason?.message ?? "bogus");
    }
    if (v.security === "indeterminate" || !evidence.final) {
      return this.#servfail(base, Ede.NO_REACHABLE_AUTHORITY, v.reason?.message ?? "no answer");
    }
    const final = evidence.final;
    // RFC 4035 §3.2.3: AD only for data that validated as secure.
    return {
      ...base,
      flags: { ...base.flags, ad: v.security === "secure" },
      rcode: final.rcode,
      answer: recordsOf(final.answer),
      authority: recordsOf(final.authority),
    };
  }

  #servfail(base: MessageToEncode, code: number, text: string): MessageToEncode {
    return { ...base, rcode: Rcode.SERVFAIL, edns: { ...base.edns, ede: [{ code, text }] } };
  }

  /** The answer as the authoritative servers give it, following referrals from the root. */
  async #iterate(name: Name, type: number): Promise<Fetched | undefined> {
    let servers = this.options.rootServers;
    for (let step = 0; step < MAX_REFERRALS; step++) {
      let reply: Message | undefined;
      for (const server of servers) {
        const r = await exchange(
          this.options.transport,
          server,
          { name, type },
          {
            rd: false,
            cd: true,
            dnssecOk: true,
            timeoutMs: QUERY_TIMEOUT_MS,
            retries: 1,
          },
        );
        if (r.ok && r.message.rcode !== Rcode.REFUSED) {
          reply = r.message;
          break;
        }
      }
      if (!reply) return undefined;
      const cut = reply.authority.find((rr) => rr.type === RrType.NS);
      const referral =
        !reply.flags.aa && reply.answer.length === 0 && cut && isSubdomain(name, cut.owner);
      if (!referral) {
        return { rcode: reply.rcode, answer: reply.answer, authority: reply.authority };
      }
      // RFC 1034 §5.3.3: the next servers are those of the referral, by their glue.
      const hosts = new Set(
        reply.authority.filter((rr) => rr.type === RrType.NS).map((rr) => nameKey(rr.rdata)),
      );
      const next = reply.additional
        .filter((rr) => rr.type === RrType.A && hosts.has(nameKey(rr.owner)))
        .map((rr) => ({ address: rr.rdata.join("."), port: 53 }));
      if (next.length === 0) return undefined;
      servers = next;
    }
    return undefined;
  }
}

function recordsOf(groups: readonly RrsetGroup[]): Rr[] {
  return groups.flatMap((g) => [...(g.rrset ? rrsetRecords(g.rrset) : []), ...g.rrsigs]);
}

/** The control channel of a simulated resolver: NTAs kept in its memory. */
export class SimResolverAdapter implements ResolverAdapter {
  readonly kind = "unbound" as const;
  readonly name: string;

  constructor(private readonly resolver: SimResolver) {
    this.name = resolver.options.name;
  }

  list(): Promise<Result<NtaEntry[]>> {
    this.resolver.negativeAnchors();
    const entries = [...this.resolver.ntas].map(([zone, n]) => ({
      zone,
      raw: zone,
      expiresAt: n.expiresAt,
      reason: n.reason,
    }));
    return Promise.resolve(ok(entries));
  }

  add(zone: string, options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return Promise.resolve(z);
    const expiresAt = this.resolver.options.now() * 1000 + options.lifetimeSeconds * 1000;
    this.resolver.ntas.set(z.value, { expiresAt, reason: options.reason });
    return Promise.resolve(done);
  }

  remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return Promise.resolve(z);
    this.resolver.ntas.delete(z.value);
    return Promise.resolve(done);
  }

  /** Nothing to flush: the simulated resolver keeps no cache. */
  flush(): Promise<Result> {
    return Promise.resolve(done);
  }
}
