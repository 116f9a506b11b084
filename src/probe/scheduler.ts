/**
 * Runs a probe round of every watched zone on a node-cron schedule (every
 * `intervalMs`, 60 s by default), each zone after its own random delay of
 * up to `jitterMs` so that rounds do not all hit the resolvers in the same
 * second. A tick that is still running when the next one is due is skipped
 * (node-cron's `noOverlap`), never stacked. Authoritative servers are found
 * again by the engine when older than `rediscoverEvery`.
 *
 * The round runner, the sleep and the random source are injected; `tick()`
 * runs one pass at once (tests and `check` use it without the schedule).
 */
import { schedule, type ScheduledTask } from "node-cron";
import { cronFor } from "../config/schema.js";

export interface SchedulerOptions<R> {
  intervalMs: number;
  jitterMs: number;
  /** The zones to probe each tick (read at each tick, so it may change). */
  zones: () => string[];
  runRound: (zone: string) => Promise<R>;
  onRound: (zone: string, result: R) => void | Promise<void>;
  onError?: (zone: string, error: unknown) => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class Scheduler<R> {
  #task: ScheduledTask | undefined;
  readonly #options: SchedulerOptions<R>;
  readonly #cron: string;

  constructor(options: SchedulerOptions<R>) {
    const cron = cronFor(options.intervalMs);
    if (cron === undefined) {
      throw new RangeError(`interval ${options.intervalMs} ms divides no minute or hour`);
    }
    if (options.jitterMs < 0 || options.jitterMs * 2 > options.intervalMs) {
      throw new RangeError(`jitter ${options.jitterMs} ms outside 0..interval/2`);
    }
    this.#options = options;
    this.#cron = cron;
  }

  /** The node-cron expression the scheduler follows. */
  get expression(): string {
    return this.#cron;
  }

  get running(): boolean {
    return this.#task !== undefined;
  }

  start(): void {
    if (this.#task) return;
    this.#task = schedule(this.#cron, () => this.tick(), { noOverlap: true, name: "probe-rounds" });
  }

  async stop(): Promise<void> {
    const task = this.#task;
    this.#task = undefined;
    if (task) await task.destroy();
  }

  /** One pass: every zone, each after its jitter; errors go to `onError`, never stop the pass. */
  async tick(): Promise<void> {
    const o = this.#options;
    const random = o.random ?? Math.random;
    const sleep = o.sleep ?? defaultSleep;
    await Promise.all(
      o.zones().map(async (zone) => {
        try {
          await sleep(Math.floor(random() * o.jitterMs));
          const result = await o.runRound(zone);
          await o.onRound(zone, result);
        } catch (e) {
          o.onError?.(zone, e);
        }
      }),
    );
  }
}
