/**
 * Where verify-zone's time goes on the 2017 root zone, phase by phase, in
 * one process (medians over runs): reading the file, parsing it, sorting it
 * into RRsets, and verifying, on this thread alone and with worker threads.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseName } from "../src/dns/name.js";
import { parseZone } from "../src/dns/zonefile.js";
import { checkJob, planZone } from "../src/dnssec/zone-verifier.js";
import { VerifierPool } from "../src/dnssec/zone-verifier-parallel.js";

export interface Phase {
  name: string;
  medianMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export async function phases(file: string, runs: number): Promise<Phase[]> {
  const origin = parseName(".");
  const now = Date.parse("2017-08-25T00:00:00Z") / 1000;
  const t: Record<string, number[]> = { read: [], parse: [], plan: [], verify1: [], verifyN: [] };
  const workers = Math.max(availableParallelism() - 1, 1);
  const pool = new VerifierPool(workers);
  for (let r = 0; r < runs; r++) {
    let s = performance.now();
    const text = readFileSync(file, "utf8");
    t["read"]!.push(performance.now() - s);
    s = performance.now();
    const zone = parseZone(text, { origin });
    t["parse"]!.push(performance.now() - s);
    if (!zone.ok) throw new Error(zone.error.message);
    s = performance.now();
    const plan = planZone(zone.records, { origin, now });
    t["plan"]!.push(performance.now() - s);
    s = performance.now();
    for (const job of plan.jobs) checkJob(job, plan.zoneKeys, plan);
    t["verify1"]!.push(performance.now() - s);
    s = performance.now();
    await pool.run(plan);
    t["verifyN"]!.push(performance.now() - s);
  }
  await pool.close();
  return [
    { name: "read the file", medianMs: median(t["read"]!) },
    { name: "parse (zonefile.ts parseZone)", medianMs: median(t["parse"]!) },
    { name: "sort into RRsets, find cuts (planZone)", medianMs: median(t["plan"]!) },
    { name: "verify 2,950 RRSIGs, this thread only", medianMs: median(t["verify1"]!) },
    { name: `verify, this thread + ${workers} worker(s)`, medianMs: median(t["verifyN"]!) },
  ];
}
