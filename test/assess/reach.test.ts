/**
 * RFC 4035 §4.3: a round that reached nothing is indeterminate, and says why
 * in words (how many paths, and how each failed). A round in which anything
 * answered is not "unreachable". The status line is logged once per zone
 * when it turns unknown and once when the zone answers again.
 */

import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { assessZone } from "../../src/assess/assess.js";
import { reachOf, unreachableSummary } from "../../src/assess/reach.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { ReachLog } from "../../src/service/reach-log.js";
import { makeRound, unreachable, VANTAGES } from "./synthetic.js";

const AT = Date.UTC(2026, 4, 5, 12) / 1000;
const silent = () => unreachable;

function assess(round: ReturnType<typeof makeRound>) {
  return assessZone(
    { zone: round.zone, rounds: [round], confirmations: [], lastKnownGood: {}, now: AT },
    T,
  );
}

describe("RFC 4035 §4.3: nothing reachable is indeterminate, with the reason", () => {
  it("counts every vantage and authoritative server as silent, by why", () => {
    const round = makeRound({ zone: "de.", at: AT, watched: silent });
    const r = reachOf(round);
    expect(r.none).toBe(true);
    expect(r.vantages).toEqual({
      total: VANTAGES.length,
      reachable: 0,
      silent: { timeout: VANTAGES.length },
    });
    expect(r.authoritatives).toEqual({ total: 4, reachable: 0, silent: { timeout: 4 } });
    const n = VANTAGES.length;
    expect(unreachableSummary(round)).toBe(
      `no vantage reachable (${n} of ${n} timed out), no authoritative server reachable (4 of 4 timed out)`,
    );
  });

  it("names the refusals apart from the timeouts", () => {
    const round = makeRound({ zone: "de.", at: AT, watched: silent });
    const first = VANTAGES[0]!.name;
    for (const o of round.observations) {
      if (o.vantage.kind === "recursive" && o.vantage.name === first)
        o.error = { kind: "refused", message: "port unreachable" };
    }
    const n = VANTAGES.length;
    expect(unreachableSummary(round)).toMatch(
      new RegExp(`^no vantage reachable \\(${n - 1} of ${n} timed out, 1 of ${n} refused\\)`),
    );
  });

  it("an assessment of such a round is unknown, with the summary as its note", () => {
    const round = makeRound({ zone: "de.", at: AT, watched: silent });
    const a = assess(round);
    expect(a.status).toBe("unknown");
    expect(a.statusNote).toBe(unreachableSummary(round));
  });

  it("one authoritative server answering is enough: not unreachable", () => {
    const round = makeRound({
      zone: "de.",
      at: AT,
      watched: (v) => (v.kind === "authoritative" && v.address === "192.0.2.1" ? {} : unreachable),
    });
    expect(reachOf(round).none).toBe(false);
    expect(unreachableSummary(round)).toBeUndefined();
    expect(assess(round).statusNote).toBeUndefined();
  });
});

describe("the unknown status in the log", () => {
  it("warns once when a zone turns unknown and says once when it answers again", () => {
    const lines: { level: number; msg: string }[] = [];
    const log = new ReachLog(
      pino(
        { level: "info" },
        { write: (l: string) => void lines.push(JSON.parse(l) as (typeof lines)[0]) },
      ),
    );
    const down = assess(makeRound({ zone: "de.", at: AT, watched: silent }));
    const up = assess(makeRound({ zone: "de.", at: AT }));
    for (const a of [down, down, down, up, up, down]) log.round(a);
    expect(lines.map((l) => [l.level, l.msg.split(":")[0]])).toEqual([
      [40, "de. unknown"],
      [30, "de. healthy"],
      [40, "de. unknown"],
    ]);
  });
});
