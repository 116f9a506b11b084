/**
 * Whole-zone verification, start-up included: each command is run as its
 * own process N times, the commands taking turns (so that a burst of load
 * on the machine hits them alike), and the median wall time is reported.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ZoneCommand {
  name: string;
  argv: string[];
}

export interface ZoneTiming {
  name: string;
  command: string;
  medianMs: number;
  minMs: number;
  /** Median user + system CPU time, when /usr/bin/time can tell it (less sensitive to other load). */
  cpuMs?: number;
  /** Exit statuses seen (0 expected: every signature verifies). */
  statuses: number[];
}

export function available(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const TIME = "/usr/bin/time";

export function timeCommands(commands: ZoneCommand[], runs: number): ZoneTiming[] {
  const times = commands.map(() => [] as number[]);
  const cpu = commands.map(() => [] as number[]);
  const statuses = commands.map(() => new Set<number>());
  const rusage = join(mkdtempSync(join(tmpdir(), "bench-")), "rusage");
  const withTime = existsSync(TIME);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of commands.entries()) {
      // /usr/bin/time writes the child's user and system seconds to a file.
      const argv = withTime ? [TIME, "-f", "%U %S", "-o", rusage, ...c.argv] : c.argv;
      const start = process.hrtime.bigint();
      const run = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "ignore"] });
      times[i]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      statuses[i]!.add(run.status ?? -1);
      if (withTime) {
        const [user, sys] = readFileSync(rusage, "utf8").trim().split(/\s+/).slice(-2).map(Number);
        cpu[i]!.push(((user ?? NaN) + (sys ?? NaN)) * 1000);
      }
    }
  }
  return commands.map((c, i) => ({
    name: c.name,
    command: c.argv.join(" "),
    medianMs: median(times[i]!),
    minMs: Math.min(...times[i]!),
    ...(withTime && { cpuMs: median(cpu[i]!) }),
    statuses: [...statuses[i]!],
  }));
}
