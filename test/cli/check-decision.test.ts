/**
 * `nta-watch check` beyond the round (issue 5): the three preconditions with
 * their evidence and what the lifecycle would do, from this round and the
 * history a configured store holds. One round alone, against a threshold
 * of several, says so and proposes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkDecision, renderDecision } from "../../src/cli/check-decision.js";
import { applyRound, recordManualConfirmation } from "../../src/service/apply.js";
import { Store } from "../../src/store/store.js";
import { bad, makeRound } from "../assess/synthetic.js";
import { makeConfig, START } from "../service/support.js";

const ZONE = "example.";
const broken = (at: number) =>
  makeRound({ zone: ZONE, at, watched: () => bad("signature-invalid") });

const dirs: string[] = [];
function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-check-decision-"));
  dirs.push(dir);
  const config = makeConfig(dir);
  return { dir, config, configFile: path.join(dir, "nta-watch.yaml") };
}
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe("one round without a store", () => {
  it("a failing round alone is 1 of 3 rounds: not widespread, the zone would only degrade", () => {
    const { config, configFile } = setup();
    expect(config.thresholds.consecutiveRounds).toBe(3);
    const d = checkDecision(broken(START), config, configFile, START);
    expect(d.history).toEqual({ store: null, rounds: 0, confirmations: 0 });
    expect(d.preconditions.widespread.met).toBe(false);
    expect(d.preconditions.widespread.rounds).toEqual({ streak: 1, required: 3 });
    expect(d.preconditions.confirmed.met).toBe(false);
    expect(d.preconditions.noSecurityValue.met).toBe(true);
    expect(d.lifecycle).toMatchObject({ phase: "healthy", next: "degraded", proposes: false });
    const text = renderDecision(d);
    expect(text).toContain("widespread        not met  1 of 3 rounds");
    expect(text).toContain("this round alone (no store)");
    expect(text).toContain("lifecycle: healthy -> degraded");
  });

  it("a healthy round: nothing met, the zone stays healthy", () => {
    const { config, configFile } = setup();
    const d = checkDecision(makeRound({ zone: ZONE, at: START }), config, configFile, START);
    expect(d.preconditions.widespread.met).toBe(false);
    expect(d.lifecycle).toMatchObject({ phase: "healthy", next: "healthy", proposes: false });
    expect(d.lifecycle.actions).toEqual([]);
  });
});

describe("with the history of the configured store", () => {
  it("two stored failing rounds and a confirmation: this round would propose an NTA", () => {
    const { config, configFile } = setup();
    // An absolute path in the configuration: the service and check open the same file.
    const file = config.store.path;
    const store = Store.open(file, START);
    applyRound(store, broken(START), START, config.thresholds);
    applyRound(store, broken(START + 60), START + 60, config.thresholds);
    recordManualConfirmation(
      store,
      {
        zone: ZONE,
        source: "manual",
        author: "alice",
        reference: "https://status.example/1",
        at: START + 90,
      },
      "alice",
      START + 90,
    );
    const before = store.roundCount(ZONE);
    store.close();

    const now = START + 120;
    const d = checkDecision(broken(now), config, configFile, now);
    expect(d.history).toMatchObject({ store: file, rounds: 2, confirmations: 1 });
    expect(d.preconditions.widespread).toMatchObject({ met: true, rounds: { streak: 3 } });
    expect(d.preconditions.confirmed.met).toBe(true);
    expect(d.preconditions.noSecurityValue.met).toBe(true);
    expect(d.lifecycle).toMatchObject({ phase: "degraded", next: "proposed", proposes: true });
    expect(d.lifecycle.actions).toContain("propose");

    // check reads the store and writes nothing to it.
    const again = Store.open(file, now);
    expect(again.roundCount(ZONE)).toBe(before);
    expect(again.zone(ZONE)?.state.phase).toBe("degraded");
    again.close();
  });
});
