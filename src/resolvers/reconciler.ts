/**
 * Running reconciliation on every change and on a schedule. One pass at a
 * time: a change that arrives during a pass asks for one more pass after it,
 * however many changes arrive. The desired NTAs are read at the start of
 * each pass (from the store), so a pass never works from a stale list.
 */
import { reconcile, type Ledger, type ReconcileReport, type RetryPolicy } from "./runner.js";
import type { DesiredNta } from "./reconcile.js";
import type { ResolverAdapter } from "./types.js";

export interface ReconcilerOptions {
  adapters: readonly ResolverAdapter[];
  /** The NTAs in force now, e.g. the store's NTAs not ended. */
  desired: () => Promise<readonly DesiredNta[]>;
  ledger: Ledger;
  now: () => number;
  retry: RetryPolicy;
  resolverBudgetMs: number;
  dryRun: boolean;
  intervalMs: number;
  /** Each report, for metrics, alerts and the lifecycle's `deployed` events. */
  onReport: (report: ReconcileReport) => void | Promise<void>;
  /** A pass that could not start (the desired list could not be read). */
  onError: (error: unknown) => void;
}

export class Reconciler {
  private running: Promise<ReconcileReport | undefined> | undefined;
  private again = false;
  /** Callers waiting for the pass after the current one. */
  private waiters: ((r: ReconcileReport | undefined) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ReconcilerOptions) {}

  /** Starts the schedule, with a first pass at once. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.trigger(), this.o.intervalMs);
    this.timer.unref();
    void this.trigger();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Asks for a pass (after a change). Resolves with the report of the pass
   * that saw the change, or undefined when that pass could not run.
   */
  trigger(): Promise<ReconcileReport | undefined> {
    if (this.running) {
      this.again = true;
      return new Promise((resolve) => this.waiters.push(resolve));
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<ReconcileReport | undefined> {
    let last: ReconcileReport | undefined;
    try {
      do {
        this.again = false;
        const waiting = this.waiters.splice(0);
        last = await this.pass();
        for (const w of waiting) w(last);
      } while (this.again);
    } finally {
      this.running = undefined;
      for (const w of this.waiters.splice(0)) w(undefined);
    }
    return last;
  }

  private async pass(): Promise<ReconcileReport | undefined> {
    let desired: readonly DesiredNta[];
    try {
      desired = await this.o.desired();
    } catch (e) {
      this.o.onError(e);
      return undefined;
    }
    const report = await reconcile({
      adapters: this.o.adapters,
      desired,
      ledger: this.o.ledger,
      now: this.o.now,
      retry: this.o.retry,
      resolverBudgetMs: this.o.resolverBudgetMs,
      dryRun: this.o.dryRun,
    });
    try {
      await this.o.onReport(report);
    } catch (e) {
      this.o.onError(e);
    }
    return report;
  }
}

/**
 * The resolvers on which `zone` is in force after a pass: it was in sync,
 * added successfully, or covered by a person's NTA. For the lifecycle's
 * `deployed` event.
 */
export function deployedOn(report: ReconcileReport, zone: string): string[] {
  return report.resolvers
    .filter((r) => {
      if (!r.reachable) return false;
      const added = r.actions.some((a) => a.action.op === "add" && a.action.zone === zone && a.ok);
      const listed = r.listed.some((e) => e.zone === zone && !e.expired && !e.partial);
      const pending = r.actions.some(
        (a) => a.action.op === "add" && a.action.zone === zone && !a.ok,
      );
      return added || (listed && !pending);
    })
    .map((r) => r.resolver);
}
