/**
 * `nta-watch check` against the lab's real resolvers and authoritative
 * servers, one test per break (lab/SCENARIOS.md): each must be classified
 * with the reason an operator would give. Holds the lab (lab.ts) while it
 * runs; the lab is healed after.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { run } from "../../src/cli/check.js";
import type { CheckReport, CheckVantage } from "../../src/probe/report.js";
import {
  breakZone,
  describeLab,
  lab,
  LAB_START_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  startLab,
  stopLab,
} from "./lab.js";

let dir = "";
let config = "";

/** A configuration for `check` against the lab: its root, trust anchor and resolvers. */
function writeLabConfig(): string {
  const vantages = lab.resolvers.map(
    (r) => `  - { name: ${r.name}, address: ${r.address}, software: ${r.software} }`,
  );
  const text = [
    `trustAnchors: [{ file: ${lab.trustAnchorFile} }]`,
    `rootServers: [${lab.authoritative.root}]`,
    "vantages:",
    ...vantages,
    "zones:",
    `  - { name: ${lab.zones.watched}, signedChild: ${lab.zones.signedChild}, unsignedChild: ${lab.zones.unsignedChild} }`,
    `controlZones: [${lab.zones.control}]`,
    "probe: { timeout: 1s, retries: 1 }",
  ].join("\n");
  dir = mkdtempSync(path.join(tmpdir(), "nta-watch-lab-"));
  const file = path.join(dir, "lab.yaml");
  writeFileSync(file, `${text}\n`);
  return file;
}

async function check(): Promise<{ status: number; report: CheckReport }> {
  const out: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
  try {
    const status = await run(["watched.", "--config", config, "--json"]);
    return { status, report: JSON.parse(out.join("\n")) as CheckReport };
  } finally {
    log.mockRestore();
  }
}

const recursive = (r: CheckReport) => r.vantages.filter((v) => v.kind === "recursive");
const authoritative = (r: CheckReport) => r.vantages.filter((v) => v.kind === "authoritative");
const result = (v: CheckVantage, canary: string) => v.results.find((r) => r.canary === canary)!;

describeLab("check on the lab", () => {
  beforeAll(async () => {
    await startLab();
    config = writeLabConfig();
  }, LAB_START_TIMEOUT_MS);
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stopLab();
  }, LAB_STOP_TIMEOUT_MS);

  it("a healthy lab validates everywhere: exit 0", async () => {
    const { status, report } = await check();
    expect(report.summary).toMatchObject({
      verdict: "secure",
      failingVantages: 0,
      totalVantages: 4,
      failingAuthoritatives: 0,
      totalAuthoritatives: 3,
    });
    expect(status).toBe(0);
  });

  it("expired signatures: bogus, signature-expired, from every vantage and server", async () => {
    await breakZone("expired");
    const { status, report } = await check();
    expect(report.summary.verdict).toBe("bogus");
    expect(report.summary.reason?.kind).toBe("signature-expired");
    expect(report.summary.failingVantages).toBe(4);
    expect(report.summary.failingAuthoritatives).toBe(3);
    expect(status).toBe(1);
  });

  it("a DS that matches no DNSKEY: bogus, no-dnskey-matches-ds", async () => {
    await breakZone("ds-mismatch");
    const { report } = await check();
    expect(report.summary.verdict).toBe("bogus");
    expect(["no-dnskey-matches-ds", "dnskey-missing"]).toContain(report.summary.reason?.kind);
    expect(report.summary.failingVantages).toBe(4);
  });

  it("corrupted signatures: bogus, signature-invalid", async () => {
    await breakZone("corrupt-sigs");
    const { report } = await check();
    expect(report.summary.reason?.kind).toBe("signature-invalid");
    expect(report.summary.failingAuthoritatives).toBe(3);
  });

  it("missing RRSIGs: bogus, rrsigs-missing", async () => {
    await breakZone("missing-rrsigs");
    const { report } = await check();
    expect(report.summary.reason?.kind).toBe("rrsigs-missing");
  });

  it("the signing key removed from the DNSKEY RRset: bogus, no key for the signatures", async () => {
    await breakZone("key-removed");
    const { report } = await check();
    expect(report.summary.verdict).toBe("bogus");
    expect(["no-matching-dnskey", "dnskey-missing"]).toContain(report.summary.reason?.kind);
  });

  it("bad NSEC3 signatures: the name error and the unsigned child fail, the signed child works", async () => {
    await breakZone("bad-nsec3-sigs");
    const { report } = await check();
    for (const v of authoritative(report)) {
      expect(result(v, "nxdomain").verdict).toBe("bogus");
      expect(result(v, "unsigned-child-ds").verdict).toBe("bogus");
      expect(result(v, "signed-child-ds").verdict).toBe("secure");
    }
    // A resolver may answer the CD=1 query from its cached SERVFAIL (PowerDNS
    // Recursor does): no raw data to check is indeterminate, never bogus.
    for (const v of recursive(report)) {
      for (const canary of ["nxdomain", "unsigned-child-ds"]) {
        expect(["bogus", "indeterminate"]).toContain(result(v, canary).verdict);
      }
      expect(result(v, "signed-child-ds").verdict).toBe("secure");
    }
    expect(report.summary.failingVantages).toBeGreaterThanOrEqual(3);
    expect(report.summary.reason?.kind).toBe("signature-invalid");
  });

  it("bad signatures on some servers only: the per-server view shows 2 of 3", async () => {
    await breakZone("partial");
    const { report } = await check();
    expect(report.summary.failingAuthoritatives).toBe(2);
    expect(report.summary.totalAuthoritatives).toBe(3);
    const bad = authoritative(report)
      .filter((v) => v.verdict === "bogus")
      .map((v) => v.address);
    expect(bad.sort()).toEqual([lab.authoritative.watched[0], lab.authoritative.watched[1]]);
  });

  it("tampering on one path: only that vantage is bogus, with other bytes than the rest", async () => {
    await breakZone("tamper");
    const { report } = await check();
    const bogus = recursive(report).filter((v) => v.verdict === "bogus");
    expect(bogus.map((v) => v.name)).toEqual(["unbound"]);
    // The rogue zone repeats the SOA but publishes other keys and signatures.
    const print = (name: string, canary: string) =>
      result(
        recursive(report).find((v) => v.name === name)!,
        canary,
      ).fingerprints;
    expect(print("unbound", "dnskey").rrset).not.toBe(print("bind", "dnskey").rrset);
    expect(print("unbound", "soa").rrsigs).not.toBe(print("bind", "soa").rrsigs);
    expect(print("bind", "dnskey").rrset).toBe(print("knot", "dnskey").rrset);
    expect(report.summary.failingAuthoritatives).toBe(0);
  });

  it("a vantage down: indeterminate for that vantage only, never bogus", async () => {
    await breakZone("vantage-down");
    const { status, report } = await check();
    const pdns = recursive(report).find((v) => v.name === "pdns")!;
    expect(pdns.verdict).toBe("indeterminate");
    expect(pdns.results.every((r) => !r.reachable && r.verdict === "indeterminate")).toBe(true);
    expect(report.summary).toMatchObject({ verdict: "secure", unreachableVantages: 1 });
    expect(status).toBe(0);
  });
});
