/**
 * dns-packet as an independent second reader, for tests: what it decodes
 * (names as text, types and classes by its own tables) is compared with what
 * our decoder keeps as wire bytes.
 */
import { createRequire } from "node:module";
import dnsPacket from "dns-packet";

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
