import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import type { Transport } from "../../src/dns/transport.js";
import { parseAnchorRecords, TrustAnchorSet } from "../../src/dnssec/anchors.js";
import {
  gather,
  LIMIT_RANGES,
  resolveLimits,
  type GatherContext,
} from "../../src/probe/gatherer.js";
import { ReplayTransport } from "../support/replay-transport.js";
import { parseScenario, type RplScenario } from "../support/rpl.js";

const dir = fileURLToPath(new URL("../fixtures/deckard/", import.meta.url));

function load(file: string): RplScenario {
  return parseScenario(readFileSync(dir + file, "latin1"));
}

function contextFor(
  s: RplScenario,
  transport: Transport,
  extra: Partial<GatherContext> = {},
): GatherContext {
  const parsed = parseAnchorRecords(s.config.trustAnchors.join("\n"), { file: "anchor" });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return {
    transport,
    anchors: parsed.anchors,
    rootServers: s.config.stubAddrs.map((address) => ({ address, port: 53 })),
    now: s.config.now!,
    limits: { queryTimeoutMs: 50, retries: 0 },
    ...extra,
  };
}

const silent: Transport = {
  send: async () => ({ ok: false, error: "timeout", message: "no answer" }),
};

describe("RFC 4035 §4.3: the four states of a lookup", () => {
  it("is secure along a chain of signed delegations (val_secds)", async () => {
    const s = load("val_secds.rpl");
    const e = await gather(
      { name: parseName("www.sub.example.com."), type: RrType.A },
      contextFor(s, new ReplayTransport(s)),
    );
    expect(e.verdict.security).toBe("secure");
    expect(e.final?.rcode).toBe(0);
    const sub = e.chain.find((z) => z.zone === "sub.example.com.")!;
    expect(sub.ds.security).toBe("secure");
    expect(sub.dnskey?.security).toBe("secure");
    expect(sub.servers.map((q) => q.address)).toContain("1.2.3.6");
  });

  it("is insecure below a delegation proven to have no DS (val_unsecds)", async () => {
    const s = load("val_unsecds.rpl");
    const e = await gather(
      { name: parseName("www.sub.example.com."), type: RrType.A },
      contextFor(s, new ReplayTransport(s)),
    );
    expect(e.verdict.security).toBe("insecure");
    const sub = e.chain.find((z) => z.zone === "sub.example.com.")!;
    expect(sub.security.security).toBe("insecure");
    expect(sub.dnskey).toBeUndefined();
  });

  it("is bogus with the expired signature as its reason (val_minimal_expiredsignature)", async () => {
    const s = load("val_minimal_expiredsignature.rpl");
    const e = await gather(
      { name: parseName("."), type: RrType.NS },
      contextFor(s, new ReplayTransport(s)),
    );
    expect(e.verdict.security).toBe("bogus");
    expect(e.verdict.reason?.kind).toBe("signature-expired");
  });

  it("is indeterminate, never bogus, when no server answers", async () => {
    const s = load("val_secds.rpl");
    const e = await gather(
      { name: parseName("www.sub.example.com."), type: RrType.A },
      contextFor(s, silent),
    );
    expect(e.verdict.security).toBe("indeterminate");
    expect(e.verdict.reason?.kind).toBe("timeout");
    expect(e.final).toBeUndefined();
    expect(e.chain[0]!.servers.map((q) => q.outcome)).toEqual(["timeout"]);
  });

  it("has no trust anchor to start from when none is configured: insecure", async () => {
    const s = load("val_secds.rpl");
    const ctx = { ...contextFor(s, new ReplayTransport(s)), anchors: new TrustAnchorSet() };
    const e = await gather({ name: parseName("www.sub.example.com."), type: RrType.A }, ctx);
    expect(e.verdict.security).toBe("insecure");
    expect(e.chain[0]!.security.reason?.kind).toBe("no-trust-anchor");
  });
});

describe("Negative trust anchors (RFC 7646 §1)", () => {
  it("turn a bogus zone into an insecure one at and below the name", async () => {
    const s = load("val_minimal_expiredsignature.rpl");
    const ctx = contextFor(s, new ReplayTransport(s), { negativeAnchors: [parseName(".")] });
    const e = await gather({ name: parseName("."), type: RrType.NS }, ctx);
    expect(e.verdict.security).toBe("insecure");
    expect(e.verdict.reason?.kind).toBe("negative-trust-anchor");
  });
});

describe("Limits", () => {
  it("documents defaults of depth 30, 200 queries and 10 s per lookup", () => {
    const l = resolveLimits();
    expect([l.maxDepth, l.maxQueries, l.timeBudgetMs]).toEqual([30, 200, 10_000]);
    expect(LIMIT_RANGES.maxQueries.min).toBeGreaterThan(0);
  });

  it("rejects a limit outside its range instead of clamping it", () => {
    expect(() => resolveLimits({ maxQueries: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ retries: 1.5 })).toThrow(RangeError);
  });

  it("stops at the query budget with an indeterminate verdict", async () => {
    const s = load("val_secds.rpl");
    const ctx = contextFor(s, new ReplayTransport(s), {
      limits: { maxQueries: 2, queryTimeoutMs: 50, retries: 0 },
    });
    const e = await gather({ name: parseName("www.sub.example.com."), type: RrType.A }, ctx);
    expect(e.verdict.security).toBe("indeterminate");
    expect(e.verdict.reason?.kind).toBe("limit-exceeded");
    expect(e.queries).toBe(2);
  });
});

describe("Pinned mode: one authoritative server at a time", () => {
  it("sends the last zone's queries to the pinned server only", async () => {
    const s = load("val_secds.rpl");
    const t = new ReplayTransport(s);
    const pin = { address: "1.2.3.6", port: 53 };
    const e = await gather(
      { name: parseName("www.sub.example.com."), type: RrType.A },
      contextFor(s, t, { pinLastZoneTo: pin }),
    );
    expect(e.verdict.security).toBe("secure");
    expect(e.final?.server).toBe("1.2.3.6");
  });

  it("is indeterminate when the pinned server does not answer", async () => {
    const s = load("val_secds.rpl");
    const t = new ReplayTransport(s);
    const e = await gather(
      { name: parseName("www.sub.example.com."), type: RrType.A },
      contextFor(s, t, { pinLastZoneTo: { address: "192.0.2.99", port: 53 } }),
    );
    expect(e.verdict.security).toBe("indeterminate");
    expect(t.log.filter((q) => q.server === "192.0.2.99").length).toBeGreaterThan(0);
  });
});
