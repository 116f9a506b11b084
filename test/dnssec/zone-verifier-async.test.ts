/**
 * Signature tasks verified on libuv's thread pool (zone-verifier-async.ts)
 * report exactly what verifyZone reports, and each task's verdict is the
 * one the shared-memory tasks get on this thread (zone-verifier-tasks.ts).
 */
import { sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { nameToText, parseName, ROOT, type Name } from "../../src/dns/name.js";
import { RrType, typeToText, type Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { dnskeyKeyObject, verifySignature } from "../../src/dnssec/algorithms.js";
import { parseDnskey, parseRrsig, type Dnskey } from "../../src/dnssec/rdata.js";
import {
  importZoneKey,
  ThreadPoolVerifier,
  verifyOnThreadPool,
} from "../../src/dnssec/zone-verifier-async.js";
import { finishZone, planZone, verifyZone } from "../../src/dnssec/zone-verifier.js";
import { prepareSignatures, zoneKeys } from "../../src/dnssec/zone-verifier-crypto.js";
import { verifyAllHere } from "../../src/dnssec/zone-verifier-tasks.js";
import { makeKey } from "./signatures-support.js";

const ZONES = new URL("../fixtures/zones/", import.meta.url);
const at = (iso: string): number => Date.parse(iso) / 1000;

function records(file: string, origin: Name): Rr[] {
  const z = parseZone(readFileSync(new URL(file, ZONES), "utf8"), { origin });
  if (!z.ok) throw new Error(`${z.error.line}: ${z.error.message}`);
  return z.records;
}

async function onThreadPool(zone: readonly Rr[], origin: Name, now: number) {
  const plan = planZone(zone, { origin, now });
  return finishZone(plan, await verifyOnThreadPool(plan));
}

/** A copy of the zone with one bit of record `i` flipped at `offset` of its RDATA. */
function flipped(zone: readonly Rr[], i: number, offset: number): Rr[] {
  const copy = [...zone];
  const rdata = Uint8Array.from(zone[i]!.rdata);
  rdata[offset]! ^= 0x01;
  copy[i] = { ...zone[i]!, rdata };
  return copy;
}

describe("signatures verified on the thread pool give verifyZone's report", () => {
  let root: Rr[];
  beforeAll(() => {
    root = records("root.zone.2017082100", ROOT);
  });

  it("on the 2017 root zone when everything verifies", async () => {
    const now = at("2017-08-25T00:00:00Z");
    const report = await onThreadPool(root, ROOT, now);
    expect(report).toEqual(verifyZone(root, { origin: ROOT, now }));
    // The zone's 2,950 RRSIGs, one per authoritative RRset.
    expect(report).toMatchObject({ signatures: 2950, secure: 2950, bogus: 0, failures: [] });
  });

  it("on the 2017 root zone when some signatures have expired", async () => {
    const now = at("2017-09-10T00:00:00Z");
    const report = await onThreadPool(root, ROOT, now);
    expect(report).toEqual(verifyZone(root, { origin: ROOT, now }));
    expect(report.bogus).toBeGreaterThan(0);
    expect(report.failures[0]).toMatchObject({
      owner: ".",
      type: "SOA",
      reason: "signature-expired",
    });
  });

  it("on the 2017 root zone before any signature is valid", async () => {
    const now = at("2017-08-01T00:00:00Z");
    expect(await onThreadPool(root, ROOT, now)).toEqual(verifyZone(root, { origin: ROOT, now }));
  });

  it("on the 2017 root zone with bits flipped in signatures, RRSIG fields, RDATA and a DNSKEY", async () => {
    const now = at("2017-08-25T00:00:00Z");
    let zone = root;
    const sigs = zone.flatMap((rr, i) => (rr.type === RrType.RRSIG ? [i] : []));
    const data = zone.flatMap((rr, i) =>
      rr.type === RrType.NSEC || rr.type === RrType.DS ? [i] : [],
    );
    for (let k = 0; k < 30; k++) {
      const i = sigs[(k * 97) % sigs.length]!;
      zone = flipped(zone, i, (k * 13) % zone[i]!.rdata.length);
    }
    for (let k = 0; k < 20; k++) {
      const i = data[(k * 131) % data.length]!;
      zone = flipped(zone, i, (k * 7) % zone[i]!.rdata.length);
    }
    const expected = verifyZone(zone, { origin: ROOT, now });
    expect(expected.bogus).toBeGreaterThan(20);
    const report = await onThreadPool(zone, ROOT, now);
    expect(report).toEqual(expected);
    // A DNSKEY changed: every RRSIG by that key fails.
    const key = zone.findIndex((rr) => rr.type === RrType.DNSKEY && rr.rdata[1] === 0);
    const broken = flipped(zone, key, 40);
    const all = verifyZone(broken, { origin: ROOT, now });
    expect(all.secure).toBeLessThan(expected.secure);
    expect(await onThreadPool(broken, ROOT, now)).toEqual(all);
  });

  it("gives each task of the root zone the verdict it gets on this thread", async () => {
    const now = at("2017-08-25T00:00:00Z");
    let zone = root;
    const sigs = zone.flatMap((rr, i) => (rr.type === RrType.RRSIG ? [i] : []));
    const flippedAt: number[] = [];
    for (let k = 0; k < 40; k++) {
      const i = sigs[(k * 61) % sigs.length]!;
      flippedAt.push(i);
      // Past the 18 fixed octets and the root signer: the signature itself.
      zone = flipped(zone, i, 19 + ((k * 17) % (zone[i]!.rdata.length - 19)));
    }
    const plan = planZone(zone, { origin: ROOT, now });
    const packed = prepareSignatures(plan);
    const here = verifyAllHere(packed.tasks);
    const keys = zoneKeys(plan);
    const sink = new ThreadPoolVerifier(keys.map((k) => k.key));
    const sent = prepareSignatures(plan, sink, keys);
    expect(sent.tasks.count).toBe(0);
    expect(sent.count).toBe(packed.count);
    expect(sent.firstTask).toEqual(packed.firstTask);
    expect(sent.taskCount).toEqual(packed.taskCount);
    const verdicts = await sink.verdicts(sent.count);
    expect([...verdicts]).toEqual([...here]);
    // Past 100 checks in flight, the rest are verified on this thread: the same verdicts.
    const bounded = new ThreadPoolVerifier(
      keys.map((k) => k.key),
      100,
    );
    const again = prepareSignatures(plan, bounded, keys);
    expect([...(await bounded.verdicts(again.count))]).toEqual([...here]);
    // 40 signatures flipped, each its own RRset's only one.
    expect(verdicts.filter((v) => v === 2)).toHaveLength(40);
    expect(verdicts.filter((v) => v === 1)).toHaveLength(packed.count - 40);
    // The report names exactly the owners and types of the flipped RRSIGs.
    const report = finishZone(plan, await verifyOnThreadPool(plan));
    expect(report).toEqual(verifyZone(zone, { origin: ROOT, now }));
    const named = (owner: string, type: string): string => `${owner} ${type}`;
    const flippedSets = new Set(
      flippedAt.map((i) =>
        named(nameToText(zone[i]!.owner), typeToText(parseRrsig(zone[i]!.rdata)!.typeCovered)),
      ),
    );
    expect(new Set(report.failures.map((f) => named(f.owner, f.type)))).toEqual(flippedSets);
    expect(report.failures.every((f) => f.reason === "signature-invalid")).toBe(true);
  });

  it.each([
    ["rfc4035-appendixA-example.zone.signed", "example.", "2004-05-01T00:00:00Z"],
    ["rfc5155-appendixA-example.zone.signed", "example.", "2010-01-01T00:00:00Z"],
    ["ede-zones/dnssec-failures.test.signed", "dnssec-failures.test.", "2025-01-01T00:00:00Z"],
    ["ede-zones/rrsig-failures.test.signed", "rrsig-failures.test.", "2025-01-01T00:00:00Z"],
    ["ede-zones/dnskey-failures.test.signed", "dnskey-failures.test.", "2025-01-01T00:00:00Z"],
    ["ede-zones/nsec-failures.test.signed", "nsec-failures.test.", "2001-01-15T00:00:00Z"],
  ])("on %s", async (file, originText, time) => {
    const origin = parseName(originText);
    const zone = records(file, origin);
    const now = at(time);
    expect(await onThreadPool(zone, origin, now)).toEqual(verifyZone(zone, { origin, now }));
  });
});

describe("ThreadPoolVerifier", () => {
  const owner = parseName("example.");
  const data = Buffer.from("signed data of an RRset");
  const generated = ([8, 13, 15] as const).map((alg) => {
    const key = makeKey(alg, owner);
    const hash = alg === 15 ? null : "sha256";
    const signature = sign(hash, data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
    return { alg, dnskey: parseDnskey(key.rr.rdata)!, signature: new Uint8Array(signature) };
  });
  const keys: Dnskey[] = generated.map((g) => g.dnskey);

  it("says verified exactly where verifySignature does", async () => {
    const sink = new ThreadPoolVerifier(keys);
    const cases: [number, number, Uint8Array, Uint8Array][] = [];
    generated.forEach((g, k) => {
      const wrong = Uint8Array.from(g.signature);
      wrong[wrong.length - 1]! ^= 0x80;
      const otherData = Buffer.from("other data");
      cases.push([g.alg, k, data, g.signature]); // good
      cases.push([g.alg, k, data, wrong]); // a bit off in the signature
      cases.push([g.alg, k, otherData, g.signature]); // other data
      cases.push([g.alg, k, data, g.signature.subarray(1)]); // an octet short
      cases.push([g.alg, (k + 1) % keys.length, data, g.signature]); // another algorithm's key
      cases.push([g.alg, keys.length, data, g.signature]); // no such key
    });
    cases.forEach(([alg, k, d, s], t) => sink.submit(t, alg, k, d, s));
    const verdicts = await sink.verdicts(cases.length + 2);
    const expected = cases.map(([alg, k, d, s]) => {
      const key = keys[k];
      if (!key || key.algorithm !== alg) return 2;
      return verifySignature(alg, key.publicKey, d, s).ok ? 1 : 2;
    });
    expect([...verdicts]).toEqual([...expected, 0, 0]);
    // With no check allowed in flight, every task is verified on this thread, alike.
    const here = new ThreadPoolVerifier(keys, 0);
    cases.forEach(([alg, k, d, s], t) => here.submit(t, alg, k, d, s));
    expect([...(await here.verdicts(cases.length))]).toEqual(expected);
    expect(expected.filter((v) => v === 1)).toHaveLength(3);
  });

  it("copies what it is given: changing the data after submit changes nothing", async () => {
    const sink = new ThreadPoolVerifier(keys);
    const mine = Uint8Array.from(data);
    sink.submit(0, 8, 0, mine, generated[0]!.signature);
    mine.fill(0);
    expect([...(await sink.verdicts(1))]).toEqual([1]);
  });

  it("verdicts of a sink given nothing are all 0", async () => {
    expect([...(await new ThreadPoolVerifier(keys).verdicts(3))]).toEqual([0, 0, 0]);
  });

  it("does not use a key that algorithms.ts refuses: an RSA modulus above 4096 bits", async () => {
    const big: Dnskey = {
      ...keys[0]!,
      publicKey: Uint8Array.from([1, 3, ...new Array<number>(513).fill(0xff)]),
    };
    expect(verifySignature(8, big.publicKey, data, new Uint8Array(513))).toMatchObject({
      cause: "malformed-key",
    });
    expect(importZoneKey(big)).toBeUndefined();
    expect(importZoneKey(keys[0]!)).toBeDefined();
    const sink = new ThreadPoolVerifier([big]);
    sink.submit(0, 8, 0, data, new Uint8Array(513));
    expect([...(await sink.verdicts(1))]).toEqual([2]);
  });

  it("uses the KeyObject algorithms.ts caches for the DNSKEY, found again from a copy of its bytes", () => {
    const key = importZoneKey(keys[0]!);
    expect(key).toBe(dnskeyKeyObject(keys[0]!.algorithm, keys[0]!.publicKey));
    expect(importZoneKey({ ...keys[0]!, publicKey: Uint8Array.from(keys[0]!.publicKey) })).toBe(
      key,
    );
    expect(key?.asymmetricKeyType).toBe("rsa");
    expect(importZoneKey({ ...keys[0]!, algorithm: 3 })).toBeUndefined();
  });
});
