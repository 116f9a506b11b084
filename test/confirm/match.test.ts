/**
 * Matching items of a status page or feed to zones, and a person's
 * confirmation through the API.
 */

import { describe, expect, it } from "vitest";
import { manualConfirmation } from "../../src/confirm/manual.js";
import { mentionsKeyword, mentionsZone, zonesConfirmed } from "../../src/confirm/match.js";

describe("a text mentions a zone when its name stands on its own", () => {
  it.each([
    ["DNSSEC failures for .de domains", "de.", true],
    ["(.DE) resolution broken", "de.", true],
    ["problems with .de.", "de.", true],
    ["nic.de is down", "de.", false],
    ["the .dev registry", "de.", false],
    ["de is fine", "de.", false],
    ["example.com fails validation", "example.com.", true],
    ["www.example.com fails", "example.com.", false],
    ["notexample.com fails", "example.com.", false],
    ["example.com.au fails", "example.com.", false],
    ["ошибка DNSSEC в зоне .рф", "xn--p1ai.", true],
    [".xn--p1ai signatures", "xn--p1ai.", true],
  ])("%j and %s: %s", (text, zone, expected) => {
    expect(mentionsZone(text, zone)).toBe(expected);
  });

  it("keywords match case-insensitively; no keywords configured means any text", () => {
    expect(mentionsKeyword("dnssec trouble", ["DNSSEC"])).toBe(true);
    expect(mentionsKeyword("portal down", ["DNSSEC"])).toBe(false);
    expect(mentionsKeyword("portal down", [])).toBe(true);
  });

  it("an item confirms the zones it names, or the source's own, only with a keyword", () => {
    const rule = { ownZones: ["se."], keywords: ["DNSSEC"] };
    expect(zonesConfirmed("DNSSEC issue at .nu", ["nu.", "se.", "de."], rule)).toEqual([
      "nu.",
      "se.",
    ]);
    expect(zonesConfirmed("office move at .nu", ["nu.", "se."], rule)).toEqual([]);
  });
});

describe("a person's confirmation", () => {
  const base = { zone: "de.", author: "alice", now: 1_000_000 };

  it("keeps a URL or a quoted text as the reference, with the person and the time", () => {
    const url = manualConfirmation({ ...base, reference: " https://status.denic.example/x " });
    expect(url).toEqual({
      ok: true,
      confirmation: {
        zone: "de.",
        source: "manual",
        author: "alice",
        reference: "https://status.denic.example/x",
        at: 1_000_000,
      },
    });
    const text = manualConfirmation({
      ...base,
      reference: 'DENIC NOC on the phone, 10:12: "rollover failed"',
      expiresInSeconds: 3600,
    });
    expect(text.ok && text.confirmation.expiresAt).toBe(1_003_600);
  });

  it("refuses an empty reference, a non-web URL, an overlong text and a bad expiry", () => {
    expect(manualConfirmation({ ...base, reference: "  " }).ok).toBe(false);
    expect(manualConfirmation({ ...base, reference: "javascript:alert(1)" }).ok).toBe(false);
    expect(manualConfirmation({ ...base, reference: "x".repeat(2001) }).ok).toBe(false);
    expect(manualConfirmation({ ...base, reference: "ok", expiresInSeconds: 0 }).ok).toBe(false);
    expect(manualConfirmation({ ...base, author: "", reference: "ok" }).ok).toBe(false);
  });
});
