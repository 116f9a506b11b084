/**
 * DNS messages (RFC 1035 §4.1) as the watcher reads them off the wire.
 *
 * decodeMessage never throws: whatever the bytes, it returns a message or an
 * error value with the offset of the problem. Records keep their owner names
 * and RDATA in uncompressed wire form, case included (see rr.ts); the OPT
 * pseudo-record is taken out of the additional section and turned into
 * `edns`, and the RCODE is the full 12-bit value (RFC 6891 §6.1.3).
 *
 * Limitations:
 * - Octets after the last record are ignored, as resolvers do; their count
 *   is reported in `trailingOctets`.
 * - Section counts that promise more than the message holds are an error,
 *   even with TC set; a caller that only needs the header of a truncated
 *   answer reads it with decodeHeader.
 * - Compression pointers must lead backwards and never into the header;
 *   extended label types (RFC 6891 §5) are rejected.
 */
import type { Name } from "./name.js";
import type { Rr } from "./rr.js";
import { RrType } from "./rr.js";
import { decodeOpt, type Edns } from "./edns.js";
import { HEADER_LENGTH, WireError, readName, readRdata, u16, u32 } from "./wire.js";

export { encodeMessage, encodeQuery } from "./message-encode.js";
export type { MessageToEncode, QueryToEncode } from "./message-encode.js";

export interface Flags {
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
}

export interface Question {
  name: Name;
  type: number;
  class: number;
}

export interface Message {
  id: number;
  opcode: number;
  flags: Flags;
  /** The full RCODE: header bits, plus the OPT's upper eight bits when present. */
  rcode: number;
  question: Question[];
  answer: Rr[];
  authority: Rr[];
  /** Additional records, the OPT pseudo-record taken out. */
  additional: Rr[];
  edns?: Edns;
  /** Octets in the message as received. */
  size: number;
  /** Octets after the last record, ignored. */
  trailingOctets: number;
}

export type DecodeResult =
  { ok: true; message: Message } | { ok: false; error: string; offset?: number };

/** RCODE values (IANA "DNS RCODEs"); BADVERS needs EDNS to be expressed. */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
  BADCOOKIE: 23,
} as const;

export interface Header {
  id: number;
  opcode: number;
  flags: Flags;
  /** The four header bits only. */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/** The 12-octet header alone (RFC 1035 §4.1.1), or undefined when shorter. */
export function decodeHeader(bytes: Uint8Array): Header | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_LENGTH) return undefined;
  const hi = bytes[2]!;
  const lo = bytes[3]!;
  return {
    id: u16(bytes, 0),
    opcode: (hi >>> 3) & 0x0f,
    flags: {
      qr: (hi & 0x80) !== 0,
      aa: (hi & 0x04) !== 0,
      tc: (hi & 0x02) !== 0,
      rd: (hi & 0x01) !== 0,
      ra: (lo & 0x80) !== 0,
      ad: (lo & 0x20) !== 0, // RFC 4035 §3.2.3
      cd: (lo & 0x10) !== 0, // RFC 4035 §3.2.2
    },
    rcode: lo & 0x0f,
    qdcount: u16(bytes, 4),
    ancount: u16(bytes, 6),
    nscount: u16(bytes, 8),
    arcount: u16(bytes, 10),
  };
}

export function decodeMessage(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, message: decodeOrThrow(bytes) };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e.message, offset: e.offset };
    return { ok: false, error: `undecodable message: ${String(e)}` };
  }
}

const MIN_QUESTION = 5; // root name, QTYPE, QCLASS
const MIN_RR = 11; // root owner, TYPE, CLASS, TTL, RDLENGTH

function decodeOrThrow(input: Uint8Array): Message {
  // A plain view, so that slices are copies even when a Buffer is passed in.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const header = decodeHeader(bytes);
  if (!header) throw new WireError("message shorter than the 12-octet header", 0);
  const { qdcount, ancount, nscount, arcount } = header;
  // Cheap bound before any allocation: each entry needs its minimum size.
  if (qdcount * MIN_QUESTION + (ancount + nscount + arcount) * MIN_RR > bytes.length - 12) {
    throw new WireError("section counts promise more than the message holds", 4);
  }
  let pos = HEADER_LENGTH;
  const question: Question[] = [];
  for (let i = 0; i < qdcount; i++) {
    const { name, end } = readName(bytes, pos);
    question.push({ name, type: u16(bytes, end), class: u16(bytes, end + 2) });
    pos = end + 4;
  }
  const answer: Rr[] = [];
  const authority: Rr[] = [];
  const additional: Rr[] = [];
  let edns: Edns | undefined;
  let extendedRcode = 0;
  const sections: [Rr[], number][] = [
    [answer, ancount],
    [authority, nscount],
    [additional, arcount],
  ];
  for (const [list, count] of sections) {
    for (let i = 0; i < count; i++) {
      const start = pos;
      const { name: owner, end } = readName(bytes, pos);
      const type = u16(bytes, end);
      const cls = u16(bytes, end + 2);
      const ttl = u32(bytes, end + 4);
      const rdlength = u16(bytes, end + 8);
      const rdataStart = end + 10;
      const rdata = readRdata(bytes, type, rdataStart, rdlength);
      pos = rdataStart + rdlength;
      if (type !== RrType.OPT) {
        list.push({ owner, type, class: cls, ttl, rdata });
        continue;
      }
      // RFC 6891 §6.1.1: one OPT at most, in the additional section, owned by the root.
      if (list !== additional)
        throw new WireError("OPT record outside the additional section", start);
      if (edns) throw new WireError("more than one OPT record", start);
      if (owner.length !== 1)
        throw new WireError("OPT record with an owner other than the root", start);
      const opt = decodeOpt(cls, ttl, rdata, rdataStart);
      edns = opt.edns;
      extendedRcode = opt.extendedRcode;
    }
  }
  const message: Message = {
    id: header.id,
    opcode: header.opcode,
    flags: header.flags,
    // RFC 6891 §6.1.3: EXTENDED-RCODE holds the upper eight bits of the 12-bit RCODE.
    rcode: (extendedRcode << 4) | header.rcode,
    question,
    answer,
    authority,
    additional,
    size: bytes.length,
    trailingOctets: bytes.length - pos,
  };
  if (edns) message.edns = edns;
  return message;
}
