import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readExclusions, readStepExclusions, runScenario } from "./deckard-run.js";
import { parseScenario } from "../support/rpl.js";

const dir = fileURLToPath(new URL("../fixtures/deckard/", import.meta.url));
const exclusionText = readFileSync(
  fileURLToPath(new URL("./EXCLUDED.md", import.meta.url)),
  "utf8",
);
const excluded = readExclusions(exclusionText);
const excludedSteps = readStepExclusions(exclusionText);
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

  it("excludes only steps that are queries of scenarios that run, each with a reason", () => {
    for (const [file, steps] of excludedSteps) {
      expect(files, file).toContain(file);
      expect(excluded.has(file), file).toBe(false);
      const scenario = parseScenario(readFileSync(dir + file, "latin1"));
      for (const [step, reason] of steps) {
        const found = scenario.steps.find((s) => s.id === step);
        expect(found?.kind, `${file} step ${step}`).toBe("QUERY");
        expect(reason.length, `${file} step ${step}`).toBeGreaterThan(10);
      }
    }
  });

  for (const file of files) {
    const why = excluded.get(file);
    if (why) {
      it.skip(`${file} (excluded: ${why})`, () => {});
      continue;
    }
    it(`${file} gives the verdict the scenario expects at every step`, async () => {
      const r = await runScenario(dir + file, excludedSteps.get(file));
      expect(r.ok, r.reason).toBe(true);
    });
  }
});
