import { describe, expect, it } from "vitest";
import { buildTimelineReport, formatDuration } from "../../src/lifecycle/timeline.js";
import type { Milestone, TimelineEntry } from "../../src/lifecycle/types.js";

const T0 = Date.UTC(2026, 4, 5, 10, 0, 0) / 1000;
const entry = (
  offset: number,
  milestone: Milestone,
  summary: string = milestone,
  actor = "nta-watch",
): TimelineEntry => ({
  incidentId: "de.@2026-05-05T10:00:00Z",
  zone: "de.",
  at: T0 + offset,
  milestone,
  actor,
  summary,
});

describe("incident timeline: durations as people read them", () => {
  it.each([
    [0, "0 s"],
    [45, "45 s"],
    [60, "1 min"],
    [725, "12 min 5 s"],
    [3600, "1 h"],
    [2 * 3600 + 47 * 60, "2 h 47 min"],
    [13 * 3600, "13 h"],
    [3 * 86400 + 4 * 3600 + 59, "3 d 4 h"],
  ])("writes %i s as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("refuses a negative duration", () => {
    expect(() => formatDuration(-1)).toThrow();
  });
});

describe("incident timeline: report from the entries of one incident", () => {
  // DESIGN: the first large operator needed 2 h 47 min from the .de failure to an NTA in place.
  const deployed = 2 * 3600 + 47 * 60;
  const entries = [
    entry(0, "first-failure"),
    entry(600, "widespread"),
    entry(900, "confirmation", "DENIC status page | incident 42"),
    entry(900, "proposal"),
    entry(1200, "approval", "approved", "alice"),
    entry(deployed, "deployment"),
    entry(deployed + 3600, "recovery-seen"),
    entry(deployed + 3600 + 900, "retraction"),
    entry(deployed + 3600 + 1200, "closed"),
  ];
  const { json, markdown } = buildTimelineReport([
    // Out of order, but entries of the same second keep the order they were recorded in.
    ...entries.slice(5),
    ...entries.slice(0, 5),
  ]);

  it("orders the rows by time and gives each its offset from the start and from the row before", () => {
    expect(json.rows.map((r) => r.milestone)).toEqual(entries.map((e) => e.milestone));
    expect(json.rows[4]).toMatchObject({ sinceStart: 1200, sincePrevious: 300, actor: "alice" });
    expect(json.startedAt).toBe(T0);
    expect(json.endedAt).toBe(T0 + deployed + 4800);
  });

  it("computes the durations between milestones", () => {
    const d = Object.fromEntries(json.durations.map((x) => [`${x.from}>${x.to}`, x.seconds]));
    expect(d["first-failure>widespread"]).toBe(600);
    expect(d["first-failure>proposal"]).toBe(900);
    expect(d["proposal>approval"]).toBe(300);
    expect(d["approval>deployment"]).toBe(deployed - 1200);
    expect(d["first-failure>deployment"]).toBe(deployed);
    expect(d["recovery-seen>retraction"]).toBe(900);
    expect(d["first-failure>closed"]).toBe(deployed + 4800);
  });

  it("writes Markdown with a table and the durations in words", () => {
    expect(markdown).toContain("# Incident de.@2026-05-05T10:00:00Z");
    expect(markdown).toContain("- first failure to NTA in place: 2 h 47 min");
    expect(markdown).toContain("| 2026-05-05T12:47:00Z | 2 h 47 min | deployment |");
    expect(markdown).toContain("DENIC status page \\| incident 42");
  });

  it("leaves out durations whose milestones did not happen", () => {
    const short = buildTimelineReport([entry(0, "first-failure"), entry(300, "closed")]);
    expect(short.json.durations.map((d) => d.label)).toEqual(["whole incident"]);
  });

  it("refuses no entries, and entries of several incidents", () => {
    expect(() => buildTimelineReport([])).toThrow();
    expect(() =>
      buildTimelineReport([
        entry(0, "first-failure"),
        { ...entry(1, "closed"), incidentId: "other" },
      ]),
    ).toThrow(/one incident/);
  });
});
