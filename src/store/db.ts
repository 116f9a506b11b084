/**
 * Opening the SQLite database: WAL journal, `synchronous=FULL` (a commit
 * that returned is on disk, so an approval a person was told about survives
 * a power cut, not only a crash of the process), foreign keys on, and the
 * migrations not yet applied run in order.
 */

import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from "./migrations.js";

export type Db = Database.Database;

export class SchemaTooNewError extends Error {
  constructor(readonly found: number) {
    super(
      `database schema version ${found} is newer than this nta-watch understands ` +
        `(${SCHEMA_VERSION}); upgrade nta-watch`,
    );
    this.name = "SchemaTooNewError";
  }
}

/** The versions applied so far, in order. */
export function appliedVersions(db: Db): number[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!exists) return [];
  return db
    .prepare("SELECT version FROM schema_migrations ORDER BY version")
    .all()
    .map((r) => (r as { version: number }).version);
}

/** Applies the migrations whose versions are not recorded yet; returns those applied. */
export function migrate(
  db: Db,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  INTEGER NOT NULL
  ) STRICT`);
  const done = new Set(appliedVersions(db));
  const newest = Math.max(0, ...done);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) throw new SchemaTooNewError(newest);
  const applied: number[] = [];
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
  );
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.description, now);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}

export interface OpenOptions {
  /** Seconds since the epoch, for the migration records. */
  now: number;
  readonly?: boolean;
}

export function openDatabase(path: string, options: OpenOptions): Db {
  const db = new Database(path, { readonly: options.readonly ?? false });
  try {
    // Another process (an operator's sqlite3 shell, a backup) may hold a lock briefly.
    db.pragma("busy_timeout = 5000");
    if (!options.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
    }
    db.pragma("foreign_keys = ON");
    if (!options.readonly) migrate(db, options.now);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
