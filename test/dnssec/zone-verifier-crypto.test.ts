/**
 * Signature checks with the cryptography split into tasks (and shared with
 * a worker thread) report exactly what verifyZone reports: same counts,
 * same failures in the same order, whatever is wrong with the zone.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseName, ROOT, type Name } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import {
  finishZone,
  planZone,
  verifyZone,
  type ZoneReport,
} from "../../src/dnssec/zone-verifier.js";
import { jobResults, prepareSignatures } from "../../src/dnssec/zone-verifier-crypto.js";
import { SignaturePool } from "../../src/dnssec/zone-verifier-crypto-pool.js";
import { verifyAllHere } from "../../src/dnssec/zone-verifier-tasks.js";

const ZONES = new URL("../fixtures/zones/", import.meta.url);
const at = (iso: string): number => Date.parse(iso) / 1000;

function records(file: string, origin: Name): Rr[] {
  const z = parseZone(readFileSync(new URL(file, ZONES), "utf8"), { origin });
  if (!z.ok) throw new Error(`${z.error.line}: ${z.error.message}`);
  return z.records;
}

function byTasks(zone: readonly Rr[], origin: Name, now: number): ZoneReport {
  const plan = planZone(zone, { origin, now });
  const prepared = prepareSignatures(plan);
  return finishZone(plan, jobResults(plan, prepared, verifyAllHere(prepared.tasks)));
}

/** A copy of the zone with one bit of record `i` flipped at `offset` of its RDATA. */
function flipped(zone: readonly Rr[], i: number, offset: number): Rr[] {
  const copy = [...zone];
  const rdata = Uint8Array.from(zone[i]!.rdata);
  rdata[offset]! ^= 0x01;
  copy[i] = { ...zone[i]!, rdata };
  return copy;
}

describe("signature tasks give verifyZone's report", () => {
  let root: Rr[];
  let pool: SignaturePool;
  beforeAll(() => {
    root = records("root.zone.2017082100", ROOT);
    pool = new SignaturePool(1);
  });
  afterAll(() => pool.close());

  it.each([
    ["everything verifies", "2017-08-25T00:00:00Z"],
    ["some signatures have expired", "2017-09-10T00:00:00Z"],
    ["no signature is valid yet", "2017-08-01T00:00:00Z"],
  ])("on the 2017 root zone when %s", (_what, time) => {
    const now = at(time);
    expect(byTasks(root, ROOT, now)).toEqual(verifyZone(root, { origin: ROOT, now }));
  });

  it("on the 2017 root zone with bits flipped in signatures, RRSIG fields, RDATA and a DNSKEY", () => {
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
    expect(byTasks(zone, ROOT, now)).toEqual(expected);
    // A DNSKEY changed: every RRSIG by that key fails.
    const key = zone.findIndex((rr) => rr.type === RrType.DNSKEY && rr.rdata[1] === 0);
    const broken = flipped(zone, key, 40);
    expect(byTasks(broken, ROOT, now)).toEqual(verifyZone(broken, { origin: ROOT, now }));
  });

  it.each([
    ["rfc4035-appendixA-example.zone.signed", "example.", "2004-05-01T00:00:00Z"],
    ["rfc5155-appendixA-example.zone.signed", "example.", "2010-01-01T00:00:00Z"],
    ["ede-zones/dnssec-failures.test.signed", "dnssec-failures.test.", "2025-01-01T00:00:00Z"],
    ["ede-zones/rrsig-failures.test.signed", "rrsig-failures.test.", "2025-01-01T00:00:00Z"],
    ["ede-zones/dnskey-failures.test.signed", "dnskey-failures.test.", "2025-01-01T00:00:00Z"],
  ])("on %s", (file, originText, time) => {
    const origin = parseName(originText);
    const zone = records(file, origin);
    const now = at(time);
    expect(byTasks(zone, origin, now)).toEqual(verifyZone(zone, { origin, now }));
  });

  it("with a worker thread taking its share", async () => {
    const now = at("2017-09-10T00:00:00Z");
    const plan = planZone(root, { origin: ROOT, now });
    const prepared = prepareSignatures(plan);
    const verdicts = await pool.verify(prepared.tasks);
    expect([...verdicts]).toEqual([...verifyAllHere(prepared.tasks)]);
    expect(finishZone(plan, jobResults(plan, prepared, verdicts))).toEqual(
      verifyZone(root, { origin: ROOT, now }),
    );
    expect(pool.size).toBe(1);
  });
});
