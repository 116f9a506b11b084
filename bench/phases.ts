/**
 * Where verify-zone's time goes on the 2017 root zone, phase by phase, in
 * one process (medians over runs, so warm: start-up and first-run compiling
 * are not in these): reading the file, scanning it into columns, sorting it
 * into RRsets, making the signature tasks, and verifying them on this
 * thread, on libuv's thread pool while they are made (the default), and
 * with worker threads.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseName } from "../src/dns/name.js";
import { scanZone } from "../src/dns/zonefile-scan.js";
import { finishZone } from "../src/dnssec/zone-verifier.js";
import { verifyOnThreadPool } from "../src/dnssec/zone-verifier-async.js";
import { jobResults, prepareSignatures } from "../src/dnssec/zone-verifier-crypto.js";
import { SignaturePool } from "../src/dnssec/zone-verifier-crypto-pool.js";
import { planScan } from "../src/dnssec/zone-verifier-scan.js";
import { verifyAllHere } from "../src/dnssec/zone-verifier-tasks.js";

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
  const names = ["read", "scan", "plan", "prepare", "here", "pool", "workers", "finish"] as const;
  const t = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<
    (typeof names)[number],
    number[]
  >;
  const workers = Math.max(availableParallelism() - 1, 1);
  const pool = new SignaturePool(workers);
  for (let r = 0; r < runs; r++) {
    let s = performance.now();
    const lap = (name: (typeof names)[number]): void => {
      const e = performance.now();
      t[name].push(e - s);
      s = e;
    };
    const text = readFileSync(file, "utf8");
    lap("read");
    const scan = scanZone(text, { origin });
    if (!scan) throw new Error(`${file}: the scanner refused it`);
    lap("scan");
    const plan = planScan(scan, { origin, now });
    lap("plan");
    const prepared = prepareSignatures(plan);
    lap("prepare");
    const verdicts = verifyAllHere(prepared.tasks);
    lap("here");
    const results = jobResults(plan, prepared, verdicts);
    finishZone(plan, results);
    lap("finish");
    await verifyOnThreadPool(plan);
    lap("pool");
    await pool.verify(prepared.tasks);
    lap("workers");
  }
  await pool.close();
  const signatures = "2,950 RRSIGs";
  return [
    { name: "read the file", medianMs: median(t.read) },
    { name: "scan into columns (zonefile-scan.ts scanZone)", medianMs: median(t.scan) },
    { name: "sort into RRsets, find cuts (planScan)", medianMs: median(t.plan) },
    { name: `make the ${signatures}' tasks (prepareSignatures)`, medianMs: median(t.prepare) },
    { name: "verify the tasks, this thread only (--threads 0)", medianMs: median(t.here) },
    { name: "results and report (jobResults, finishZone)", medianMs: median(t.finish) },
    {
      name: "make and verify the tasks on libuv's thread pool (default)",
      medianMs: median(t.pool),
    },
    {
      name: `verify the tasks, this thread + ${workers} worker(s) (--threads ${workers})`,
      medianMs: median(t.workers),
    },
  ];
}
