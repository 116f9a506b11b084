/**
 * Probe engine benchmark: N zones x 4 vantages x 5 canaries, the recursive
 * probes of one scheduler pass, against the lab's four resolvers (the lab is
 * started here, or reused, under the lab's lock: bench/probe-lab.ts). Every
 * "zone" probes the lab's watched TLD again (its own round, its own key
 * caches, its own random NXDOMAIN name), so the resolvers answer from cache
 * and what is measured is the watcher's own cost: CPU, resident memory and
 * queries per second. The goal (issue 4): 1,500 zones every minute under
 * 25 % of one core and 200 MB resident.
 *
 * A pass is what the scheduler does each interval (scheduler.ts): every zone
 * starts after its own random delay of up to the jitter (5 s by default),
 * all on the engine's one semaphore (64 probes at once by default). The CPU
 * share is the pass's CPU time over the one-minute interval. Each size runs
 * in a process of its own on the compiled code (bench/probe-pass.js).
 *
 *   npm run bench -- probe [ZONES...]     (default 100 500 1500; needs root)
 *   npx tsx bench/probe.ts [ZONES...]     (after npm run build)
 *
 * Options: BENCH_PASSES=3 (passes per size, back to back; CPU and queries
 * are the last pass's, once warm, peak RSS the highest of all passes), BENCH_UDP_POOL=off (a fresh UDP socket per query, as
 * before the pool), LAB_NET / LAB_DIR (another lab, as for lab.sh).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { withLab } from "./probe-lab.js";

/** What bench/probe-pass.js prints for one pass. */
export interface ProbePassResult {
  zones: number;
  vantages: number;
  canaries: number;
  probes: number;
  /** Messages sent, UDP and TCP. */
  queries: number;
  tcpQueries: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** CPU share of one core when this pass runs once a minute. */
  cpuPercentPerMinute: number;
  /** Over the pass's wall time, which the jitter (5 s) dominates for small passes. */
  queriesPerSecond: number;
  /** Queries per second of CPU time: the throughput one core would give. */
  queriesPerCpuSecond: number;
  /** Peak resident memory during the pass, MB (10^6 octets). */
  peakRssMb: number;
  /** Resident memory before the pass: the process with its modules loaded. */
  startRssMb: number;
  /** Peak V8 heap (allocated) during the pass, MB. */
  peakHeapMb: number;
  verdicts: Record<string, number>;
}

const PASS = fileURLToPath(new URL("probe-pass.js", import.meta.url));
const DIST = fileURLToPath(new URL("../dist/probe/engine.js", import.meta.url));

/** Runs `passes` passes of `zones` zones in a process of its own; the results of each pass. */
export function runSize(
  config: string,
  zones: number,
  passes: number,
  pool: boolean,
): ProbePassResult[] {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", PASS, config, String(zones), String(passes), pool ? "pool" : "no-pool"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ProbePassResult);
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Measures each size on the lab and prints a Markdown table. */
export async function benchProbe(sizes: number[]): Promise<void> {
  if (!existsSync(DIST)) throw new Error("no dist/: run npm run build (npm run bench does)");
  const passes = Number(process.env["BENCH_PASSES"] ?? 3);
  const pool = process.env["BENCH_UDP_POOL"] !== "off";
  await withLab(async (config) => {
    console.log(`## Probe passes on the lab (UDP socket pool ${pool ? "on" : "off"})`);
    console.log();
    console.log(
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average at start ${load()}`,
    );
    console.log();
    // CPU and queries of the last pass (warm), resident memory the highest of all passes:
    // the service runs pass after pass, and the heap a pass leaves is where the next starts.
    const rows = sizes.map((zones) => {
      const results = runSize(config, zones, passes, pool);
      const peakRssMb = Math.max(...results.map((r) => r.peakRssMb));
      return { ...results.at(-1)!, peakRssMb };
    });
    console.log(
      "| zones × vantages × canaries | queries | wall s | queries/s | queries per CPU s | CPU s | % of a core per minute | peak RSS MB |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
      console.log(
        `| ${r.zones} × ${r.vantages} × ${r.canaries} | ${r.queries} | ${r.wallSeconds} | ${r.queriesPerSecond} | ${r.queriesPerCpuSecond} | ${r.cpuSeconds} | ${r.cpuPercentPerMinute} | ${r.peakRssMb} |`,
      );
    }
    console.log();
    for (const r of rows) {
      console.log(
        `- ${r.zones} zones: ${r.startRssMb} MB resident before the pass, V8 heap up to ${r.peakHeapMb} MB, ` +
          `${r.tcpQueries} queries over TCP, verdicts ${JSON.stringify(r.verdicts)}`,
      );
    }
    console.log(`- load average at end ${load()}`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const sizes = args.length > 0 ? args.map(Number) : [100, 500, 1500];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error("usage: npx tsx bench/probe.ts [ZONES...]   (default 100 500 1500)");
    process.exit(2);
  }
  benchProbe(sizes).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
