/**
 * Signature tasks verified on libuv's thread pool: node:crypto's verify
 * with a callback runs each check off this thread, so a zone's checks
 * spread over the machine's cores with no worker thread to start, and they
 * start while the rest of the tasks are still being made
 * (prepareSignatures in zone-verifier-crypto.ts hands each one over as it
 * is made). At most MAX_IN_FLIGHT checks wait on the pool; past that, tasks
 * are verified on this thread as they come.
 *
 * Keys are the KeyObjects algorithms.ts makes and caches for verifySignature
 * (dnskeyKeyObject: RFC 3110 §2, RFC 6605 §4, RFC 8080 §3), so only keys it
 * accepts are used. A task this path cannot run, or that does not
 * verify, gets verdict 2 and its RRset goes to checkJob, which finds the
 * reason: this path only ever says "verified", so the report stays the one
 * checkJob alone would give.
 */
import { verify, type KeyObject } from "node:crypto";
import { algorithmSpec, dnskeyKeyObject, verifySignature } from "./algorithms.js";
import type { Dnskey } from "./rdata.js";
import type { JobResult, ZonePlan } from "./zone-verifier.js";
import { jobResults, prepareSignatures, zoneKeys, type TaskSink } from "./zone-verifier-crypto.js";

/** Verdicts as in zone-verifier-tasks.ts: 0 not yet known, 1 verified, 2 not. */
const VERIFIED = 1;
const NOT_VERIFIED = 2;

/** The key as a KeyObject, or undefined when algorithms.ts would not use it. */
export function importZoneKey(key: Dnskey): KeyObject | undefined {
  return dnskeyKeyObject(key.algorithm, key.publicKey);
}

/**
 * Checks waiting on the thread pool at most: each holds a copy of its data
 * and signature until its callback runs, and callbacks run only once the
 * tasks are all made. Past this many, tasks are verified here as they come
 * (verifySignature, as zone-verifier-tasks.ts does), which keeps a large
 * zone's memory bounded.
 */
export const MAX_IN_FLIGHT = 16384;

/**
 * A TaskSink that starts each task's verification on libuv's thread pool
 * as it is submitted; `verdicts` waits for them all.
 */
export class ThreadPoolVerifier implements TaskSink {
  readonly #keys: readonly Dnskey[];
  readonly #maxInFlight: number;
  /** Imported on first use; null until then, undefined when unusable. */
  readonly #imported: (KeyObject | undefined | null)[];
  #verdicts = new Uint8Array(1024);
  #pending = 0;
  #settle: (() => void) | undefined;

  constructor(keys: readonly Dnskey[], maxInFlight = MAX_IN_FLIGHT) {
    this.#keys = keys;
    this.#maxInFlight = maxInFlight;
    this.#imported = keys.map(() => null);
  }

  #key(k: number): KeyObject | undefined {
    let key = this.#imported[k];
    if (key === null) {
      key = importZoneKey(this.#keys[k]!);
      this.#imported[k] = key;
    }
    return key;
  }

  submit(
    task: number,
    algorithm: number,
    k: number,
    data: Uint8Array,
    signature: Uint8Array,
  ): void {
    if (task >= this.#verdicts.length) {
      const more = new Uint8Array(Math.max(task + 1, this.#verdicts.length * 2));
      more.set(this.#verdicts);
      this.#verdicts = more;
    }
    if (this.#pending >= this.#maxInFlight) {
      const key = this.#keys[k];
      const ok =
        key !== undefined &&
        key.algorithm === algorithm &&
        verifySignature(algorithm, key.publicKey, data, signature).ok;
      this.#verdicts[task] = ok ? VERIFIED : NOT_VERIFIED;
      return;
    }
    const v = algorithmSpec(algorithm)?.verifier;
    const key =
      k >= 0 && k < this.#keys.length && this.#keys[k]!.algorithm === algorithm
        ? this.#key(k)
        : undefined;
    if (!v || !key || (v.signatureLength !== undefined && signature.length !== v.signatureLength)) {
      this.#verdicts[task] = NOT_VERIFIED;
      return;
    }
    // As algorithms.ts verifies: RSA PKCS #1 v1.5 (RFC 3110 §3, RFC 5702 §3),
    // ECDSA r || s (RFC 6605 §4), pure EdDSA (RFC 8080 §4). The data and
    // signature are copied for the thread pool before verify returns.
    const options = v.family === "ecdsa" ? { key, dsaEncoding: "ieee-p1363" as const } : key;
    this.#pending++;
    try {
      verify(v.hash, data, options, signature, (err, ok) => this.#done(task, !err && ok));
    } catch {
      this.#done(task, false);
    }
  }

  #done(task: number, ok: boolean): void {
    // The array may have grown since the task was submitted: write to the current one.
    this.#verdicts[task] = ok ? VERIFIED : NOT_VERIFIED;
    if (--this.#pending === 0) {
      const settle = this.#settle;
      this.#settle = undefined;
      settle?.();
    }
  }

  /**
   * The verdicts of tasks 0 to `count` - 1 once every check has come back;
   * a task never submitted reads 0 (not verified).
   */
  async verdicts(count: number): Promise<Uint8Array> {
    while (this.#pending > 0) {
      await new Promise<void>((resolve) => {
        this.#settle = resolve;
      });
    }
    if (count > this.#verdicts.length) {
      const more = new Uint8Array(count);
      more.set(this.#verdicts);
      this.#verdicts = more;
    }
    return this.#verdicts.slice(0, count);
  }
}

/**
 * Every job's result, the signatures verified on libuv's thread pool while
 * the tasks are made, checkJob for the rest (zone-verifier-crypto.ts).
 */
export async function verifyOnThreadPool(plan: ZonePlan): Promise<JobResult[]> {
  const keys = zoneKeys(plan);
  const sink = new ThreadPoolVerifier(keys.map((k) => k.key));
  const prepared = prepareSignatures(plan, sink, keys);
  return jobResults(plan, prepared, await sink.verdicts(prepared.count));
}
