/**
 * Helpers for the denial-of-existence tests: the RFC example zones read with
 * the project's zone file parser, records picked by owner, and RDATA edits
 * that break one field at a time.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { nameEquals, parseName, type Name } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { parseRecord, parseZone } from "../../src/dns/zonefile.js";

export const n = (text: string): Name => parseName(text);

export const EXAMPLE = n("example.");

export function fixture(file: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../fixtures/denial/${file}`, import.meta.url)),
    "utf8",
  );
}

export function loadZone(file: string, origin: Name = EXAMPLE): Rr[] {
  const result = parseZone(fixture(file), { origin });
  if (!result.ok) throw new Error(`${file}:${result.error.line}: ${result.error.message}`);
  return result.records;
}

/** The record of `type` at each owner, in the order given; throws when one is absent. */
export function pick(zone: readonly Rr[], type: number, ...owners: string[]): Rr[] {
  return owners.map((owner) => {
    const name = parseName(owner, EXAMPLE);
    const rr = zone.find((r) => r.type === type && nameEquals(r.owner, name));
    if (!rr) throw new Error(`no ${type} record at ${owner}`);
    return rr;
  });
}

export const nsecAt = (zone: readonly Rr[], ...owners: string[]): Rr[] =>
  pick(zone, RrType.NSEC, ...owners);

/** NSEC3 records by the first label of their owner (the base32hex hash). */
export const nsec3At = (zone: readonly Rr[], ...hashes: string[]): Rr[] =>
  pick(zone, RrType.NSEC3, ...hashes.map((h) => `${h}.example.`));

/** A copy of the record with RDATA octet `offset` set to `value`. */
export function withOctet(rr: Rr, offset: number, value: number): Rr {
  const rdata = Uint8Array.from(rr.rdata);
  rdata[offset] = value;
  return { ...rr, rdata };
}

/** NSEC3 RDATA: octet 1 holds the flags (RFC 5155 §3.2); opt-out is bit 0x01. */
export const withoutOptOut = (rr: Rr): Rr => withOctet(rr, 1, rr.rdata[1]! & ~0x01);

/** A copy of the record with its 16-bit NSEC3 iterations field (RDATA octets 2-3) replaced. */
export function withIterations(rr: Rr, iterations: number): Rr {
  return withOctet(withOctet(rr, 2, iterations >> 8), 3, iterations & 0xff);
}

/** Every record but the one at index `i`. */
export const without = <T>(list: readonly T[], i: number): T[] => list.filter((_, k) => k !== i);

/** One record in presentation format, relative names completed with example. */
export const record = (line: string): Rr => parseRecord(line, EXAMPLE);
