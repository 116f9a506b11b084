/** The scheduler: one pass over every zone with jitter, errors kept per zone, cron from the interval. */
import { describe, expect, it } from "vitest";
import { Scheduler } from "../../src/probe/scheduler.js";

describe("Scheduler", () => {
  it("runs every zone once per tick after a jitter below the bound", async () => {
    const delays: number[] = [];
    const seen: string[] = [];
    const s = new Scheduler({
      intervalMs: 60_000,
      jitterMs: 5_000,
      zones: () => ["de.", "nl."],
      runRound: async (zone) => `round of ${zone}`,
      onRound: (zone, r) => {
        seen.push(`${zone}:${r}`);
      },
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await s.tick();
    expect(seen.sort()).toEqual(["de.:round of de.", "nl.:round of nl."]);
    expect(delays).toEqual([2500, 2500]);
  });

  it("keeps going when one zone's round throws", async () => {
    const errors: string[] = [];
    const done: string[] = [];
    const s = new Scheduler({
      intervalMs: 30_000,
      jitterMs: 0,
      zones: () => ["bad.", "good."],
      runRound: async (zone) => {
        if (zone === "bad.") throw new Error("boom");
        return zone;
      },
      onRound: (zone) => {
        done.push(zone);
      },
      onError: (zone) => errors.push(zone),
    });
    await s.tick();
    expect(done).toEqual(["good."]);
    expect(errors).toEqual(["bad."]);
  });

  it("follows a cron schedule made from the interval and stops cleanly", async () => {
    const s = new Scheduler({
      intervalMs: 60_000,
      jitterMs: 1_000,
      zones: () => [],
      runRound: async () => 0,
      onRound: () => {},
    });
    expect(s.expression).toBe("0 */1 * * * *");
    s.start();
    expect(s.running).toBe(true);
    await s.stop();
    expect(s.running).toBe(false);
  });

  it("refuses an interval no cron schedule keeps, or jitter over half of it", () => {
    const base = { zones: () => [], runRound: async () => 0, onRound: () => {} };
    expect(() => new Scheduler({ ...base, intervalMs: 45_000, jitterMs: 0 })).toThrow(RangeError);
    expect(() => new Scheduler({ ...base, intervalMs: 20_000, jitterMs: 15_000 })).toThrow(
      RangeError,
    );
  });
});
