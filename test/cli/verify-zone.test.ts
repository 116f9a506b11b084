/**
 * `nta-watch verify-zone`: exit status, the human summary, the JSON report
 * and the errors an operator sees, run in-process and, when the package is
 * built (`npm test` builds first), as the installed command.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseTime, runWith, type Io } from "../../src/cli/verify-zone.js";

const fixture = (path: string): string =>
  fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const ROOT_2017 = fixture("zones/root.zone.2017082100");
const ROOT_2025 = fixture("zones/root.zone.2025120902.apex-excerpt");
const ANCHORS_2024 = fixture("anchors/root-anchors.iana-2024.xml");
const ANCHORS_2010 = fixture("anchors/root-anchors.iana-2010.xml");

const rrsigCount = (path: string): number =>
  readFileSync(path, "utf8").match(/^\S+\s+\d+\s+IN\s+RRSIG\s/gm)!.length;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: (p) => readFile(p, "utf8"),
    now: () => Date.parse("2025-12-10T00:00:00Z") / 1000,
  };
  const code = await runWith(args, io);
  return { code, stdout, stderr };
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "verify-zone-")), name);
  writeFileSync(path, text);
  return path;
}

describe("verify-zone exit status and output", () => {
  it("exits 0 with a summary when every signature verifies", async () => {
    const r = await cli([ROOT_2017, "--origin", ".", "--at", "20170825000000"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${rrsigCount(ROOT_2017)} signatures`);
    expect(r.stdout).toMatch(/secure 2950, bogus 0, insecure 0/);
    expect(r.stderr).toBe("");
  });

  it("exits 1 and lists each failure in one JSON object when signatures have expired", async () => {
    const r = await cli([ROOT_2017, "--origin", ".", "--at", "2017-09-10T00:00:00Z", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      rrsets: expect.any(Number),
      signatures: rrsigCount(ROOT_2017),
      secure: expect.any(Number),
      bogus: expect.any(Number),
      insecure: 0,
    });
    expect(report.bogus).toBeGreaterThan(0);
    expect(report.failures).toHaveLength(report.bogus);
    expect(report.failures[0]).toMatchObject({
      owner: ".",
      type: "SOA",
      reason: "signature-expired",
      ede: 7,
    });
  });

  it("reports the same by default (libuv's thread pool), with --threads 0 and with --threads 1", async () => {
    const args = [ROOT_2017, "--origin", ".", "--at", "2017-09-10T00:00:00Z", "--json"];
    const pooled = await cli(args);
    const here = await cli([...args, "--threads", "0"]);
    const worker = await cli([...args, "--threads", "1"]);
    expect(pooled.code).toBe(1);
    expect(here.code).toBe(1);
    expect(worker.code).toBe(1);
    expect(JSON.parse(pooled.stdout)).toEqual(JSON.parse(here.stdout));
    expect(JSON.parse(worker.stdout)).toEqual(JSON.parse(here.stdout));
  });

  it("takes --at as RFC 3339, UNIX seconds or YYYYMMDDHHmmSS alike", () => {
    const t = Date.parse("2017-08-25T00:00:00Z") / 1000;
    expect(parseTime("2017-08-25T00:00:00Z")).toBe(t);
    expect(parseTime("2017-08-25T02:00:00+02:00")).toBe(t);
    expect(parseTime(String(t))).toBe(t);
    expect(parseTime("20170825000000")).toBe(t);
  });

  it("verifies the chain from --anchor: exit 0 from IANA's 2024 anchors, 1 from the 2010 one", async () => {
    const good = await cli([ROOT_2025, "--origin", ".", "--anchor", ANCHORS_2024, "--json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).chain).toEqual({ security: "secure" });
    const old = await cli([ROOT_2025, "--origin", ".", "--anchor", ANCHORS_2010]);
    expect(old.code).toBe(1);
    expect(old.stdout).toMatch(/chain of trust: bogus/);
    expect(old.stdout).toMatch(/\. DNSKEY no-dnskey-matches-ds \(EDE 9\)/);
  });
});

describe("verify-zone errors exit 2", () => {
  it("names the file and line of a zone-file syntax error", async () => {
    const text = readFileSync(ROOT_2025, "utf8").split("\n");
    text.splice(2, 0, ".\t518400\tIN\tNS\tbad..name.");
    const path = tempFile("broken.zone", text.join("\n"));
    const r = await cli([path, "--origin", "."]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:3:`);
  });

  it("names the file and line of a malformed anchor file", async () => {
    const xml = readFileSync(ANCHORS_2024, "utf8").replace("</Zone>", "</Zon>");
    const path = tempFile("anchors.xml", xml);
    const r = await cli([ROOT_2025, "--origin", ".", "--anchor", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}:3:`);
  });

  it("refuses an anchor file with no anchor in force at --at", async () => {
    const r = await cli([
      ROOT_2017,
      "--origin",
      ".",
      "--at",
      "2009-01-01T00:00:00Z",
      "--anchor",
      ANCHORS_2010,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no trust anchor for \. in force at 2009-01-01T00:00:00Z.*19036/);
  });

  it.each([
    [["--origin", "."], /exactly one zone FILE/],
    [[ROOT_2025], /--origin NAME is required/],
    [[ROOT_2025, "--origin", ".", "--at", "yesterday"], /--at yesterday/],
    [[ROOT_2025, "--origin", ".", "--frobnicate"], /frobnicate/],
    [[ROOT_2025, "--origin", ".", "--threads", "many"], /--threads many/],
    [["/nonexistent/zone", "--origin", "."], /\/nonexistent\/zone/],
    [[ROOT_2025, "--origin", "example."], /no record at or below example\.: is --origin right\?/],
  ])("%j", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

const BIN = fileURLToPath(new URL("../../bin/nta-watch.js", import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL("../../dist/cli/verify-zone.js", import.meta.url)));

describe.runIf(BUILT)("the nta-watch command, as built", () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [BIN, "verify-zone", ...args], { encoding: "utf8" });

  it("exits 0, 1 and 2 for a good zone, expired signatures and a usage error", () => {
    const ok = run([ROOT_2017, "--origin", ".", "--at", "1503619200", "--json"]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ signatures: rrsigCount(ROOT_2017), bogus: 0 });
    expect(run([ROOT_2017, "--origin", ".", "--at", "2017-09-10T00:00:00Z"]).status).toBe(1);
    const usage = run([ROOT_2017]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: nta-watch verify-zone/);
  });

  it("loads node:worker_threads only when --threads asks for workers", () => {
    const DIST = new URL("../../dist/cli/verify-zone.js", import.meta.url).href;
    const loads = (threads: string[]): boolean => {
      const script = [
        `const { run } = await import(${JSON.stringify(DIST)});`,
        `await run(${JSON.stringify([ROOT_2017, "--origin", ".", "--at", "1503619200", ...threads])});`,
        `process.stderr.write(String(process.moduleLoadList.some((m) => m.endsWith(" worker_threads"))));`,
      ].join("\n");
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
      });
      expect(child.status).toBe(0);
      return JSON.parse(child.stderr) as boolean;
    };
    expect(loads([])).toBe(false);
    expect(loads(["--threads", "0"])).toBe(false);
    expect(loads(["--threads", "1"])).toBe(true);
  });
});
