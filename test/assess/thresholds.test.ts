import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS, thresholdsSchema } from "../../src/config/thresholds.js";

const WEEK = 7 * 24 * 3600;

describe("thresholds: defaults, minimums and maximums (never clamped)", () => {
  it("fills every default from an empty section", () => {
    expect(thresholdsSchema.parse({})).toEqual(DEFAULT_THRESHOLDS);
  });

  it("caps the NTA lifetime at one week, BIND's nta-lifetime ceiling (604800 s)", () => {
    expect(DEFAULT_THRESHOLDS.ntaLifetimeMaxSeconds).toBe(604800);
    expect(thresholdsSchema.safeParse({ ntaLifetimeMaxSeconds: WEEK + 1 }).success).toBe(false);
  });

  it("rejects a default lifetime above the configured maximum", () => {
    const r = thresholdsSchema.safeParse({
      ntaLifetimeMaxSeconds: 7200,
      ntaLifetimeDefaultSeconds: 86400,
    });
    expect(r.success).toBe(false);
  });

  it.each([
    ["minVantageShare", 0.4],
    ["minVantageShare", 1.1],
    ["minImplementations", 0],
    ["minImplementations", 5],
    ["minCanaryShare", 0.2],
    ["consecutiveRounds", 1],
    ["recoveryRounds", 0],
    ["confirmationMaxAgeSeconds", 60],
    ["expiryWarningSeconds", WEEK + 1],
    ["staleExpiredSeconds", 3600],
  ])("rejects %s = %s instead of clamping it", (key, value) => {
    expect(thresholdsSchema.safeParse({ [key]: value }).success).toBe(false);
  });

  it("accepts values at their bounds", () => {
    const r = thresholdsSchema.safeParse({
      minVantageShare: 0.5,
      minImplementations: 4,
      consecutiveRounds: 2,
    });
    expect(r.success).toBe(true);
  });
});
