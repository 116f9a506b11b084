/**
 * The configuration reference (docs/configuration.md) against the zod
 * schema: every key the schema accepts is described, every described key
 * exists, and the document's table is what the schema gives today.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import {
  BEGIN,
  END,
  configKeys,
  configReferenceTable,
  referenceGaps,
} from "../../src/config/reference.js";

/** Table rows as trimmed cells, so that column padding does not matter. */
function rows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

const doc = readFileSync("docs/configuration.md", "utf8");
const generated = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));

describe("the configuration reference covers the schema", () => {
  it("describes every key the schema accepts", () => {
    expect(referenceGaps().undescribed).toEqual([]);
  });

  it("describes no key the schema lacks", () => {
    expect(referenceGaps().unused).toEqual([]);
  });

  it("has the table the schema gives today in docs/configuration.md", () => {
    expect(rows(generated)).toEqual(rows(configReferenceTable()));
  });

  it("lists each top-level section of the schema", () => {
    const top = Object.keys(configSchema.shape);
    const listed = new Set(configKeys().map((k) => k.key));
    expect(top.filter((k) => !listed.has(k))).toEqual([]);
  });
});

describe("the reference's defaults and bounds are the schema's", () => {
  // Each default shown is what an empty section parses to.
  const minimal = { vantages: [{ name: "v", address: "127.0.0.1", software: "other" }] };
  const parsed = configSchema.parse(minimal) as unknown as Record<string, Record<string, unknown>>;
  const byKey = new Map(configKeys().map((k) => [k.key, k]));

  it("shows probe.retries with the default an empty file gets", () => {
    expect(byKey.get("probe.retries")!.default).toBe(JSON.stringify(parsed.probe!.retries));
  });

  it("shows a duration's bounds that the schema enforces at both ends", () => {
    const [lo, hi] = byKey.get("probe.timeout")!.bounds.split(" to ");
    const at = (timeout: string) =>
      configSchema.safeParse({ ...minimal, probe: { timeout } }).success;
    expect([at(lo!), at(hi!)]).toEqual([true, true]);
    expect(at("99ms")).toBe(false);
    expect(at("31s")).toBe(false);
  });

  it("shows a number's bounds that the schema enforces at both ends", () => {
    const [lo, hi] = byKey.get("thresholds.minVantageShare")!.bounds.split(" to ").map(Number);
    const at = (minVantageShare: number) =>
      configSchema.safeParse({ ...minimal, thresholds: { minVantageShare } }).success;
    expect([at(lo!), at(hi!), at(lo! - 0.01), at(hi! + 0.01)]).toEqual([true, true, false, false]);
  });
});
