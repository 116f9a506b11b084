/**
 * Worker threads for the signature tasks of zone-verifier-crypto.ts, for
 * `verify-zone --threads N`. A module of its own, so that verify-zone loads
 * node:worker_threads only when workers are asked for.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { cryptoJob, verifyTask, verifyTasks, type SignatureTasks } from "./zone-verifier-tasks.js";

/** Starts the worker module `name` (without extension) beside this one. */
function startWorker(name: string): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, self));
  // Run from TypeScript sources (tests): the worker goes through tsx's require
  // hook, since Node 20 does not apply module loader hooks in workers.
  const tsx = createRequire(self).resolve("tsx/cjs/api");
  const worker = fileURLToPath(new URL(`./${name}.ts`, self));
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(worker)});`;
  return new Worker(boot, { eval: true });
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
