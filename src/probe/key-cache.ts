/**
 * The validated keys of the zones on one path, kept for one round, so that a
 * round fetches and judges each zone's DS and DNSKEY RRsets once per vantage
 * instead of once per probe.
 *
 * What is kept is the outcome of each of the two steps of RFC 4035 §5.2 at a
 * zone cut, verdict included, so that a bogus chain is not fetched again
 * either:
 * - the DS step: the parent's DS RRset for the child, validated with the
 *   parent's keys, or the proof that there is none;
 * - the DNSKEY step: the child's DNSKEY RRset checked against that DS RRset
 *   (or the trust anchors).
 * An indeterminate outcome (a timeout, a lame server, a budget spent) is not
 * kept: the next probe asks again.
 *
 * One cache serves one path: one recursive vantage, or one authoritative
 * server, for one round (round.ts makes new ones every round). Within it an
 * entry is keyed by the zone, the servers the walk asked, and everything the
 * step was given: the trusted DS records and anchors for the DNSKEY step;
 * the parent's trusted key set and the DS or denial records of the referral
 * for the DS step. An entry is thus only used where the same walk on the
 * same path would have asked the same question and judged the answer with
 * the same inputs. Data one vantage served never validates another's path.
 *
 * The records a cached step fetched (DS and DNSKEY, from the answer and
 * authority sections) are kept with it and handed to the gatherer's
 * `onCachedRecords`, so each observation still notes the key tags it saw.
 */
import type { Message } from "../dns/message.js";
import { nameKey, type Name } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import type { ServerAddress } from "../dns/transport.js";
import type { TrustedKeys } from "../dnssec/answer.js";
import type { Verdict } from "../dnssec/verdict.js";

/** The DNSKEY step's outcome at one zone. */
export interface KeysStep {
  verdict: Verdict;
  /** Present when the verdict is secure. */
  keys?: TrustedKeys;
  /** DS and DNSKEY records of the response the step judged. */
  seen: Rr[];
}

/** The DS step's outcome at one zone cut. */
export interface DsStep {
  verdict: Verdict;
  /** The DS records, trusted, when the verdict is secure. */
  ds: Rr[];
  /** DS and DNSKEY records of the DS query's response, when one was sent. */
  seen: Rr[];
}

export interface Reused<T> {
  value: T;
  /** True when another lookup of the round fetched it. */
  cached: boolean;
}

const hex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

function recordsKey(records: readonly Rr[]): string {
  return records.map((r) => `${nameKey(r.owner)}/${r.type}/${hex(r.rdata)}`).join(",");
}

function serversKey(servers: readonly ServerAddress[]): string {
  return servers.map((s) => `${s.address}#${s.port}`).join(",");
}

/** The DS and DNSKEY records of a response, which the observation's key tags come from. */
export function keyRecords(message: Message): Rr[] {
  return [...message.answer, ...message.authority].filter(
    (rr) => rr.type === RrType.DS || rr.type === RrType.DNSKEY,
  );
}

const kept = (s: { verdict: Verdict }): boolean => s.verdict.security !== "indeterminate";

export class ZoneKeyCache {
  /** Steps fetched by a lookup of this cache, and steps taken from it. */
  fetched = 0;
  reused = 0;
  readonly #steps = new Map<string, Promise<KeysStep | DsStep>>();
  readonly #keySetIds = new WeakMap<TrustedKeys, number>();
  #nextKeySetId = 1;

  /** The DNSKEY step at `zone`, asked of `servers`, judged against `ds` and `anchorKeys`. */
  keysStep(
    zone: Name,
    servers: readonly ServerAddress[],
    ds: readonly Rr[],
    anchorKeys: readonly Rr[],
    fetch: () => Promise<KeysStep>,
  ): Promise<Reused<KeysStep>> {
    const key = `dnskey|${nameKey(zone)}|${serversKey(servers)}|${recordsKey(ds)}|${recordsKey(anchorKeys)}`;
    return this.#step(key, fetch);
  }

  /**
   * The DS step for `child` below a parent with the trusted keys
   * `parentKeys`, asked of `servers`; `referral` holds the DS or denial
   * records (and their RRSIGs) the referral already carried, if any.
   */
  dsStep(
    child: Name,
    servers: readonly ServerAddress[],
    parentKeys: TrustedKeys,
    referral: readonly Rr[],
    fetch: () => Promise<DsStep>,
  ): Promise<Reused<DsStep>> {
    const keySet = this.#idOf(parentKeys);
    const key = `ds|${nameKey(child)}|${serversKey(servers)}|${keySet}|${recordsKey(referral)}`;
    return this.#step(key, fetch);
  }

  #idOf(keys: TrustedKeys): number {
    let id = this.#keySetIds.get(keys);
    if (id === undefined) {
      id = this.#nextKeySetId++;
      this.#keySetIds.set(keys, id);
    }
    return id;
  }

  /**
   * The step already fetched (or being fetched) under `key`, else `fetch()`'s
   * outcome, kept unless indeterminate. A lookup waiting on another's fetch
   * that failed or ended indeterminate fetches for itself.
   */
  async #step<T extends KeysStep | DsStep>(
    key: string,
    fetch: () => Promise<T>,
  ): Promise<Reused<T>> {
    const known = this.#steps.get(key) as Promise<T> | undefined;
    if (known) {
      const value = await known.catch(() => undefined);
      if (value && kept(value)) {
        this.reused++;
        return { value, cached: true };
      }
    }
    const pending = fetch();
    this.#steps.set(key, pending);
    this.fetched++;
    try {
      const value = await pending;
      if (!kept(value) && this.#steps.get(key) === pending) this.#steps.delete(key);
      return { value, cached: false };
    } catch (e) {
      if (this.#steps.get(key) === pending) this.#steps.delete(key);
      throw e;
    }
  }
}
