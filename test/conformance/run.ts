/**
 * `npm run conformance`: runs every Deckard scenario in test/fixtures/deckard
 * against the evidence gatherer and prints one line per scenario, then
 * `deckard: P passed, F failed, E excluded of N`. Exits 1 when any
 * scenario that is not excluded fails. A file name as argument runs that
 * scenario alone and prints each step.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readExclusions, readStepExclusions, runScenario } from "./deckard-run.js";

const dir = fileURLToPath(new URL("../fixtures/deckard/", import.meta.url));
const exclusionText = readFileSync(new URL("./EXCLUDED.md", import.meta.url), "utf8");
const excluded = readExclusions(exclusionText);
const excludedSteps = readStepExclusions(exclusionText);
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".rpl"))
  .filter((f) => !only || f === only)
  .sort();

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const why = excluded.get(file);
  if (why && !only) {
    skipped++;
    console.log(`${file}\texcluded\t${why}`);
    continue;
  }
  let line: string;
  try {
    const r = await runScenario(dir + file, excludedSteps.get(file));
    if (r.ok) passed++;
    else failed++;
    line = `${file}\t${r.ok ? "pass" : "fail"}\t${r.reason}`;
    if (only)
      for (const s of r.steps)
        console.log(
          `  step ${s.step} ${s.question}: ${s.excluded ? "excluded" : s.ok ? "ok" : "FAIL"} ${s.excluded ?? s.detail}`,
        );
  } catch (e) {
    failed++;
    line = `${file}\tfail\terror: ${(e as Error).stack ?? String(e)}`;
  }
  console.log(line);
}
console.log(`deckard: ${passed} passed, ${failed} failed, ${skipped} excluded of ${files.length}`);
process.exitCode = failed > 0 ? 1 : 0;
