/**
 * EDNS(0) (RFC 6891): the OPT pseudo-record that carries the UDP payload
 * size, the upper bits of the RCODE, the version, the DO bit (RFC 3225) and a
 * list of options, among them Extended DNS Errors (RFC 8914).
 */
import { WireError, WireWriter, u16 } from "./wire.js";

/** EDNS option codes used here (IANA "DNS EDNS0 Option Codes (OPT)"). */
export const EdnsOptionCode = {
  NSID: 3, // RFC 5001
  CLIENT_SUBNET: 8, // RFC 7871
  COOKIE: 10, // RFC 7873
  PADDING: 12, // RFC 7830
  EDE: 15, // RFC 8914
} as const;

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** One Extended DNS Error (RFC 8914 §2). */
export interface ExtendedDnsError {
  /** INFO-CODE. */
  code: number;
  /** EXTRA-TEXT, decoded as UTF-8; empty when absent. */
  text: string;
}

export interface Edns {
  /** Requestor's UDP payload size, as sent (RFC 6891 §6.2.5: below 512 means 512). */
  udpSize: number;
  version: number;
  /** The DO bit (RFC 3225 §3). */
  dnssecOk: boolean;
  /** Every option in wire order, Extended DNS Errors included. */
  options: EdnsOption[];
  /** The Extended DNS Error options, parsed. */
  ede: ExtendedDnsError[];
}

/** What encodeOpt needs; unset fields take the defaults noted. */
export interface EdnsToEncode {
  /** Default 1232, the size the DNS Flag Day 2020 settled on. */
  udpSize?: number;
  /** Default 0. */
  version?: number;
  dnssecOk?: boolean;
  /** Written first, in this order. */
  options?: readonly EdnsOption[];
  /** Written after `options`, one EDE option each. */
  ede?: readonly ExtendedDnsError[];
}

export const DEFAULT_UDP_SIZE = 1232;
const DO_BIT = 0x8000;
const utf8 = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

/**
 * Parses the fields of an OPT RR (RFC 6891 §6.1.2 and §6.1.3): CLASS is the
 * UDP payload size and TTL holds EXTENDED-RCODE, VERSION, DO and Z. Returns
 * the EDNS data and the upper eight bits of the RCODE.
 */
export function decodeOpt(
  cls: number,
  ttl: number,
  rdata: Uint8Array,
  rdataOffset: number,
): { edns: Edns; extendedRcode: number } {
  const options: EdnsOption[] = [];
  const ede: ExtendedDnsError[] = [];
  let pos = 0;
  while (pos < rdata.length) {
    // RFC 6891 §6.1.2: OPTION-CODE, OPTION-LENGTH, then that many octets.
    if (pos + 4 > rdata.length) {
      throw new WireError("EDNS option header runs past the OPT RDATA", rdataOffset + pos);
    }
    const code = u16(rdata, pos);
    const len = u16(rdata, pos + 2);
    if (pos + 4 + len > rdata.length) {
      throw new WireError(`EDNS option ${code} runs past the OPT RDATA`, rdataOffset + pos);
    }
    const data = rdata.slice(pos + 4, pos + 4 + len);
    options.push({ code, data });
    // RFC 8914 §2: INFO-CODE (16 bits) then EXTRA-TEXT in UTF-8. An option too
    // short for its INFO-CODE stays in `options` but gives no error code.
    if (code === EdnsOptionCode.EDE && data.length >= 2) {
      ede.push({ code: u16(data, 0), text: extraText(data.subarray(2)) });
    }
    pos += 4 + len;
  }
  return {
    edns: {
      udpSize: cls,
      version: (ttl >>> 16) & 0xff,
      dnssecOk: (ttl & DO_BIT) !== 0,
      options,
      ede,
    },
    extendedRcode: ttl >>> 24,
  };
}

/**
 * RFC 8914 §2: EXTRA-TEXT is UTF-8 and SHOULD NOT end with a NUL; some
 * servers add one anyway, so trailing NULs are dropped. Invalid sequences
 * become U+FFFD rather than failing the message.
 */
function extraText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return utf8.decode(bytes.subarray(0, end));
}

/**
 * The whole OPT RR (owner ".", TYPE 41) for a message whose full RCODE is
 * `rcode`: its low four bits go in the header, the rest here.
 */
export function encodeOpt(edns: EdnsToEncode, rcode: number): Uint8Array {
  const version = edns.version ?? 0;
  if (!Number.isInteger(version) || version < 0 || version > 0xff) {
    throw new RangeError(`EDNS version out of range: ${version}`);
  }
  const rdata = new WireWriter();
  for (const o of edns.options ?? []) {
    if (o.data.length > 0xffff) throw new RangeError(`EDNS option ${o.code} too long`);
    rdata.u16(o.code).u16(o.data.length).bytes(o.data);
  }
  for (const e of edns.ede ?? []) {
    const text = utf8Encoder.encode(e.text);
    rdata
      .u16(EdnsOptionCode.EDE)
      .u16(2 + text.length)
      .u16(e.code)
      .bytes(text);
  }
  const body = rdata.finish();
  if (body.length > 0xffff) throw new RangeError("OPT RDATA longer than 65535 octets");
  const ttl = (rcode >>> 4) * 0x1000000 + version * 0x10000 + (edns.dnssecOk ? DO_BIT : 0);
  return new WireWriter()
    .u8(0) // RFC 6891 §6.1.2: the owner is the root
    .u16(41)
    .u16(edns.udpSize ?? DEFAULT_UDP_SIZE)
    .u32(ttl)
    .u16(body.length)
    .bytes(body)
    .finish();
}
