/**
 * `npm run bench`: verify-zone on the root zone of 2017-08-21 beside
 * kzonecheck (Knot DNS) and ldns-verify-zone (ldns), then signature
 * verifications per second per algorithm beside `openssl speed`, all in one
 * run on the same machine. Prints Markdown tables. Not a test: figures vary
 * with the machine and its load, which is printed with them.
 *
 * Options: BENCH_RUNS=15 (runs per command), BENCH_SECONDS=1 (per algorithm).
 * `npm run bench -- probe [ZONES...]` runs the probe benchmark instead.
 */
import { execPath } from "node:process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { CASES, measure, opensslSpeed } from "./algorithms.js";
import { phases } from "./phases.js";
import { available, timeCommands, type ZoneCommand } from "./zone.js";

// `npm run bench -- probe [ZONES...]`: probe passes on the lab instead (bench/probe.ts).
if (process.argv[2] === "probe") {
  const { benchProbe } = await import("./probe.js");
  const sizes = process.argv.slice(3).map(Number);
  await benchProbe(sizes.length > 0 ? sizes : [100, 500, 1500]);
  process.exit(0);
}

const RUNS = Number(process.env["BENCH_RUNS"] ?? 15);
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 1);
const repo = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));
const ZONE = repo("test/fixtures/zones/root.zone.2017082100");
const BIN = repo("bin/nta-watch.js");
/** verify-zone on the root zone at 2017-08-25, as the other tools are run. */
const verifyZoneArgv = (...extra: string[]): string[] => [
  execPath,
  BIN,
  "verify-zone",
  ZONE,
  "--origin",
  ".",
  "--at",
  "20170825000000",
  ...extra,
];

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const out: string[] = [];
const say = (line = ""): void => {
  out.push(line);
  console.log(line);
};

say(`## verify-zone: root zone 2017082100 (2,950 signatures, 22,772 records), ${RUNS} runs each`);
say();
say(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average at start ${load()}`,
);
say();
const commands: ZoneCommand[] = [
  { name: "node start-up only (`node -e 0`)", argv: [execPath, "-e", "0"] },
  { name: "nta-watch verify-zone", argv: verifyZoneArgv() },
  { name: "nta-watch verify-zone --threads 0", argv: verifyZoneArgv("--threads", "0") },
  { name: "nta-watch verify-zone --threads 1", argv: verifyZoneArgv("--threads", "1") },
];
if (available("kzonecheck")) {
  commands.push({
    name: "kzonecheck",
    argv: ["kzonecheck", "-o", ".", "-d", "on", "-t", "20170825000000", ZONE],
  });
}
if (available("ldns-verify-zone")) {
  commands.push({
    name: "ldns-verify-zone",
    argv: ["ldns-verify-zone", "-t", "20170825000000", ZONE],
  });
}
const timings = timeCommands(commands, RUNS);
const reference = timings.find((t) => t.name === "kzonecheck");
say("| command | median ms | min ms | × kzonecheck | CPU ms (user+sys) | exit |");
say("|---|---:|---:|---:|---:|---|");
for (const t of timings) {
  const ratio = reference ? (t.medianMs / reference.medianMs).toFixed(2) : "–";
  const cpu = t.cpuMs === undefined ? "–" : t.cpuMs.toFixed(0);
  const ms = `${t.medianMs.toFixed(0)} | ${t.minMs.toFixed(0)}`;
  say(`| ${t.name} | ${ms} | ${ratio} | ${cpu} | ${t.statuses.join(",")} |`);
}
say();
for (const t of timings) say(`- ${t.name}: \`${t.command.replaceAll(repo(""), "")}\``);
say();

say(`## Where the time goes (in one process, warm, median of ${RUNS})`);
say();
say("| phase | median ms |");
say("|---|---:|");
for (const p of await phases(ZONE, RUNS)) say(`| ${p.name} | ${p.medianMs.toFixed(1)} |`);
say();

say(`## Signature verifications per second (one thread, ~${SECONDS} s each)`);
say();
const openssl = opensslSpeed();
say("| algorithm | nta-watch verify/s | openssl speed verify/s | ratio |");
say("|---|---:|---:|---:|");
for (const c of CASES) {
  const ours = measure(c, SECONDS);
  const theirs = openssl?.get(c.openssl);
  const ratio = theirs ? (ours / theirs).toFixed(2) : "–";
  say(
    `| ${c.name} | ${ours.toFixed(0)} | ${theirs?.toFixed(0) ?? "–"} (${c.openssl}) | ${ratio} |`,
  );
}
say();
say(`load average at end ${load()}`);
