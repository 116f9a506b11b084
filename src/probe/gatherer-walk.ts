/**
 * The walk down the tree for the evidence gatherer: zones met on the way,
 * their servers, the query budget, and the chain of trust from the anchors
 * down (RFC 4035 §4.3, §5): at each zone cut the DS RRset from the parent
 * (or the proof there is none), then the child's DNSKEY RRset.
 */
import { performance } from "node:perf_hooks";
import { groupRrsets, type RrsetGroup } from "../dns/canonical.js";
import { exchange } from "../dns/exchange.js";
import type { Message } from "../dns/message.js";
import {
  ancestor,
  isSubdomain,
  labelCount,
  nameEquals,
  nameKey,
  nameToText,
  parentName,
  ROOT,
  type Name,
} from "../dns/name.js";
import { RrType, typeToText, type Rr } from "../dns/rr.js";
import type { ServerAddress } from "../dns/transport.js";
import {
  recordsOf,
  signerOf,
  trustedKeysOf,
  validatedDenialRecords,
  validateGroup,
  type DenialRecords,
  type TrustedKeys,
} from "../dnssec/answer.js";
import { proveNoDs } from "../dnssec/denial.js";
import type { RrsetVerdict } from "../dnssec/rrsig.js";
import { trustZoneKeys, type ZoneKeys, type ZoneKeysInput } from "../dnssec/zone-keys.js";
import {
  bogus,
  indeterminate,
  insecure,
  SECURE,
  verdictOnly,
  type Verdict,
} from "../dnssec/verdict.js";
import { classifyResponse, type Classified } from "./gatherer-response.js";
import { keyRecords, type DsStep, type KeysStep } from "./key-cache.js";
import type { GatherContext, GatherLimits, ServerOutcome, ZoneLink } from "./gatherer-types.js";

export class LimitExceeded extends Error {
  override name = "LimitExceeded";
}

export type ZoneState = "pending" | "secure" | "insecure" | "bogus" | "indeterminate";

export interface Zone {
  name: Name;
  servers: ServerAddress[];
  state: ZoneState;
  /** Why the zone is not secure (or the anchor note). */
  verdict: Verdict;
  /** Trusted DS records (validated at the parent, or anchors). */
  ds: Rr[];
  anchorKeys: Rr[];
  keys?: TrustedKeys;
  parent?: Zone;
  link: ZoneLink;
  pinned: boolean;
}

export interface Asked {
  message: Message;
  cls: Classified;
  server: ServerAddress;
}

const PORT = 53;

/** What a referral may carry for the DS step: the DS RRset or the denial, with signatures. */
const DS_STEP_TYPES: ReadonlySet<number> = new Set([
  RrType.DS,
  RrType.NSEC,
  RrType.NSEC3,
  RrType.RRSIG,
]);

function stateOf(v: Verdict): ZoneState {
  return v.security;
}

export class Walk {
  queries = 0;
  readonly chain: ZoneLink[] = [];
  readonly #zones = new Map<string, Zone>();
  readonly #resolving = new Set<string>();
  readonly #deadline: number;
  readonly #clock: () => number;

  constructor(
    readonly ctx: GatherContext,
    readonly limits: GatherLimits,
  ) {
    this.#clock = ctx.clockMs ?? (() => performance.now());
    this.#deadline = this.#clock() + limits.timeBudgetMs;
  }

  get now(): number {
    return this.ctx.now;
  }

  /** RFC 4035 §5.3: one RRset against its zone's keys, through the round's shared checks if any. */
  validateGroup(group: RrsetGroup, keys: TrustedKeys): RrsetVerdict {
    const shared = this.ctx.verifications;
    return shared
      ? shared.validateGroup(group, keys, this.now)
      : validateGroup(group, keys, this.now);
  }

  /** The NSEC and NSEC3 records of a section that validate (RFC 4035 §5.4). */
  validatedDenialRecords(section: readonly Rr[], keys: TrustedKeys): DenialRecords {
    const shared = this.ctx.verifications;
    return shared
      ? shared.validatedDenialRecords(section, keys, this.now)
      : validatedDenialRecords(section, keys, this.now);
  }

  /** RFC 4035 §5.2: a zone's DNSKEY RRset against its DS RRset or anchors. */
  trustZoneKeys(input: ZoneKeysInput): ZoneKeys {
    const shared = this.ctx.verifications;
    return shared ? shared.trustZoneKeys(input) : trustZoneKeys(input);
  }

  #negative(name: Name): boolean {
    return (this.ctx.negativeAnchors ?? []).some((n) => isSubdomain(name, n));
  }

  #newZone(name: Name, servers: ServerAddress[], nameServers: Name[], parent?: Zone): Zone {
    const link: ZoneLink = {
      zone: nameToText(name),
      nameServers: nameServers.map(nameToText),
      servers: [],
      ds: SECURE,
      security: SECURE,
    };
    const zone: Zone = {
      name,
      servers,
      state: "pending",
      verdict: SECURE,
      ds: [],
      anchorKeys: [],
      link,
      pinned: false,
    };
    if (parent) zone.parent = parent;
    this.#zones.set(nameKey(name), zone);
    this.chain.push(link);
    return zone;
  }

  #setState(zone: Zone, v: Verdict, ds?: Verdict): void {
    zone.state = v.security === "secure" ? "pending" : stateOf(v);
    zone.verdict = v;
    zone.link.security = v;
    if (ds) zone.link.ds = ds;
  }

  /** Applies a trust anchor or a negative trust anchor at `zone`; true when one applied. */
  #applyAnchors(zone: Zone): boolean {
    if (this.#negative(zone.name)) {
      const v = insecure(
        "negative-trust-anchor",
        `validation is off at and below ${nameToText(zone.name)}`,
        {
          owner: nameToText(zone.name),
        },
      );
      this.#setState(zone, v, v);
      return true;
    }
    const anchor = this.ctx.anchors.forZone(zone.name, this.now);
    if (anchor && (anchor.ds.length > 0 || anchor.dnskey.length > 0)) {
      zone.ds = anchor.ds;
      zone.anchorKeys = anchor.dnskey;
      this.#setState(zone, SECURE, SECURE);
      return true;
    }
    return false;
  }

  root(): Zone {
    const existing = this.#zones.get(nameKey(ROOT));
    if (existing) return existing;
    const servers = this.ctx.rootServers;
    const zone = this.#newZone(ROOT, servers, []);
    if (!this.#applyAnchors(zone)) {
      const v = insecure("no-trust-anchor", "no trust anchor at or above the root", { owner: "." });
      this.#setState(zone, v, v);
    }
    return zone;
  }

  /** The deepest zone already walked that encloses `name`. */
  closest(name: Name): Zone {
    for (let n = labelCount(name); n > 0; n--) {
      const z = this.#zones.get(nameKey(ancestor(name, n)));
      if (z && z.servers.length > 0) return z;
    }
    return this.root();
  }

  zoneNamed(name: Name): Zone | undefined {
    return this.#zones.get(nameKey(name));
  }

  spend(): void {
    if (this.queries >= this.limits.maxQueries)
      throw new LimitExceeded(`more than ${this.limits.maxQueries} queries`);
    if (this.#clock() > this.#deadline)
      throw new LimitExceeded(`lookup took longer than ${this.limits.timeBudgetMs} ms`);
    this.queries++;
  }

  /** Pins `zone` to the configured server: its later queries go there only. */
  pin(zone: Zone): boolean {
    const pin = this.ctx.pinLastZoneTo;
    if (!pin || zone.pinned) return false;
    zone.pinned = true;
    zone.servers = [pin];
    if (zone.keys) {
      // The keys are fetched again from the pinned server.
      delete zone.keys;
      zone.state = "pending";
    }
    return true;
  }

  /** Asks the servers of `zone` in turn until one gives a usable response. */
  async ask(zone: Zone, qname: Name, qtype: number): Promise<Asked | Verdict> {
    const question = `${nameToText(qname)} ${typeToText(qtype)}`;
    const failures: ServerOutcome[] = [];
    if (zone.servers.length === 0) {
      return indeterminate("unreachable", `no address for any server of ${nameToText(zone.name)}`, {
        owner: nameToText(zone.name),
      });
    }
    for (const server of zone.servers) {
      this.spend();
      const r = await exchange(
        this.ctx.transport,
        server,
        { name: qname, type: qtype },
        {
          rd: false,
          cd: false,
          dnssecOk: true,
          timeoutMs: this.limits.queryTimeoutMs,
          retries: this.limits.retries,
          ...(this.ctx.random ? { random: this.ctx.random } : {}),
        },
      );
      if (!r.ok) {
        zone.link.servers.push({
          address: server.address,
          question,
          outcome: r.error,
          detail: r.message,
        });
        failures.push(r.error);
        continue;
      }
      const cls = classifyResponse(r.message, zone.name, qname, qtype, nameKey);
      zone.link.servers.push({
        address: server.address,
        question,
        outcome: cls.kind,
        rttMs: r.rttMs,
        ...(cls.why ? { detail: cls.why } : {}),
      });
      if (cls.kind === "lame") {
        failures.push("lame");
        continue;
      }
      return { message: r.message, cls, server };
    }
    const owner = nameToText(zone.name);
    if (failures.every((f) => f === "lame")) {
      return indeterminate("lame", `no server of ${owner} gave a usable answer for ${question}`, {
        owner,
      });
    }
    const kind = failures.every((f) => f === "timeout") ? "timeout" : "unreachable";
    return indeterminate(kind, `no server of ${owner} answered ${question}`, { owner });
  }

  /**
   * Makes sure the DNSKEY RRset of a pending zone has been fetched and
   * judged, by this lookup or, with a key cache, by an earlier one of the
   * round on the same path.
   */
  async keys(zone: Zone): Promise<void> {
    if (zone.state !== "pending") return;
    const cache = this.ctx.keyCache;
    const fetch = () => this.#fetchKeys(zone);
    const step = cache
      ? await cache.keysStep(zone.name, zone.servers, zone.ds, zone.anchorKeys, fetch)
      : { value: await fetch(), cached: false };
    if (step.cached) {
      zone.link.cached = true;
      this.ctx.onCachedRecords?.(step.value.seen);
    }
    const v = step.value.verdict;
    if (step.value.keys) zone.keys = step.value.keys;
    zone.link.dnskey = v;
    zone.state = stateOf(v);
    zone.verdict = v;
    zone.link.security = v;
  }

  /** The DNSKEY step of RFC 4035 §5.2: the zone's DNSKEY RRset against its trusted DS or anchors. */
  async #fetchKeys(zone: Zone): Promise<KeysStep> {
    const r = await this.ask(zone, zone.name, RrType.DNSKEY);
    if ("security" in r) return { verdict: r, seen: [] };
    const group = groupRrsets(r.message.answer).find(
      (g) => g.rrset?.type === RrType.DNSKEY && nameEquals(g.rrset.owner, zone.name),
    );
    const trusted = this.trustZoneKeys({
      zone: zone.name,
      dnskeys: group?.rrset,
      rrsigs: group?.rrsigs ?? [],
      ds: zone.ds,
      anchorKeys: zone.anchorKeys,
      now: this.now,
    });
    const keys = trustedKeysOf(zone.name, trusted);
    return {
      verdict: verdictOnly(trusted),
      ...(keys ? { keys } : {}),
      seen: keyRecords(r.message),
    };
  }

  /** Follows a referral from `parent`: the DS step, then the child's servers. */
  async delegate(parent: Zone, asked: Asked, depth: number): Promise<Zone> {
    const ref = asked.cls.referral!;
    const known = this.zoneNamed(ref.child);
    if (known) return known;
    await this.keys(parent);
    const zone = this.#newZone(ref.child, [], ref.nsNames, parent);
    if (!this.#applyAnchors(zone)) {
      if (parent.state === "secure") {
        const step = await this.#dsStep(parent, ref.child, asked.message);
        this.#setState(zone, step.verdict, step.verdict);
        zone.ds = step.ds;
        if (step.cached) zone.link.cached = true;
      } else {
        this.#setState(zone, parent.verdict, parent.verdict);
      }
    }
    zone.servers = await this.#serverAddresses(parent, ref.nsNames, ref.glue, depth);
    return zone;
  }

  /**
   * The DS step of RFC 4035 §5.2 at the cut `child` below the secure `parent`:
   * the DS RRset (validated), or the proof that there is none (insecure).
   */
  async #dsStep(
    parent: Zone,
    child: Name,
    referral: Message,
  ): Promise<{ verdict: Verdict; ds: Rr[]; cached: boolean }> {
    const fetch = async (): Promise<DsStep> => {
      const seen: Rr[] = [];
      const [verdict, ds] = await this.#fetchDs(parent, child, referral, seen);
      return { verdict, ds, seen };
    };
    const cache = this.ctx.keyCache;
    if (!cache || !parent.keys) return { ...(await fetch()), cached: false };
    const carried = referral.authority.filter((rr) => DS_STEP_TYPES.has(rr.type));
    const step = await cache.dsStep(child, parent.servers, parent.keys, carried, fetch);
    if (step.cached) this.ctx.onCachedRecords?.(step.value.seen);
    return { verdict: step.value.verdict, ds: step.value.ds, cached: step.cached };
  }

  async #fetchDs(
    parent: Zone,
    child: Name,
    referral: Message,
    seen: Rr[],
  ): Promise<[Verdict, Rr[]]> {
    const dsIn = (rrs: Rr[]): RrsetGroup | undefined =>
      groupRrsets(rrs).find((g) => g.rrset?.type === RrType.DS && nameEquals(g.rrset.owner, child));
    const hasDenial = (rrs: Rr[]): boolean =>
      rrs.some((rr) => rr.type === RrType.NSEC || rr.type === RrType.NSEC3);
    let source = referral;
    let dsGroup = dsIn(source.authority);
    if (!dsGroup && !hasDenial(source.authority)) {
      // Neither DS nor a proof in the referral: ask the parent (RFC 4035 §4.2 resolvers do).
      const r = await this.ask(parent, child, RrType.DS);
      if ("security" in r) return [r, []];
      seen.push(...keyRecords(r.message));
      source = r.message;
      dsGroup = dsIn(source.answer);
    }
    // The records may come from a zone between the parent and the child that
    // the same servers serve: its keys are then found first.
    const signed =
      dsGroup ??
      groupRrsets(source.authority).find(
        (g) => g.rrset?.type === RrType.NSEC || g.rrset?.type === RrType.NSEC3,
      );
    const signer = signed ? signerOf(signed) : undefined;
    let holder = parent;
    if (
      signer &&
      isSubdomain(signer, parent.name) &&
      !nameEquals(signer, parent.name) &&
      isSubdomain(child, signer) &&
      !nameEquals(child, signer)
    ) {
      holder = await this.subZone(parent, signer, 0);
      if (holder.state !== "secure") return [holder.verdict, []];
    }
    const keys = holder.keys!;
    const denial = this.validatedDenialRecords(source.authority, keys);
    const owner = nameToText(child);
    if (dsGroup?.rrset) {
      const v = this.validateGroup(dsGroup, keys);
      if (v.security !== "secure") return [verdictOnly(v), []];
      return [SECURE, recordsOf(dsGroup)];
    }
    if (denial.records.length === 0) {
      return [
        denial.failure ??
          bogus("ds-missing", `no DS for ${owner} and no proof that there is none`, {
            owner,
            type: "DS",
          }),
        [],
      ];
    }
    const proof = proveNoDs(child, holder.name, denial.records);
    if (proof.security === "secure") {
      // The parent proves there is no zone cut, yet it referred us there.
      return [
        bogus("denial-invalid", `the parent proves ${owner} is no delegation, yet refers to it`, {
          owner,
          type: "DS",
        }),
        [],
      ];
    }
    return [proof, []];
  }

  /** Addresses of the servers: glue first, then lookups of the names without glue. */
  async #serverAddresses(
    parent: Zone,
    nsNames: Name[],
    glue: Map<string, string[]>,
    depth: number,
  ): Promise<ServerAddress[]> {
    const out: ServerAddress[] = [];
    const add = (a: string): void => {
      if (!out.some((s) => s.address === a)) out.push({ address: a, port: PORT });
    };
    for (const ns of nsNames) {
      // Glue is taken only for names the parent's servers are authoritative for.
      if (!isSubdomain(ns, parent.name)) continue;
      for (const a of glue.get(nameKey(ns)) ?? []) if (!a.includes(":")) add(a);
      for (const a of glue.get(nameKey(ns)) ?? []) if (a.includes(":")) add(a);
    }
    if (out.length > 0) return out;
    for (const ns of nsNames) {
      for (const a of await this.resolveAddresses(ns, depth + 1)) add(a);
      if (out.length > 0) break;
    }
    return out;
  }

  /** The installed hook that resolves a name server's addresses (set by the gatherer). */
  resolveAddresses: (name: Name, depth: number) => Promise<string[]> = async () => [];

  /** Guards against resolving the same name server inside its own resolution. */
  async guarded<T>(name: Name, fallback: T, f: () => Promise<T>): Promise<T> {
    const k = nameKey(name);
    if (this.#resolving.has(k)) return fallback;
    this.#resolving.add(k);
    try {
      return await f();
    } finally {
      this.#resolving.delete(k);
    }
  }

  /**
   * The zone whose apex is `signer`, a name below `zone` served by the same
   * servers without a referral: its DS is asked at `zone`, its keys at the
   * same servers.
   */
  async subZone(zone: Zone, signer: Name, depth: number): Promise<Zone> {
    const known = this.zoneNamed(signer);
    if (known) {
      await this.keys(known);
      return known;
    }
    await this.keys(zone);
    const sub = this.#newZone(signer, zone.servers, [], zone);
    if (!this.#applyAnchors(sub)) {
      if (zone.state === "secure") {
        const step = await this.#dsStep(zone, signer, emptyMessage());
        this.#setState(sub, step.verdict, step.verdict);
        sub.ds = step.ds;
        if (step.cached) sub.link.cached = true;
      } else {
        this.#setState(sub, zone.verdict, zone.verdict);
      }
    }
    if (depth > this.limits.maxDepth)
      throw new LimitExceeded(`deeper than ${this.limits.maxDepth}`);
    await this.keys(sub);
    return sub;
  }

  /**
   * Looks for an insecure delegation between the secure `zone` and `owner`
   * (the same servers may serve both sides of a cut): asks the DS of each
   * name in between, top down, and returns the insecure verdict of the
   * first cut proven unsigned; undefined when none is found.
   */
  async insecureCut(zone: Zone, owner: Name): Promise<Verdict | undefined> {
    const keys = zone.keys;
    if (!keys) return undefined;
    for (let n = labelCount(zone.name) + 1; n <= labelCount(owner); n++) {
      const name = ancestor(owner, n);
      const r = await this.ask(zone, name, RrType.DS);
      if ("security" in r) return undefined;
      if (r.cls.kind === "referral") {
        const child = await this.delegate(zone, r, 0);
        return child.state === "insecure" ? child.verdict : undefined;
      }
      if (r.cls.kind === "answer") return undefined;
      const denial = this.validatedDenialRecords(r.message.authority, keys);
      const proof = proveNoDs(name, zone.name, denial.records);
      if (proof.security === "insecure") return proof;
      if (proof.security !== "secure") return undefined;
    }
    return undefined;
  }

  /** The parent zone to ask for a DS at `name` when `name` is a zone apex already walked. */
  dsZone(zone: Zone, name: Name): Zone {
    if (nameEquals(zone.name, name) && zone.parent) return zone.parent;
    if (nameEquals(zone.name, name)) {
      const p = parentName(name);
      return p ? this.closest(p) : zone;
    }
    return zone;
  }
}

function emptyMessage(): Message {
  return {
    id: 0,
    opcode: 0,
    flags: { qr: true, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false },
    rcode: 0,
    question: [],
    answer: [],
    authority: [],
    additional: [],
    size: 0,
    trailingOctets: 0,
  };
}
