/**
 * Probe engine benchmark: N zones x M vantages x the derived canaries, the
 * recursive probes of one pass, against running resolvers (the lab's by
 * default). Every "zone" probes the lab's watched TLD again, so resolvers
 * answer from cache and what is measured is the watcher's own cost: CPU,
 * resident memory and queries per second. The goal (issue 4): 1,500 zones,
 * 4 vantages, 5 canaries each per minute under 25 % of one core and 200 MB.
 *
 *   npx tsx bench/probe.ts [ZONES] [CONFIG]     (default 100 zones, a lab config)
 *
 * `benchProbe` is exported for bench/run.* to call.
 */
import { loadConfig, loadTrustAnchors, formatConfigErrors } from "../src/config/load.js";
import { ProbeEngine } from "../src/probe/engine.js";
import type { Observation } from "../src/probe/observation.js";

export interface ProbeBenchResult {
  zones: number;
  vantages: number;
  canaries: number;
  probes: number;
  queries: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** CPU share of one core if this pass ran once a minute. */
  cpuPercentPerMinute: number;
  queriesPerSecond: number;
  peakRssMb: number;
  verdicts: Record<string, number>;
}

/** One pass over `zones` copies of `zone` from every configured vantage (no authoritative probes). */
export async function benchProbe(
  configFile: string,
  options: { zones: number; zone?: string },
): Promise<ProbeBenchResult> {
  const loaded = await loadConfig(configFile);
  if (!loaded.ok) throw new Error(formatConfigErrors(loaded));
  const anchors = await loadTrustAnchors(loaded.config, loaded.file);
  if (!anchors.ok)
    throw new Error(formatConfigErrors({ file: loaded.file, errors: anchors.errors }));
  const engine = new ProbeEngine(loaded.config, anchors.anchors);
  const zone = options.zone ?? loaded.config.zones[0]?.name ?? "watched.";
  const noServers = { zone, servers: [], verdict: { security: "secure" as const }, at: 0 };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const { runRound } = await import("../src/probe/round.js");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rounds = await Promise.all(
    Array.from({ length: options.zones }, () => {
      const plan = { ...engine.plan(zone, noServers), control: [] };
      return runRound(engine.ctx, plan, engine.semaphore);
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const observations: Observation[] = rounds.flatMap((r) => r.observations);
  const verdicts: Record<string, number> = {};
  for (const o of observations)
    verdicts[o.verdict.security] = (verdicts[o.verdict.security] ?? 0) + 1;
  // One CD=0 query per probe, plus the validated lookup's queries.
  const queries = observations.reduce((n, o) => n + 1 + (o.rawAnswer?.queries ?? 0), 0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    zones: options.zones,
    vantages: loaded.config.vantages.length,
    canaries: rounds[0]?.observations.length
      ? rounds[0].observations.length / loaded.config.vantages.length
      : 0,
    probes: observations.length,
    queries,
    wallSeconds: Math.round(wall * 100) / 100,
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    cpuPercentPerMinute: Math.round((cpuSeconds / 60) * 1000) / 10,
    queriesPerSecond: Math.round(queries / wall),
    peakRssMb: Math.round(peakRss / 1e6),
    verdicts,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const zones = Number(process.argv[2] ?? 100);
  const config = process.argv[3];
  if (!config) {
    console.error(
      "usage: npx tsx bench/probe.ts ZONES CONFIG (a configuration naming the lab resolvers)",
    );
    process.exit(2);
  }
  benchProbe(config, { zones }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
