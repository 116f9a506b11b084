/**
 * An incident still open has no end: its report says so instead of giving
 * the latest entry as the end (an open incident of one entry read
 * "from T to T (0 s)"), in the Markdown and in the JSON (`open: true`,
 * `endedAt: null`; endedAt was the latest entry's time).
 */

import { describe, expect, it } from "vitest";
import { buildTimelineReport } from "../../src/lifecycle/timeline.js";
import type { Milestone, TimelineEntry } from "../../src/lifecycle/types.js";

const T0 = Date.UTC(2026, 11, 4, 5, 38, 10) / 1000;
const entry = (offset: number, milestone: Milestone): TimelineEntry => ({
  incidentId: "de.@2026-12-04T05:38:10Z",
  zone: "de.",
  at: T0 + offset,
  milestone,
  actor: "nta-watch",
  summary: milestone,
});

describe("incident report header", () => {
  it("an open incident of one entry: still open, no end time", () => {
    const { markdown } = buildTimelineReport([entry(0, "first-failure")]);
    expect(markdown).toContain(
      "Zone `de.`, from 2026-12-04T05:38:10Z, still open: the latest entry at " +
        "2026-12-04T05:38:10Z (0 s after the start).",
    );
    expect(markdown).not.toContain(" to 2026-12-04T05:38:10Z");
  });

  it("an open incident with later entries: the latest one and how long after the start", () => {
    const { markdown } = buildTimelineReport([entry(0, "first-failure"), entry(125, "widespread")]);
    expect(markdown).toContain(
      "still open: the latest entry at 2026-12-04T05:40:15Z (2 min 5 s after the start).",
    );
  });

  it("a closed incident: from the first failure to the close, with its length", () => {
    const { markdown } = buildTimelineReport([
      entry(0, "first-failure"),
      entry(3600, "recovery-seen"),
      entry(3600, "closed"),
    ]);
    expect(markdown).toContain(
      "Zone `de.`, from 2026-12-04T05:38:10Z to 2026-12-04T06:38:10Z (1 h).",
    );
  });
});

describe("incident report JSON", () => {
  it("an open incident: open, endedAt null, the latest entry in latestAt", () => {
    const { json } = buildTimelineReport([entry(0, "first-failure"), entry(125, "widespread")]);
    expect(json).toMatchObject({ startedAt: T0, open: true, endedAt: null, latestAt: T0 + 125 });
  });

  it("a closed incident: ended at its closed milestone", () => {
    const { json } = buildTimelineReport([
      entry(0, "first-failure"),
      entry(3000, "recovery-seen"),
      entry(3600, "closed"),
    ]);
    expect(json).toMatchObject({ open: false, endedAt: T0 + 3600, latestAt: T0 + 3600 });
  });
});
