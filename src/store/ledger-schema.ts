/**
 * Migration 3: the resolver ledger, what nta-watch itself applied on each
 * resolver and has not removed since. Reconciliation tells our NTAs from a
 * person's by it (RFC 7646 §2.1: a person's NTA is never removed), so it
 * must outlive a restart of nta-watch. Kept apart from the ledger code so
 * that the migration list imports no other store module.
 */

import type { Migration } from "./migrations.js";

export const RESOLVER_LEDGER_MIGRATION: Migration = {
  version: 3,
  description: "resolver ledger: the NTAs nta-watch applied on each resolver",
  sql: `
      -- One row per resolver and zone nta-watch added and has not removed
      -- since. applied_at: the first successful push (seconds).
      CREATE TABLE resolver_ntas (
        resolver   TEXT NOT NULL,
        zone       TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (resolver, zone)
      ) STRICT;
    `,
};
