/**
 * A vantage's answers are counted only while the control zones validate
 * from it, so a configuration without control zones counts no vantage: the
 * real service says so once at start, and says nothing when control zones
 * are set.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { bootParts } from "../../src/service/boot.js";
import { Service } from "../../src/service/service.js";

const TOKEN = "control-zones-viewer-token-0123";
const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-control-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Line {
  level: number;
  msg: string;
  vantages?: number;
}

/** Starts and stops the service on this configuration; its log lines. */
async function startLog(extra: Record<string, unknown>, name: string): Promise<Line[]> {
  const lines: Line[] = [];
  const parsed = parseConfig(
    {
      rootServers: ["127.9.9.1"],
      zones: [{ name: "de." }],
      store: { path: `${name}.db` },
      api: { listen: "127.0.0.1", port: 0, tokens: [{ name: "v", role: "viewer", env: "T" }] },
      ...extra,
    },
    { env: { T: TOKEN } },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  const booted = await bootParts(parsed.config, path.join(dir, `${name}.yaml`), {
    env: { T: TOKEN },
    logger,
    schedule: false,
  });
  if (!booted.ok) throw new Error(JSON.stringify(booted.errors));
  const service = await Service.start(booted.parts);
  await service.stop();
  return lines;
}

const VANTAGES = [
  { name: "unbound-1", address: "127.9.9.3", software: "unbound" },
  { name: "bind-1", address: "127.9.9.4", software: "bind" },
];

const warnings = (lines: Line[]): Line[] =>
  lines.filter((l) => l.level === 40 && l.msg.startsWith("no controlZones configured"));

describe("control zones at start", () => {
  it("warns once, with the vantage count, when vantages are set and control zones are not", async () => {
    const lines = await startLog({ vantages: VANTAGES }, "none");
    const w = warnings(lines);
    expect(w).toHaveLength(1);
    expect(w[0]!.vantages).toBe(VANTAGES.length);
    expect(w[0]!.msg).toContain("nothing is proposed");
  });

  it("says nothing when control zones are set", async () => {
    const lines = await startLog({ vantages: VANTAGES, controlZones: ["nl."] }, "set");
    expect(warnings(lines)).toEqual([]);
    expect(lines.some((l) => l.msg === "serving")).toBe(true);
  });
});
