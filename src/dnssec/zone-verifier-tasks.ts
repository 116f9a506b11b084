/**
 * Signature tasks in shared memory (made by zone-verifier-crypto.ts) and
 * the loop every thread runs over them: claim a chunk, verify it, write the
 * verdicts, until none is left. Loads nothing but the algorithm adapters,
 * so that a worker thread running it starts fast.
 */
import { verifySignature } from "./algorithms.js";

/** Tasks claimed at a time by a thread. */
export const TASK_CHUNK = 64;

/**
 * Tasks in shared memory: `meta` holds five Int32 per task (algorithm, key
 * index, offset of the signed data in `bytes`, its length, the signature's
 * length; the signature follows the data).
 */
export interface SignatureTasks {
  count: number;
  meta: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
  /** Public keys of the zone's DNSKEYs, by key index. */
  keys: Uint8Array[];
}

/** What a worker is sent; verdicts get 1 (verified) or 2 (not) per task. */
export interface CryptoJob {
  tasks: SignatureTasks;
  counter: SharedArrayBuffer;
  verdicts: SharedArrayBuffer;
}

/** Verifies task `t`, writing its verdict. */
export function verifyTask(tasks: SignatureTasks, t: number, verdicts: Uint8Array): void {
  const m = new Int32Array(tasks.meta, t * 20, 5);
  const at = m[2]!;
  const dataLength = m[3]!;
  const data = new Uint8Array(tasks.bytes, at, dataLength);
  const signature = new Uint8Array(tasks.bytes, at + dataLength, m[4]!);
  verdicts[t] = verifySignature(m[0]!, tasks.keys[m[1]!]!, data, signature).ok ? 1 : 2;
}

/** Verifies claimed chunks of tasks until none is left; returns how many tasks it did. */
export function verifyTasks(job: CryptoJob): number {
  const counter = new Int32Array(job.counter);
  const verdicts = new Uint8Array(job.verdicts);
  const count = job.tasks.count;
  let done = 0;
  for (;;) {
    const first = Atomics.add(counter, 0, 1) * TASK_CHUNK;
    if (first >= count) return done;
    const end = Math.min(first + TASK_CHUNK, count);
    for (let t = first; t < end; t++) verifyTask(job.tasks, t, verdicts);
    done += end - first;
  }
}

/** A job for every task, with its own counter and verdicts. */
export function cryptoJob(tasks: SignatureTasks): CryptoJob {
  return {
    tasks,
    counter: new SharedArrayBuffer(4),
    verdicts: new SharedArrayBuffer(Math.max(tasks.count, 1)),
  };
}

/** Every task on this thread; verdicts by task. */
export function verifyAllHere(tasks: SignatureTasks): Uint8Array {
  const job = cryptoJob(tasks);
  verifyTasks(job);
  return new Uint8Array(job.verdicts).subarray(0, tasks.count);
}
