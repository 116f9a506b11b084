/**
 * dns-packet as an independent second reader, for tests: what it decodes
 * (names as text, types and classes by its own tables) is compared with what
 * our decoder keeps as wire bytes.
 */
import { createRequire } from "node:module";
import dnsPacket from "dns-packet";
import { expect } from "vitest";
import type { Message } from "../../src/dns/message.js";
import { nameToText } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";

const require = createRequire(import.meta.url);
const dpTypes = require("dns-packet/types.js") as { toType(name: string): number };
const dpClasses = require("dns-packet/classes.js") as { toClass(name: string): number };

export interface DpRecord {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  data?: unknown;
  udpPayloadSize?: number;
  extendedRcode?: number;
  ednsVersion?: number;
  flag_do?: boolean;
  options?: { code: number; data: Buffer }[];
}

export interface DpPacket {
  id: number;
  flags: number;
  flag_qr: boolean;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_rd: boolean;
  flag_ra: boolean;
  flag_ad: boolean;
  flag_cd: boolean;
  questions: { name: string; type: string; class: string }[];
  answers: DpRecord[];
  authorities: DpRecord[];
  additionals: DpRecord[];
}

/** dns-packet's decoding, or the exception it threw. */
export function dpDecode(bytes: Uint8Array): { ok: true; packet: DpPacket } | { ok: false } {
  try {
    return { ok: true, packet: dnsPacket.decode(Buffer.from(bytes)) as unknown as DpPacket };
  } catch {
    return { ok: false };
  }
}

export function dpTypeCode(type: string): number {
  return dpTypes.toType(type);
}

export function dpClassCode(cls: string): number {
  if (cls.toUpperCase().startsWith("UNKNOWN_")) return Number(cls.slice(8));
  return dpClasses.toClass(cls);
}

/** dns-packet writes names without the trailing dot, the root as ".". */
export function dpNameText(name: string): string {
  return name === "." ? "." : name + ".";
}

/** The uncompressed name at `offset` of an RDATA, by walking its labels. */
export function nameAt(rdata: Uint8Array, offset: number): Uint8Array {
  let i = offset;
  while (rdata[i] !== 0) i += 1 + rdata[i]!;
  return rdata.subarray(offset, i + 1);
}

/** Names inside RDATA as dns-packet reports them, and where ours sit. */
function rdataNames(rr: Rr, dp: DpRecord): [string, Uint8Array][] {
  const d = dp.data as Record<string, string>;
  switch (rr.type) {
    case RrType.NS:
    case RrType.CNAME:
    case RrType.PTR:
    case RrType.DNAME:
      return [[dp.data as string, nameAt(rr.rdata, 0)]];
    case RrType.MX:
      return [[d.exchange!, nameAt(rr.rdata, 2)]];
    case RrType.SRV:
      return [[d.target!, nameAt(rr.rdata, 6)]];
    case RrType.RRSIG:
      return [[d.signersName!, nameAt(rr.rdata, 18)]];
    case RrType.NSEC:
      return [[d.nextDomain!, nameAt(rr.rdata, 0)]];
    case RrType.SOA: {
      const mname = nameAt(rr.rdata, 0);
      return [
        [d.mname!, mname],
        [d.rname!, nameAt(rr.rdata, mname.length)],
      ];
    }
    default:
      return [];
  }
}

const plain = (text: string) => /^[A-Za-z0-9._*-]*$/.test(text);

function compareSection(mine: Rr[], theirs: DpRecord[]): number {
  expect(mine.length).toBe(theirs.length);
  let namesCompared = 0;
  mine.forEach((rr, i) => {
    const dp = theirs[i]!;
    expect(rr.type).toBe(dpTypeCode(dp.type));
    expect(rr.class & 0x7fff).toBe(dpClassCode(dp.class!));
    expect(rr.ttl).toBe(dp.ttl);
    if (plain(dp.name)) expect(nameToText(rr.owner)).toBe(dpNameText(dp.name));
    for (const [text, wire] of rdataNames(rr, dp)) {
      if (!plain(text)) continue;
      expect(nameToText(wire)).toBe(dpNameText(text));
      namesCompared++;
    }
  });
  return namesCompared;
}

export function checkAgainstDnsPacket(m: Message, bytes: Uint8Array): number {
  const dp = dpDecode(bytes);
  if (!dp.ok) throw new Error("dns-packet could not decode it");
  const p = dp.packet;
  expect(m.id).toBe(p.id);
  expect(m.opcode).toBe((p.flags >> 11) & 0x0f);
  expect(m.rcode & 0x0f).toBe(p.flags & 0x0f);
  expect(m.flags).toEqual({
    qr: p.flag_qr,
    aa: p.flag_aa,
    tc: p.flag_tc,
    rd: p.flag_rd,
    ra: p.flag_ra,
    ad: p.flag_ad,
    cd: p.flag_cd,
  });
  expect(m.question.length).toBe(p.questions.length);
  m.question.forEach((q, i) => {
    const theirs = p.questions[i]!;
    expect(q.type).toBe(dpTypeCode(theirs.type));
    if (plain(theirs.name)) expect(nameToText(q.name)).toBe(dpNameText(theirs.name));
  });
  let names = compareSection(m.answer, p.answers);
  names += compareSection(m.authority, p.authorities);
  const opts = p.additionals.filter((r) => r.type === "OPT");
  names += compareSection(
    m.additional,
    p.additionals.filter((r) => r.type !== "OPT"),
  );
  expect(m.edns === undefined).toBe(opts.length === 0);
  if (m.edns) {
    const opt = opts[0]!;
    expect(m.edns.udpSize).toBe(opt.udpPayloadSize);
    expect(m.edns.version).toBe(opt.ednsVersion);
    expect(m.edns.dnssecOk).toBe(opt.flag_do);
    expect(m.rcode >> 4).toBe(opt.extendedRcode);
    expect(m.edns.options.map((o) => o.code)).toEqual(opt.options!.map((o) => o.code));
  }
  return names;
}
