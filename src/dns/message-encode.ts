/**
 * Writing DNS messages (RFC 1035 §4.1): queries for the probes, and whole
 * responses for tests and the replay server. Names are written uncompressed
 * (RFC 1035 §4.1.4 makes compression optional). Arguments that cannot be
 * written are a programming error and throw RangeError.
 */
import type { Name } from "./name.js";
import type { Rr } from "./rr.js";
import { RrClass, RrType } from "./rr.js";
import { EdnsOptionCode, encodeOpt, type EdnsToEncode } from "./edns.js";
import type { Flags, Question } from "./message.js";
import { WireWriter, assertWireName } from "./wire.js";

export interface MessageToEncode {
  id: number;
  /** Default 0 (QUERY). */
  opcode?: number;
  /** Unset flags are clear. */
  flags?: Partial<Flags>;
  /** The full RCODE; above 15 it needs `edns` (RFC 6891 §6.1.3). Default 0. */
  rcode?: number;
  question?: readonly Question[];
  answer?: readonly Rr[];
  authority?: readonly Rr[];
  /** Without OPT records: EDNS goes in `edns`. */
  additional?: readonly Rr[];
  /** When present, an OPT RR is written last in the additional section. */
  edns?: EdnsToEncode;
}

export interface QueryToEncode {
  id: number;
  name: Name;
  type: number;
  /** Default IN. */
  class?: number;
  /** Recursion desired; default false. */
  rd?: boolean;
  /** Checking disabled (RFC 4035 §3.2.2); default false. */
  cd?: boolean;
  /** Asks for the AD bit without DO (RFC 6840 §5.7); default false. */
  ad?: boolean;
  /** The DO bit (RFC 3225). */
  dnssecOk?: boolean;
  /** Advertised UDP payload size; default 1232 when EDNS is sent. */
  udpSize?: number;
  /** Asks for the server's NSID (RFC 5001 §2.1: an empty NSID option). */
  nsid?: boolean;
}

function checkRange(what: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} out of range: ${v}`);
}

function writeRecord(w: WireWriter, rr: Rr): void {
  assertWireName(rr.owner, "owner");
  if (rr.rdata.length > 0xffff) throw new RangeError("RDATA longer than 65535 octets");
  w.bytes(rr.owner).u16(rr.type).u16(rr.class).u32(rr.ttl).u16(rr.rdata.length).bytes(rr.rdata);
}

export function encodeMessage(m: MessageToEncode): Uint8Array {
  checkRange("id", m.id, 0xffff);
  const opcode = m.opcode ?? 0;
  checkRange("opcode", opcode, 0x0f);
  const rcode = m.rcode ?? 0;
  checkRange("rcode", rcode, 0xfff);
  if (rcode > 0x0f && !m.edns) throw new RangeError(`rcode ${rcode} needs EDNS`);
  const f = m.flags ?? {};
  const question = m.question ?? [];
  const answer = m.answer ?? [];
  const authority = m.authority ?? [];
  const additional = m.additional ?? [];
  if (additional.some((rr) => rr.type === RrType.OPT)) {
    throw new RangeError("pass EDNS as `edns`, not as an OPT record");
  }
  const arcount = additional.length + (m.edns ? 1 : 0);
  for (const n of [question.length, answer.length, authority.length, arcount]) {
    checkRange("section count", n, 0xffff);
  }

  const w = new WireWriter();
  w.u16(m.id)
    .u8((f.qr ? 0x80 : 0) | (opcode << 3) | (f.aa ? 0x04 : 0) | (f.tc ? 0x02 : 0) | (f.rd ? 1 : 0))
    .u8((f.ra ? 0x80 : 0) | (f.ad ? 0x20 : 0) | (f.cd ? 0x10 : 0) | (rcode & 0x0f))
    .u16(question.length)
    .u16(answer.length)
    .u16(authority.length)
    .u16(arcount);
  for (const q of question) {
    assertWireName(q.name, "question name");
    w.bytes(q.name).u16(q.type).u16(q.class);
  }
  for (const rr of answer) writeRecord(w, rr);
  for (const rr of authority) writeRecord(w, rr);
  for (const rr of additional) writeRecord(w, rr);
  if (m.edns) w.bytes(encodeOpt(m.edns, rcode));
  return w.finish();
}

/**
 * A query with one question. An OPT RR is added when any of `dnssecOk`,
 * `udpSize` or `nsid` is given; without it a server sends neither DO-bit
 * answers (RFC 3225 §3) nor Extended DNS Errors (RFC 8914 §2).
 */
export function encodeQuery(q: QueryToEncode): Uint8Array {
  const withEdns = q.dnssecOk !== undefined || q.udpSize !== undefined || q.nsid === true;
  const message: MessageToEncode = {
    id: q.id,
    flags: { rd: q.rd ?? false, cd: q.cd ?? false, ad: q.ad ?? false },
    question: [{ name: q.name, type: q.type, class: q.class ?? RrClass.IN }],
  };
  if (q.udpSize !== undefined) checkRange("udpSize", q.udpSize, 0xffff);
  if (withEdns) {
    message.edns = {
      dnssecOk: q.dnssecOk ?? false,
      options: q.nsid ? [{ code: EdnsOptionCode.NSID, data: new Uint8Array(0) }] : [],
    };
    if (q.udpSize !== undefined) message.edns.udpSize = q.udpSize;
  }
  checkRange("type", q.type, 0xffff);
  checkRange("class", q.class ?? RrClass.IN, 0xffff);
  return encodeMessage(message);
}
