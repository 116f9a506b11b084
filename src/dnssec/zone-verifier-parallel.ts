/**
 * Verifies a zone's RRsets on several threads: this one and a pool of
 * worker threads. The jobs are packed once into shared memory
 * (zone-verifier-jobs.ts) and every thread claims chunks until none is left,
 * so a slow or late thread simply takes fewer. Results come back in job
 * order, identical to verifying on one thread.
 *
 * Workers take tens of milliseconds to start: start the pool before reading
 * the zone, so that they are ready when the jobs are.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Name } from "../dns/name.js";
import type { Rr } from "../dns/rr.js";
import type { Security } from "./verdict.js";
import { checkJob, type JobResult, type ZoneFailure, type ZonePlan } from "./zone-verifier.js";
import { CHUNK, claimChunk, packJobs } from "./zone-verifier-jobs.js";

export const SECURITY_CODE: Record<Security, number> = {
  secure: 1,
  insecure: 2,
  bogus: 3,
  indeterminate: 4,
};
const SECURITY_OF: Security[] = ["bogus", "secure", "insecure", "bogus", "indeterminate"];

/** What a worker is sent: the packed jobs, the shared claim counter and results, the zone's keys. */
export interface PoolTask {
  jobs: SharedArrayBuffer;
  counter: SharedArrayBuffer;
  results: SharedArrayBuffer;
  zoneKeys: Rr[];
  origin: Name;
  now: number;
  signed: boolean;
}

/** Starts the worker module `name` (without extension) beside this one. */
export function startWorker(name: string): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, self));
  // Run from TypeScript sources (tests): the worker goes through tsx's require
  // hook, since Node 20 does not apply module loader hooks in workers.
  const tsx = createRequire(self).resolve("tsx/cjs/api");
  const worker = fileURLToPath(new URL(`./${name}.ts`, self));
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(worker)});`;
  return new Worker(boot, { eval: true });
}

export class VerifierPool {
  #workers: Worker[];

  /** Starts `size` workers (0 verifies on this thread only). */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`pool size ${size}`);
    this.#workers = Array.from({ length: size }, () => {
      const w = startWorker("zone-verifier-worker");
      // A worker that fails is dropped; its unfinished jobs are done on this thread.
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

  /**
   * Verifies every job of the plan; results in job order. With `here:
   * false` only the workers verify (for tests: it shows they do).
   */
  async run(plan: ZonePlan, options: { here?: boolean } = {}): Promise<JobResult[]> {
    const count = plan.jobs.length;
    if (this.#workers.length === 0)
      return plan.jobs.map((job) => checkJob(job, plan.zoneKeys, plan));
    const task: PoolTask = {
      jobs: packJobs(plan.jobs),
      counter: new SharedArrayBuffer(4),
      results: new SharedArrayBuffer(count),
      zoneKeys: plan.zoneKeys,
      origin: plan.origin,
      now: plan.now,
      signed: plan.signed,
    };
    const replies = this.#workers.map(
      (w) =>
        new Promise<[number, ZoneFailure[]][] | undefined>((resolve) => {
          const gone = (): void => resolve(undefined);
          w.once("error", gone);
          w.once("exit", gone);
          w.once("message", (reply: [number, ZoneFailure[]][]) => {
            w.off("error", gone);
            w.off("exit", gone);
            resolve(reply);
          });
          w.postMessage(task);
        }),
    );
    // This thread takes chunks too (unless told not to), reading the jobs as they are.
    const counter = new Int32Array(task.counter);
    const mine = new Map<number, JobResult>();
    const here = options.here ?? true;
    for (
      let first = here ? claimChunk(counter, count) : -1;
      first >= 0;
      first = claimChunk(counter, count)
    ) {
      for (let i = first; i < Math.min(first + CHUNK, count); i++) {
        mine.set(i, checkJob(plan.jobs[i]!, plan.zoneKeys, plan));
      }
    }
    const failures = new Map<number, ZoneFailure[]>();
    let lost = false;
    for (const reply of await Promise.all(replies)) {
      if (!reply) lost = true;
      else for (const [i, f] of reply) failures.set(i, f);
    }
    const codes = new Uint8Array(task.results);
    return plan.jobs.map((job, i) => {
      const own = mine.get(i);
      if (own) return own;
      // A worker that died took its failures with it: redo what it had.
      if (lost) return checkJob(job, plan.zoneKeys, plan);
      return { security: SECURITY_OF[codes[i]!]!, failures: failures.get(i) ?? [] };
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
