/**
 * `nta-watch check`: usage and configuration errors exit 2; a round against
 * a stand-in resolver serving the RFC 4035 example zone prints the JSON
 * report; the summary counts failing vantages and servers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/check.js";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { UdpTcpTransport, type Transport } from "../../src/dns/transport.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { bogus, indeterminate, SECURE } from "../../src/dnssec/verdict.js";
import type { Observation } from "../../src/probe/observation.js";
import { byVantage, exitStatusOf, summarize } from "../../src/probe/report.js";
import type { TestDnsServer } from "../dns/test-dns-server.js";
import { startZoneResolver } from "../probe/zone-resolver.js";

const FIXTURE = new URL("../fixtures/zones/rfc4035-appendixA-example.zone.signed", import.meta.url);
const IN_WINDOW = Date.UTC(2004, 3, 20) / 1000;

/** Sends only to loopback; anything else is "unreachable" without a packet leaving. */
function loopbackOnly(): Transport {
  const inner = new UdpTcpTransport();
  return {
    send: async (server, query, opts) =>
      server.address.startsWith("127.")
        ? inner.send(server, query, opts)
        : { ok: false, error: "unreachable", message: "not loopback (test)" },
  };
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-check-"));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const servers: TestDnsServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (servers.length > 0) await servers.pop()!.close();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, "error").mockImplementation((s: string) => void err.push(s));
  return { out, err };
}

describe("usage and configuration errors exit with status 2", () => {
  it("no zone, no --config, an unknown option", async () => {
    const io = capture();
    expect(await run(["--config", "x.yaml"])).toBe(2);
    expect(await run(["de."])).toBe(2);
    expect(await run(["de.", "--config", "x.yaml", "--frobnicate"])).toBe(2);
    expect(io.err.join("\n")).toContain("usage: nta-watch check ZONE --config FILE [--json]");
  });

  it("an invalid configuration names the file and the key", async () => {
    const io = capture();
    const file = tempFile(
      "bad.yaml",
      "vantages:\n  - { name: a, address: 127.0.0.1, software: bind }\n  - { name: b, address: nowhere, software: bind }\n",
    );
    expect(await run(["de.", "--config", file])).toBe(2);
    expect(io.err.join("\n")).toBe(`${file}: vantages[1].address: expected an IP address`);
  });
});

describe("a round of check --json", () => {
  it("reports each vantage's answer and the local verdict, and exits 0 when the zone validates", async () => {
    const parsed = parseZone(readFileSync(FIXTURE, "utf8"), { origin: parseName("example.") });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const resolver = await startZoneResolver(parseName("example."), parsed.records);
    servers.push(resolver);
    const ksk = parsed.records.find((r) => r.type === RrType.DNSKEY && r.rdata[1] === 1)!;
    const kskLine = readFileSync(FIXTURE, "utf8")
      .split("\n")
      .find((l) => /\sDNSKEY\s+257\s/.test(l))!
      .replace(/;.*$/, "");
    expect(ksk).toBeDefined();
    const anchorFile = tempFile("example.key", `${kskLine}\n`);
    const { port } = resolver.address;
    const config = tempFile(
      "check.yaml",
      [
        `trustAnchors: [{ file: ${anchorFile} }]`,
        `rootServers: [{ address: 127.0.0.1, port: ${port} }]`,
        `vantages: [{ name: stand-in, address: 127.0.0.1, port: ${port}, software: other }]`,
        `zones: [{ name: example., canaries: ["example. SOA", "ns1.example. A"] }]`,
        `probe: { timeout: 200ms, retries: 0 }`,
      ].join("\n"),
    );
    const io = capture();
    const status = await run(["example", "--config", config, "--json"], {
      transport: loopbackOnly(),
      now: () => IN_WINDOW,
    });
    const report = JSON.parse(io.out.join("\n"));
    expect(report.zone).toBe("example.");
    expect(report.at).toBe("2004-04-20T00:00:00.000Z");
    const v = report.vantages.find((x: { kind: string }) => x.kind === "recursive");
    expect(v).toMatchObject({ name: "stand-in", address: "127.0.0.1" });
    expect(v.results.map((r: { canary: string }) => r.canary)).toEqual([
      "example./SOA",
      "ns1.example./A",
    ]);
    expect(v.results[0]).toMatchObject({
      type: "SOA",
      rcode: "NOERROR",
      ad: true,
      ede: [],
      verdict: "secure",
      reason: null,
    });
    // The zone's name servers (192.0.2.x) are not loopback: unreachable, never failing.
    expect(report.summary).toMatchObject({
      verdict: "secure",
      failingVantages: 0,
      totalVantages: 1,
      failingAuthoritatives: 0,
    });
    expect(report.summary.unreachableAuthoritatives).toBe(report.summary.totalAuthoritatives);
    expect(status).toBe(0);
  });
});

describe("the summary", () => {
  const base = (name: string, verdict: Observation["verdict"], reachable = true): Observation => ({
    zone: "de.",
    role: "watched",
    canary: { id: "soa", name: "de.", type: "SOA" },
    vantage: { kind: "recursive", name, software: "unbound" },
    at: 0,
    reachable,
    verdict,
    keyTags: { dnskey: [], ds: [], rrsig: [] },
  });
  const expired = bogus("signature-expired", "expired", { owner: "de.", type: "SOA" });

  it("is bogus when any vantage is, with the reason seen most often", () => {
    const s = summarize(
      byVantage([
        base("a", expired),
        base("b", expired),
        base("c", SECURE),
        base("d", indeterminate("timeout", "no answer"), false),
      ]),
    );
    expect(s).toMatchObject({
      verdict: "bogus",
      failingVantages: 2,
      totalVantages: 4,
      unreachableVantages: 1,
    });
    expect(s.reason?.kind).toBe("signature-expired");
    expect(exitStatusOf(s)).toBe(1);
  });

  it("is secure when a vantage is down and the others validate", () => {
    const s = summarize(
      byVantage([base("a", SECURE), base("b", indeterminate("timeout", "x"), false)]),
    );
    expect(s.verdict).toBe("secure");
    expect(exitStatusOf(s)).toBe(0);
  });

  it("is indeterminate when nothing could be checked", () => {
    const s = summarize(byVantage([base("a", indeterminate("timeout", "x"), false)]));
    expect(s.verdict).toBe("indeterminate");
    expect(exitStatusOf(s)).toBe(1);
  });
});
