import { describe, expect, it } from "vitest";
import { assessConfirmed, confirmationsFromRound } from "../../src/assess/confirmed.js";
import type { Confirmation } from "../../src/assess/types.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { makeRound, recursive, utc, VANTAGES } from "./synthetic.js";

const NOW = utc(2026, 7, 3, 10);
const HOUR = 3600;
const manual = (extra: Partial<Confirmation> = {}): Confirmation => ({
  zone: "al.",
  source: "manual",
  author: "oncall@example.net",
  reference: "https://status.example.al/incidents/1",
  at: NOW - HOUR,
  ...extra,
});

describe("confirmed: one valid, unexpired confirmation for the zone (DESIGN, precondition 2)", () => {
  it("is met by a person's confirmation with a reference", () => {
    const p = assessConfirmed("al.", [manual()], NOW, T);
    expect(p.met).toBe(true);
    expect(p.evidence.summary).toContain("https://status.example.al/incidents/1");
  });

  it("matches the zone without regard to case or the trailing dot", () => {
    expect(assessConfirmed("al.", [manual({ zone: "AL" })], NOW, T).met).toBe(true);
  });

  it("ignores confirmations of other zones", () => {
    const p = assessConfirmed("al.", [manual({ zone: "de." })], NOW, T);
    expect(p.met).toBe(false);
    expect(p.evidence.summary).toBe("no confirmation recorded");
  });

  it.each([
    ["without a reference", manual({ reference: " " }), "no reference"],
    ["without an author", manual({ author: "" }), "no author"],
    ["dated in the future", manual({ at: NOW + 60 }), "future"],
    [
      "older than the maximum age",
      manual({ at: NOW - T.confirmationMaxAgeSeconds - 1 }),
      "older than",
    ],
    ["past its own expiry", manual({ expiresAt: NOW }), "expired"],
  ])("sets aside a confirmation %s and says why", (_name, c, why) => {
    const p = assessConfirmed("al.", [c], NOW, T);
    expect(p.met).toBe(false);
    expect(p.evidence.figures.rejected[0]?.why).toContain(why);
  });

  it("accepts a confirmation exactly at the maximum age", () => {
    expect(
      assessConfirmed("al.", [manual({ at: NOW - T.confirmationMaxAgeSeconds })], NOW, T).met,
    ).toBe(true);
  });

  it.each(["statuspage", "feed", "peer-nta"] as const)(
    "accepts the configured source %s",
    (source) => {
      expect(
        assessConfirmed("al.", [manual({ source, author: `${source} reader` })], NOW, T).met,
      ).toBe(true);
    },
  );
});

describe("confirmed: vantages answering under an NTA (EDE, draft-farrokhi-dnsop-ede-nta)", () => {
  const code = T.confirmingEdeCodes[0]!;
  const peer = recursive("peer-quad", "other", { operator: "a peer operator" });
  const ours = recursive("our-unbound", "unbound", { managed: true });

  it("turns each non-managed vantage answering with the NTA code into one confirmation", () => {
    const round = makeRound({
      zone: "al.",
      at: NOW,
      vantages: [...VANTAGES, peer],
      watched: (v) =>
        v.kind === "recursive" && v.name === "peer-quad"
          ? { user: { rcode: "NOERROR", ad: false, ede: [{ code, text: "NTA in effect" }] } }
          : {},
    });
    const found = confirmationsFromRound(round, T);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      zone: "al.",
      source: "ede-nta",
      author: "peer-quad (a peer operator)",
      at: NOW,
    });
    expect(found[0]?.reference).toContain(`EDE ${code}`);
    expect(assessConfirmed("al.", found, NOW, T).met).toBe(true);
  });

  it("ignores the NTA code from resolvers this watcher manages (our own NTA echoed back)", () => {
    const round = makeRound({
      zone: "al.",
      at: NOW,
      vantages: [ours],
      watched: () => ({ user: { rcode: "NOERROR", ad: false, ede: [{ code }] } }),
    });
    expect(confirmationsFromRound(round, T)).toEqual([]);
  });

  it("ignores other EDE codes", () => {
    const round = makeRound({
      zone: "al.",
      at: NOW,
      vantages: [peer],
      watched: () => ({ user: { rcode: "SERVFAIL", ad: false, ede: [{ code: 9 }] } }),
    });
    expect(confirmationsFromRound(round, T)).toEqual([]);
  });
});
