/**
 * RRSIG validity windows with RFC 1982 serial arithmetic (RFC 4034 §3.1.5):
 * the expected values are the RFC's rules applied by hand to times around
 * the 2038 and 2106 wraps.
 */
import { describe, expect, it } from "vitest";
import { checkSignatureWindow, serialCompare, serialToTime } from "../../src/dnssec/serial-time.js";

const Y2038 = 2 ** 31; // 2038-01-19T03:14:08Z
const Y2106 = 2 ** 32; // 2106-02-07T06:28:16Z

describe("RFC 1982 §3.2: serial number comparison", () => {
  it.each([
    [1, 0, 1],
    [0, 1, -1],
    [5, 5, 0],
    [0, 2 ** 32 - 1, 1], // 0 follows 4294967295
    [2 ** 32 - 1, 0, -1],
    [2 ** 31 - 1, 0, 1],
    [2 ** 31 + 1, 0, -1],
  ])("compare(%i, %i) is %i", (a, b, want) => {
    expect(serialCompare(a, b)).toBe(want);
  });

  it("is undefined for values exactly 2^31 apart", () => {
    expect(serialCompare(2 ** 31, 0)).toBeUndefined();
    expect(serialCompare(7, 2 ** 31 + 7)).toBeUndefined();
  });
});

describe("RFC 4034 §3.1.5: serial times read relative to now", () => {
  it("a time after the 2106 wrap is read as after, from just before it", () => {
    expect(serialToTime(100, Y2106 - 50)).toBe(Y2106 + 100);
  });

  it("a time before the 2106 wrap is read as before, from just after it", () => {
    expect(serialToTime(2 ** 32 - 100, Y2106 + 50)).toBe(Y2106 - 100);
  });

  it("times across 2038 need no special case (unsigned 32-bit)", () => {
    expect(serialToTime(Y2038 + 10, Y2038 - 10)).toBe(Y2038 + 10);
  });
});

describe("RFC 4035 §5.3.1: the validity window", () => {
  it.each([
    ["2038", Y2038 - 100, Y2038 + 100, Y2038],
    ["2106", 2 ** 32 - 100, 100, Y2106],
    ["2106 and later", 50, 200, Y2106 + 100],
  ])(
    "a window around %s: valid inside, expired after, not yet valid before",
    (_when, inc, exp, mid) => {
      const span = (exp - inc + 2 ** 32) % 2 ** 32;
      const start = mid - ((mid - inc + 2 ** 32) % 2 ** 32);
      expect(checkSignatureWindow(inc, exp, mid).status).toBe("valid");
      expect(checkSignatureWindow(inc, exp, start).status).toBe("valid"); // inception included
      expect(checkSignatureWindow(inc, exp, start + span).status).toBe("valid"); // expiration included
      expect(checkSignatureWindow(inc, exp, start + span + 1).status).toBe("expired");
      expect(checkSignatureWindow(inc, exp, start - 1).status).toBe("not-yet-valid");
    },
  );

  it("reports absolute times past 2106 for a window that wraps", () => {
    const w = checkSignatureWindow(2 ** 32 - 100, 100, Y2106);
    expect(w).toEqual({ status: "valid", inception: Y2106 - 100, expiration: Y2106 + 100 });
  });

  it("an expiration before the inception is an inverted window, whatever the time", () => {
    expect(checkSignatureWindow(2000, 1000, 1500).status).toBe("inverted");
    expect(checkSignatureWindow(100, 2 ** 32 - 100, Y2106).status).toBe("inverted");
  });

  it("skew widens the window on both sides", () => {
    expect(checkSignatureWindow(1000, 2000, 2050, 60).status).toBe("valid");
    expect(checkSignatureWindow(1000, 2000, 950, 60).status).toBe("valid");
    expect(checkSignatureWindow(1000, 2000, 2061, 60).status).toBe("expired");
  });

  it("a negative skew or a non-finite time is misuse", () => {
    expect(() => checkSignatureWindow(1, 2, 1, -1)).toThrow(RangeError);
    expect(() => checkSignatureWindow(1, 2, Number.NaN)).toThrow(RangeError);
  });
});
