/**
 * One size of the probe benchmark (bench/probe.ts), in a process of its own
 * on the compiled code (dist/, `npm run build`) as `nta-watch serve` runs,
 * so that resident memory is the service's and not a TypeScript loader's.
 *
 *   node --expose-gc bench/probe-pass.js CONFIG ZONES PASSES pool|no-pool
 *
 * Prints one JSON object per pass (ProbePassResult in bench/probe.ts).
 */
import { performance } from "node:perf_hooks";
import { setInterval, clearInterval } from "node:timers";
import { loadConfig, loadTrustAnchors, formatConfigErrors } from "../dist/config/load.js";
import { UdpTcpTransport } from "../dist/dns/transport.js";
import { ProbeEngine } from "../dist/probe/engine.js";
import { Scheduler } from "../dist/probe/scheduler.js";

/** Counts the messages sent through a transport. */
class CountingTransport {
  udp = 0;
  tcp = 0;
  constructor(inner) {
    this.inner = inner;
  }
  send(server, query, opts) {
    if (opts.tcp) this.tcp++;
    else this.udp++;
    return this.inner.send(server, query, opts);
  }
}

const round = (x, places) => Math.round(x * 10 ** places) / 10 ** places;

/**
 * One scheduler pass (scheduler.ts): every one of `zones` copies of the
 * configuration's first zone after its own random delay of up to the
 * jitter, recursive vantages only, through the engine's round gate and
 * probe semaphore as in `ProbeEngine.round`; each round's observations
 * counted and dropped, as the service hands them on.
 */
async function onePass(engine, transport, config, zones) {
  const zone = config.zones[0]?.name ?? "watched.";
  // No authoritative servers and no control zones: the recursive probes only.
  const discovery = { zone, servers: [], verdict: { security: "secure" }, at: 0 };
  const verdicts = {};
  let probes = 0;
  let canaries = 0;
  let failure;
  const scheduler = new Scheduler({
    intervalMs: config.probe.interval,
    jitterMs: config.probe.jitter,
    zones: () => Array.from({ length: zones }, () => zone),
    runRound: (z) => engine.runPlan({ ...engine.plan(z, discovery), control: [] }),
    onRound: (_z, r) => {
      canaries = r.observations.length / config.vantages.length;
      for (const o of r.observations) {
        probes++;
        verdicts[o.verdict.security] = (verdicts[o.verdict.security] ?? 0) + 1;
      }
    },
    onError: (_z, e) => {
      failure ??= e;
    },
  });
  globalThis.gc?.();
  const udp0 = transport.udp;
  const tcp0 = transport.tcp;
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal);
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await scheduler.tick();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  if (failure) throw failure;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const tcpQueries = transport.tcp - tcp0;
  const queries = transport.udp - udp0 + tcpQueries;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    zones,
    vantages: config.vantages.length,
    canaries,
    probes,
    queries,
    tcpQueries,
    wallSeconds: round(wall, 2),
    cpuSeconds: round(cpuSeconds, 2),
    cpuPercentPerMinute: round((cpuSeconds / (config.probe.interval / 1000)) * 100, 1),
    queriesPerSecond: Math.round(queries / wall),
    queriesPerCpuSecond: Math.round(queries / cpuSeconds),
    peakRssMb: Math.round(peakRss / 1e6),
    startRssMb: Math.round(startRss / 1e6),
    peakHeapMb: Math.round(peakHeap / 1e6),
    verdicts,
  };
}

const [configFile, zonesArg, passesArg, poolArg] = process.argv.slice(2);
const zones = Number(zonesArg);
const passes = Number(passesArg ?? 2);
if (!configFile || !Number.isInteger(zones) || zones < 1 || !Number.isInteger(passes)) {
  console.error("usage: node --expose-gc bench/probe-pass.js CONFIG ZONES PASSES pool|no-pool");
  process.exit(2);
}
const loaded = await loadConfig(configFile);
if (!loaded.ok) throw new Error(formatConfigErrors(loaded));
const anchors = await loadTrustAnchors(loaded.config, loaded.file);
if (!anchors.ok) throw new Error(formatConfigErrors({ file: loaded.file, errors: anchors.errors }));
// no-pool: every UDP socket retired after its first query, a fresh port per query.
const udp = new UdpTcpTransport(poolArg === "no-pool" ? { queriesPerSocket: 1 } : {});
const transport = new CountingTransport(udp);
const engine = new ProbeEngine(loaded.config, anchors.anchors, { transport });
try {
  for (let pass = 0; pass < passes; pass++) {
    console.log(JSON.stringify(await onePass(engine, transport, loaded.config, zones)));
  }
} finally {
  udp.close();
}
