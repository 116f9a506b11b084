/**
 * The resolver ledger kept in the store (migration 3): per resolver, the
 * NTAs nta-watch applied there and has not removed since. After a restart
 * of nta-watch our own NTAs are still known as ours, so reconciliation
 * takes them back on retraction instead of reporting them as a person's.
 *
 * Each write is one statement (SQLite makes it atomic and, with
 * synchronous=FULL, durable before it returns).
 */

import type { Ledger } from "../resolvers/runner.js";
import type { Db } from "./db.js";

export class StoreLedger implements Ledger {
  /**
   * @param db the store's open database (migrated to version 3 or later)
   * @param now seconds since the epoch, for `applied_at`
   */
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  applied(resolver: string): Promise<ReadonlySet<string>> {
    const rows = this.db
      .prepare("SELECT zone FROM resolver_ntas WHERE resolver = ? ORDER BY zone")
      .all(resolver) as { zone: string }[];
    return Promise.resolve(new Set(rows.map((r) => r.zone)));
  }

  recordApplied(resolver: string, zone: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO resolver_ntas (resolver, zone, applied_at) VALUES (?, ?, ?)
         ON CONFLICT (resolver, zone) DO NOTHING`,
      )
      .run(resolver, zone, this.now());
    return Promise.resolve();
  }

  recordRemoved(resolver: string, zone: string): Promise<void> {
    this.db
      .prepare("DELETE FROM resolver_ntas WHERE resolver = ? AND zone = ?")
      .run(resolver, zone);
    return Promise.resolve();
  }

  /** Every resolver and zone in the ledger, for reports. */
  entries(): { resolver: string; zone: string; appliedAt: number }[] {
    return (
      this.db
        .prepare("SELECT resolver, zone, applied_at FROM resolver_ntas ORDER BY resolver, zone")
        .all() as { resolver: string; zone: string; applied_at: number }[]
    ).map((r) => ({ resolver: r.resolver, zone: r.zone, appliedAt: r.applied_at }));
  }
}
