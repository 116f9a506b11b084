/**
 * Reading and writing the pieces of a DNS message (RFC 1035 §4.1): octet
 * fields, domain names with compression pointers, and RDATA whose embedded
 * names may be compressed. Reading works on the original bytes so that names
 * keep their case and RDATA its exact octets; only compression pointers are
 * expanded, and only where RDATA_LAYOUT says a name sits.
 *
 * Readers throw WireError on bad data; decodeMessage turns it into an error
 * value, so nothing escapes to callers of the message API.
 */
import type { Name } from "./name.js";
import { RDATA_LAYOUT } from "./rdata-layout.js";

/** Bad data at a position of the message being read. */
export class WireError extends Error {
  override name = "WireError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export const HEADER_LENGTH = 12;
const MAX_NAME_LENGTH = 255; // RFC 1035 §2.3.4, root label included

/** True when the two byte strings are the same length and hold the same octets. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function u16(bytes: Uint8Array, offset: number, limit = bytes.length): number {
  if (offset + 2 > limit) throw new WireError("16-bit field runs past the end", offset);
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function u32(bytes: Uint8Array, offset: number, limit = bytes.length): number {
  if (offset + 4 > limit) throw new WireError("32-bit field runs past the end", offset);
  return (
    bytes[offset]! * 0x1000000 +
    ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
  );
}

/**
 * Reads a possibly compressed name starting at `start`. `limit` bounds the
 * octets read in place (the end of the RDATA for a name inside RDATA); octets
 * reached through a pointer may lie anywhere earlier in the message. Returns
 * the uncompressed name, original case kept, and the offset just past the
 * name as it sits in place.
 */
export function readName(
  msg: Uint8Array,
  start: number,
  limit = msg.length,
): { name: Name; end: number } {
  const out: number[] = [];
  let pos = start;
  let segmentStart = start; // first octet of the labels being read since the last jump
  let bound = limit;
  let end = -1;
  while (true) {
    if (pos >= bound) throw new WireError("name runs past the end", pos);
    const len = msg[pos]!;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 2 > bound) throw new WireError("compression pointer runs past the end", pos);
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (end < 0) end = pos + 2;
      // RFC 1035 §4.1.4: a pointer replaces a prior occurrence of the name, so
      // it must lead strictly backwards, before the labels already read; this
      // also rules out every loop. A name never starts inside the header.
      if (target >= segmentStart) {
        throw new WireError(`compression pointer to ${target} does not point backwards`, pos);
      }
      if (target < HEADER_LENGTH) {
        throw new WireError(`compression pointer to ${target} points into the header`, pos);
      }
      pos = target;
      segmentStart = target;
      bound = msg.length;
      continue;
    }
    if (kind !== 0) {
      // RFC 6891 §5: extended label types (0x40, 0x80) are not in use.
      throw new WireError(`unsupported label type 0x${kind.toString(16)}`, pos);
    }
    if (out.length + 1 + len + (len === 0 ? 0 : 1) > MAX_NAME_LENGTH) {
      throw new WireError("name longer than 255 octets", pos);
    }
    if (pos + 1 + len > bound) throw new WireError("label runs past the end", pos);
    out.push(len);
    for (let i = 1; i <= len; i++) out.push(msg[pos + i]!);
    pos += 1 + len;
    if (len === 0) break;
  }
  return { name: Uint8Array.from(out), end: end < 0 ? pos : end };
}

/**
 * The RDATA of one record, `rdlength` octets at `start`, with every name the
 * layout of `type` lists expanded to uncompressed form. Octets after the last
 * listed name, and the RDATA of types without names, are copied as they are
 * (RFC 3597 §4: new types carry no compressed names).
 */
export function readRdata(
  msg: Uint8Array,
  type: number,
  start: number,
  rdlength: number,
): Uint8Array {
  const end = start + rdlength;
  if (end > msg.length) throw new WireError("RDATA runs past the end", start);
  const layout = RDATA_LAYOUT.get(type);
  // RFC 2136 §2.5: an empty RDATA is legitimate in updates and prerequisites.
  if (!layout || rdlength === 0) return msg.slice(start, end);
  const last = layout.lastIndexOf("name");
  const parts: Uint8Array[] = [];
  let pos = start;
  for (let i = 0; i <= last; i++) {
    const field = layout[i]!;
    if (field === "name") {
      const r = readName(msg, pos, end);
      parts.push(r.name);
      pos = r.end;
      continue;
    }
    const size =
      field === "u8" ? 1 : field === "u16" ? 2 : field === "u32" ? 4 : 1 + (msg[pos] ?? 0);
    if (pos + size > end) throw new WireError(`RDATA too short for its type ${type}`, pos);
    parts.push(msg.subarray(pos, pos + size));
    pos += size;
  }
  parts.push(msg.subarray(pos, end));
  return concatBytes(parts);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Throws on a byte string that is not an uncompressed wire-form name. */
export function assertWireName(name: Name, what = "name"): void {
  let i = 0;
  while (i < name.length) {
    const len = name[i]!;
    if (len > 63) throw new RangeError(`${what}: label length ${len} is not a plain label`);
    if (len === 0) {
      if (i !== name.length - 1) throw new RangeError(`${what}: octets after the root label`);
      if (name.length > MAX_NAME_LENGTH) throw new RangeError(`${what}: longer than 255 octets`);
      return;
    }
    i += 1 + len;
  }
  throw new RangeError(`${what}: missing the root label`);
}

/** Appends octets and fixed-size fields; names are written uncompressed. */
export class WireWriter {
  private parts: Uint8Array[] = [];
  private pending: number[] = [];
  length = 0;

  u8(v: number): this {
    this.pending.push(v & 0xff);
    this.length += 1;
    return this;
  }
  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff)
      throw new RangeError(`not a 16-bit value: ${v}`);
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new RangeError(`not a 32-bit value: ${v}`);
    }
    return this.u16(Math.floor(v / 0x10000)).u16(v % 0x10000);
  }
  bytes(b: Uint8Array): this {
    this.flush();
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  finish(): Uint8Array {
    this.flush();
    return concatBytes(this.parts);
  }
  private flush(): void {
    if (this.pending.length > 0) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }
}
