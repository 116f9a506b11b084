/**
 * The process the crash test kills. In a tight loop, for zone after zone: a
 * round with all three preconditions (a proposal, with a stored probe round),
 * a person's approval, and every third zone an extension. After each
 * approval's commit has returned, one line goes to the sidecar log: what the
 * parent may then require to be on disk.
 *
 * argv: database path, sidecar path, first zone number.
 */

import { appendFileSync } from "node:fs";
import { DEFAULT_THRESHOLDS } from "../../src/config/thresholds.js";
import { applyEvent } from "../../src/service/apply.js";
import { Store } from "../../src/store/store.js";
import { makeRound } from "../assess/synthetic.js";
import { assessment } from "../lifecycle/support.js";

const [dbPath, sidecar, firstText] = process.argv.slice(2);
if (!dbPath || !sidecar || !firstText) throw new Error("usage: crash-child DB SIDECAR FIRST");
const BASE = Date.UTC(2026, 4, 5, 12) / 1000;
const t = DEFAULT_THRESHOLDS;
const store = Store.open(dbPath, BASE);
process.stdout.write("ready\n");

for (let i = Number(firstText); ; i++) {
  const zone = `z${i}.example.`;
  const now = BASE + i;
  const round = applyEvent(
    store,
    zone,
    { type: "round", assessment: assessment({ zone, at: now, w: true, c: true, n: true }) },
    now,
    t,
  );
  if (!round.ok || round.state.phase !== "proposed") throw new Error(`no proposal for ${zone}`);
  // A stored probe round makes each cycle write more pages.
  store.commit({
    zone,
    expectedRevision: round.revision,
    previous: round.state,
    steps: [],
    now,
    round: makeRound({ zone, at: now }),
  });
  const lifetime = 3600 + (i % 1000);
  const approved = applyEvent(
    store,
    zone,
    { type: "approve", actor: "alice", lifetimeSeconds: lifetime, reason: `crash test ${i}` },
    now,
    t,
  );
  if (!approved.ok) throw new Error(approved.error.message);
  let expiresAt = now + lifetime;
  appendFileSync(sidecar, JSON.stringify({ zone, expiresAt, action: "approve" }) + "\n");
  if (i % 3 === 0) {
    const extended = applyEvent(
      store,
      zone,
      { type: "extend", actor: "bob", lifetimeSeconds: lifetime * 2, reason: `extend ${i}` },
      now + 1,
      t,
    );
    if (!extended.ok) throw new Error(extended.error.message);
    expiresAt = now + 1 + lifetime * 2;
    appendFileSync(sidecar, JSON.stringify({ zone, expiresAt, action: "extend" }) + "\n");
  }
}
