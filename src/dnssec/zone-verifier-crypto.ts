/**
 * A zone's signature checks with the cryptography taken apart, so that it
 * can run on several threads: every RRSIG that passes the checks of
 * RFC 4035 §5.3.1 (in the order rrsig.ts makes them) becomes a task of
 * algorithm, key, signed data (RFC 4035 §5.3.2) and signature, packed into
 * shared memory; this thread and a worker verify tasks side by side.
 *
 * An RRset is secure here only when every one of its RRSIGs passed those
 * checks and verified with the first DNSKEY its key tag and algorithm point
 * to: exactly the case where checkJob (zone-verifier.ts) finds it secure
 * with no failure. Every other RRset (a check that fails, a signature that
 * does not verify, a revoked or non-zone key, colliding key tags that need
 * another candidate) is verified again by checkJob, which gives the reasons.
 * The report is therefore the one checkJob alone would give.
 */
import type { Worker } from "node:worker_threads";
import { canonicalRrset } from "../dns/canonical.js";
import { isSubdomain, nameEquals } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import { isSupportedAlgorithm } from "./algorithms.js";
import { keyTag } from "./keytag.js";
import { parseDnskey, parseRrsig, type Dnskey } from "./rdata.js";
import { checkSignatureWindow } from "./serial-time.js";
import { buildSignedData, ownerLabelCount } from "./signed-data.js";
import { checkJob, type JobResult, type ZonePlan } from "./zone-verifier.js";
import { startWorker } from "./zone-verifier-parallel.js";
import { cryptoJob, verifyTask, verifyTasks, type SignatureTasks } from "./zone-verifier-tasks.js";

export interface PreparedZone {
  tasks: SignatureTasks;
  /** Per job, its first task, or -1 when checkJob must verify it. */
  firstTask: Int32Array;
  /** Per job, how many tasks (its RRSIGs). */
  taskCount: Int32Array;
}

interface ZoneKey {
  tag: number;
  key: Dnskey;
  rr: Rr;
}

/** The DNSKEY an RRSIG's key tag and algorithm point to first, as rrsig.ts tries them. */
function firstCandidate(
  keys: readonly ZoneKey[],
  tag: number,
  algorithm: number,
  cls: number,
  signer: Uint8Array,
): number {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.tag !== tag || k.key.algorithm !== algorithm) continue;
    if (k.rr.class !== cls || !nameEquals(k.rr.owner, signer)) continue;
    return i;
  }
  return -1;
}

/** Checks every RRSIG of the plan up to the cryptography and packs the tasks. */
export function prepareSignatures(plan: ZonePlan): PreparedZone {
  const keys: ZoneKey[] = [];
  for (const rr of plan.zoneKeys) {
    const key = rr.type === RrType.DNSKEY ? parseDnskey(rr.rdata) : undefined;
    if (key) keys.push({ tag: keyTag(rr.rdata), key, rr });
  }
  const jobs = plan.jobs;
  const firstTask = new Int32Array(jobs.length).fill(-1);
  const taskCount = new Int32Array(jobs.length);
  const found: { algorithm: number; key: number; data: Uint8Array; signature: Uint8Array }[] = [];
  let size = 0;
  for (let j = 0; j < jobs.length && plan.signed; j++) {
    const { rrset, rrsigs } = jobs[j]!;
    if (rrsigs.length === 0) continue;
    const canonical = canonicalRrset(rrset);
    if (!canonical) continue;
    const mark = found.length;
    let plain = true;
    for (const rr of rrsigs) {
      // RFC 4035 §5.3.1, in rrsig.ts's order; anything unusual goes to checkJob.
      const sig = parseRrsig(rr.rdata);
      if (
        !sig ||
        sig.typeCovered !== rrset.type ||
        !nameEquals(sig.signer, plan.origin) ||
        !isSubdomain(rrset.owner, sig.signer) ||
        sig.labels > ownerLabelCount(rrset.owner) ||
        !isSupportedAlgorithm(sig.algorithm) ||
        checkSignatureWindow(sig.inception, sig.expiration, plan.now).status !== "valid"
      ) {
        plain = false;
        break;
      }
      const k = firstCandidate(keys, sig.keyTag, sig.algorithm, rrset.class, sig.signer);
      const key = k >= 0 ? keys[k]!.key : undefined;
      // RFC 4034 §2.1.1-2, RFC 5011 §2.1: a zone key, protocol 3, not revoked.
      if (!key || !key.isZoneKey || key.protocol !== 3 || key.isRevoked) {
        plain = false;
        break;
      }
      const data = buildSignedData(sig, canonical);
      found.push({ algorithm: sig.algorithm, key: k, data, signature: sig.signature });
      size += data.length + sig.signature.length;
    }
    if (!plain) {
      found.length = mark;
      continue;
    }
    firstTask[j] = mark;
    taskCount[j] = rrsigs.length;
  }
  const meta = new SharedArrayBuffer(found.length * 5 * 4);
  const bytes = new SharedArrayBuffer(size);
  const m = new Int32Array(meta);
  const b = new Uint8Array(bytes);
  let at = 0;
  for (let t = 0; t < found.length; t++) {
    const f = found[t]!;
    b.set(f.data, at);
    b.set(f.signature, at + f.data.length);
    m.set([f.algorithm, f.key, at, f.data.length, f.signature.length], t * 5);
    at += f.data.length + f.signature.length;
  }
  return {
    tasks: { count: found.length, meta, bytes, keys: keys.map((k) => k.key.publicKey) },
    firstTask,
    taskCount,
  };
}

/**
 * Each job's result from the task verdicts: secure when all its tasks
 * verified, checkJob's answer otherwise (and for every job without tasks).
 */
export function jobResults(
  plan: ZonePlan,
  prepared: PreparedZone,
  verdicts: Uint8Array,
): JobResult[] {
  const results: JobResult[] = new Array<JobResult>(plan.jobs.length);
  for (let j = 0; j < plan.jobs.length; j++) {
    const first = prepared.firstTask[j]!;
    let secure = first >= 0;
    for (let t = first; secure && t < first + prepared.taskCount[j]!; t++) {
      secure = verdicts[t] === 1;
    }
    results[j] = secure
      ? { security: "secure", failures: [] }
      : checkJob(plan.jobs[j]!, plan.zoneKeys, plan);
  }
  return results;
}

/**
 * Worker threads for signature tasks, started as early as possible (before
 * the zone is read): a worker takes tens of milliseconds to start, and
 * whatever it has not claimed when this thread is done, this thread has
 * done itself. Workers do not keep the process alive.
 */
export class SignaturePool {
  #workers: Worker[];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`pool size ${size}`);
    this.#workers = Array.from({ length: size }, () => {
      const w = startWorker("zone-verifier-crypto-worker");
      w.unref();
      const drop = (): void => {
        this.#workers = this.#workers.filter((x) => x !== w);
      };
      w.once("error", drop);
      w.once("exit", drop);
      return w;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Verifies every task, here and on the workers; verdicts by task (1 verified, 2 not). */
  async verify(tasks: SignatureTasks): Promise<Uint8Array> {
    const job = cryptoJob(tasks);
    const replies = this.#workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const done = (): void => {
            w.off("message", done);
            w.off("error", done);
            w.off("exit", done);
            resolve();
          };
          w.on("message", done);
          w.on("error", done);
          w.on("exit", done);
          w.postMessage(job);
        }),
    );
    verifyTasks(job);
    const verdicts = new Uint8Array(job.verdicts).subarray(0, tasks.count);
    if (verdicts.includes(0)) {
      // A worker is in the middle of a chunk: wait for it, and redo what a
      // worker that died left undone.
      await Promise.all(replies);
      for (let t = 0; t < tasks.count; t++) if (verdicts[t] === 0) verifyTask(tasks, t, verdicts);
    }
    return verdicts;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
