import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readExclusions, runScenario } from "./deckard-run.js";

const dir = fileURLToPath(new URL("../fixtures/deckard/", import.meta.url));
const excluded = readExclusions(
  readFileSync(fileURLToPath(new URL("./EXCLUDED.md", import.meta.url)), "utf8"),
);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".rpl"))
  .sort();

describe("Deckard validation scenarios replayed through the evidence gatherer", () => {
  it("lists only scenarios that exist among the exclusions, each with a reason", () => {
    for (const [file, reason] of excluded) {
      expect(files, file).toContain(file);
      expect(reason.length, file).toBeGreaterThan(10);
    }
  });

  for (const file of files) {
    const why = excluded.get(file);
    if (why) {
      it.skip(`${file} (excluded: ${why})`, () => {});
      continue;
    }
    it(`${file} gives the verdict the scenario expects at every step`, async () => {
      const r = await runScenario(dir + file);
      expect(r.ok, r.reason).toBe(true);
    });
  }
});
