/**
 * An API over a fresh store in a temporary folder, with a clock the test
 * moves, two approvers and a viewer.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_THRESHOLDS } from "../../src/config/thresholds.js";
import { TokenTable, type ApiToken } from "../../src/http/auth.js";
import { buildApi, type ApiOptions } from "../../src/http/server.js";
import type { ApiDeps } from "../../src/http/types.js";
import { Store } from "../../src/store/store.js";

export const NOW = Date.UTC(2026, 4, 5, 12) / 1000;

export const TOKENS: ApiToken[] = [
  { name: "alice", role: "approver", secret: "alice-secret-0123456789" },
  { name: "bob", role: "approver", secret: "bob-secret-0123456789ab" },
  { name: "viewer", role: "viewer", secret: "viewer-secret-01234567" },
];

export const bearer = (name: string) => ({
  authorization: `Bearer ${TOKENS.find((t) => t.name === name)!.secret}`,
});

export function makeApi(extra: Partial<ApiDeps> = {}, options: ApiOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-api-"));
  const clock = { now: NOW };
  const store = Store.open(path.join(dir, "state.db"), NOW);
  const deps: ApiDeps = {
    store,
    thresholds: DEFAULT_THRESHOLDS,
    now: () => clock.now,
    tokens: new TokenTable(TOKENS),
    watched: () => ["example.", "de."],
    publisher: "test-watcher",
    publicNtaFeed: false,
    ...extra,
  };
  const app = buildApi(deps, options);
  return {
    app,
    store,
    clock,
    deps,
    async close() {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
