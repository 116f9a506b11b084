/**
 * The round's key cache (issue 4): within a round each vantage fetches and
 * judges a zone's DNSKEY RRset once (RFC 4035 §5.2), whatever the number of
 * canaries; a bogus chain is kept with its verdict; no vantage's keys
 * validate another's path; a new round starts empty. Counted from the
 * queries the stand-in resolvers receive.
 */
import { describe, expect, it } from "vitest";
import { decodeMessage } from "../../src/dns/message.js";
import { nameToText } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { indeterminate, bogus } from "../../src/dnssec/verdict.js";
import { ZoneKeyCache, type KeysStep } from "../../src/probe/key-cache.js";
import { runRound, type RoundPlan } from "../../src/probe/round.js";
import { Semaphore } from "../../src/probe/semaphore.js";
import type { TestDnsServer } from "../dns/test-dns-server.js";
import { APEX, ctxFor, resolver, signatureCorrupted, SOA, target } from "./example-zone.js";

const CANARIES = [
  SOA,
  { id: "ns", name: "example.", type: "NS" },
  { id: "nxdomain", name: "nta-watch-k3y.example.", type: "A" },
];

/** Queries for the zone's DNSKEY RRset a stand-in received (the chain's: no canary asks it). */
function dnskeyFetches(s: TestDnsServer): number {
  return s.received.filter((r) => {
    const d = decodeMessage(r.bytes);
    const q = d.ok ? d.message.question[0] : undefined;
    return q?.type === RrType.DNSKEY && nameToText(q.name) === "example.";
  }).length;
}

function plan(recursive: RoundPlan["recursive"]): RoundPlan {
  return { zone: "example.", canaries: CANARIES, recursive, authoritative: [], control: [] };
}

describe("RFC 4035 §5.2 once per vantage and round: the key cache", () => {
  it("fetches the zone's DNSKEY RRset once per vantage, however many canaries", async () => {
    const a = await resolver();
    const b = await resolver();
    const round = await runRound(
      ctxFor(undefined),
      plan([target(a, "a"), target(b, "b")]),
      new Semaphore(8),
    );
    expect(round.observations.map((o) => o.verdict.security)).toEqual(Array(6).fill("secure"));
    expect(dnskeyFetches(a)).toBe(1);
    expect(dnskeyFetches(b)).toBe(1);
  });

  it("still gives every observation the key tags its path served", async () => {
    const a = await resolver();
    const round = await runRound(ctxFor(undefined), plan([target(a, "a")]), new Semaphore(1));
    for (const o of round.observations) expect(o.keyTags.dnskey).toEqual([9465, 38519]);
  });

  it("keeps a bogus DNSKEY RRset with its verdict, and never lends one vantage's keys to another", async () => {
    const good = await resolver();
    const broken = await resolver(signatureCorrupted(RrType.DNSKEY));
    const round = await runRound(
      ctxFor(undefined),
      plan([target(good, "good"), target(broken, "broken")]),
      new Semaphore(8),
    );
    const by = (name: string) =>
      round.observations.filter((o) => o.vantage.kind === "recursive" && o.vantage.name === name);
    expect(by("good").map((o) => o.verdict.security)).toEqual(["secure", "secure", "secure"]);
    expect(by("broken").map((o) => o.verdict.security)).toEqual(["bogus", "bogus", "bogus"]);
    expect(by("broken").map((o) => o.verdict.reason?.type)).toEqual(Array(3).fill("DNSKEY"));
    expect(dnskeyFetches(broken)).toBe(1);
    expect(dnskeyFetches(good)).toBe(1);
  });

  it("keeps each authoritative server's keys to the probes of that server", async () => {
    const one = await resolver();
    const two = await resolver(signatureCorrupted(RrType.DNSKEY));
    const auth = (s: TestDnsServer) => ({
      vantage: { kind: "authoritative" as const, zone: "example.", address: s.address.address },
      server: s.address,
    });
    const round = await runRound(
      ctxFor(one),
      { ...plan([]), authoritative: [auth(one), auth(two)] },
      new Semaphore(8),
    );
    const verdicts = round.observations.map((o) => o.verdict.security);
    expect(verdicts).toEqual(["secure", "secure", "secure", "bogus", "bogus", "bogus"]);
    expect(dnskeyFetches(two)).toBe(1);
  });

  it("starts every round empty", async () => {
    const a = await resolver();
    const ctx = ctxFor(undefined);
    await runRound(ctx, plan([target(a, "a")]), new Semaphore(4));
    await runRound(ctx, plan([target(a, "a")]), new Semaphore(4));
    expect(dnskeyFetches(a)).toBe(2);
  });
});

describe("the key cache keeps what a later probe would conclude again", () => {
  const step = (verdict: KeysStep["verdict"]) => async (): Promise<KeysStep> => ({
    verdict,
    seen: [],
  });

  it("does not keep an indeterminate step: the next lookup asks again", async () => {
    const cache = new ZoneKeyCache();
    const timeout = indeterminate("timeout", "no answer");
    await cache.keysStep(APEX, [], [], [], step(timeout));
    const again = await cache.keysStep(APEX, [], [], [], step(timeout));
    expect(again.cached).toBe(false);
    expect(cache.fetched).toBe(2);
  });

  it("keeps a bogus step, and keys steps by the DS records they were judged against", async () => {
    const cache = new ZoneKeyCache();
    const broken = bogus("signature-invalid", "bad");
    const ds = (octet: number) => [
      { owner: APEX, type: RrType.DS, class: 1, ttl: 0, rdata: Uint8Array.of(0, 1, 8, 2, octet) },
    ];
    await cache.keysStep(APEX, [], ds(1), [], step(broken));
    expect((await cache.keysStep(APEX, [], ds(1), [], step(broken))).cached).toBe(true);
    expect((await cache.keysStep(APEX, [], ds(2), [], step(broken))).cached).toBe(false);
  });

  it("lets a lookup that waited on a failed fetch fetch for itself", async () => {
    const cache = new ZoneKeyCache();
    const failing = cache.keysStep(APEX, [], [], [], () => Promise.reject(new Error("budget")));
    const waiting = cache.keysStep(APEX, [], [], [], step(bogus("signature-invalid", "bad")));
    await expect(failing).rejects.toThrow("budget");
    expect((await waiting).cached).toBe(false);
  });
});
