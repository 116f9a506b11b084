import { describe, expect, it } from "vitest";
import { decodeMessage } from "../../src/dns/message.js";
import { nameToText } from "../../src/dns/name.js";
import { dpDecode } from "./dns-packet-oracle.js";

/** "example.com." in wire form, spelled out. */
const EXAMPLE_COM = [7, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 3, 0x63, 0x6f, 0x6d, 0];

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** A response with one question (example.com. A IN), no records, and an OPT RR. */
function withOpt(opts: {
  headerRcode: number;
  ttl: [number, number, number, number];
  rdata: number[];
  owner?: number[];
  optInAnswer?: boolean;
}): Uint8Array {
  const opt = [
    ...(opts.owner ?? [0]),
    0x00,
    0x29, // TYPE 41
    0x04,
    0xd0, // CLASS: UDP payload size 1232
    ...opts.ttl,
    opts.rdata.length >> 8,
    opts.rdata.length & 0xff,
    ...opts.rdata,
  ];
  return Uint8Array.from([
    0x12,
    0x34, // ID
    0x81, // QR, opcode 0, RD
    0x80 | opts.headerRcode, // RA, RCODE low bits
    0x00,
    0x01, // QDCOUNT
    0x00,
    opts.optInAnswer ? 1 : 0, // ANCOUNT
    0x00,
    0x00, // NSCOUNT
    0x00,
    opts.optInAnswer ? 0 : 1, // ARCOUNT
    ...EXAMPLE_COM,
    0x00,
    0x01,
    0x00,
    0x01,
    ...opt,
  ]);
}

describe("Extended DNS Errors (RFC 8914 §2)", () => {
  // Two EDE options and an NSID option, written out octet by octet.
  const rdata = [
    ...[0x00, 0x0f, 0x00, 0x09, 0x00, 0x07, ...ascii("expired")], // EDE 7, "expired"
    ...[0x00, 0x0f, 0x00, 0x02, 0x00, 0x06], // EDE 6, no text
    ...[0x00, 0x03, 0x00, 0x02, ...ascii("ns")], // NSID "ns"
  ];
  const bytes = withOpt({ headerRcode: 2, ttl: [0, 0, 0x80, 0], rdata });

  it("reads INFO-CODE and EXTRA-TEXT of each EDE option, in order", () => {
    const r = decodeMessage(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.rcode).toBe(2);
    expect(r.message.edns?.ede).toEqual([
      { code: 7, text: "expired" },
      { code: 6, text: "" },
    ]);
  });
  it("keeps every option in wire order, EDE included", () => {
    const r = decodeMessage(bytes);
    if (!r.ok) throw new Error(r.error);
    const edns = r.message.edns!;
    expect(edns.options.map((o) => o.code)).toEqual([15, 15, 3]);
    expect(Buffer.from(edns.options[2]!.data).toString("latin1")).toBe("ns");
    expect(edns.udpSize).toBe(1232);
    expect(edns.dnssecOk).toBe(true);
    expect(edns.version).toBe(0);
    expect(r.message.additional).toEqual([]);
    expect(nameToText(r.message.question[0]!.name)).toBe("example.com.");
  });
  it("decodes EXTRA-TEXT as UTF-8 and drops a trailing NUL", () => {
    const text = [0xc3, 0xa9, 0x74, 0xc3, 0xa9, 0x00]; // "été" and a NUL
    const r = decodeMessage(
      withOpt({ headerRcode: 2, ttl: [0, 0, 0, 0], rdata: [0, 15, 0, 8, 0, 9, ...text] }),
    );
    expect(r.ok && r.message.edns?.ede).toEqual([{ code: 9, text: "été" }]);
  });
  it("keeps an EDE option too short for its INFO-CODE as an option only", () => {
    const r = decodeMessage(
      withOpt({ headerRcode: 2, ttl: [0, 0, 0, 0], rdata: [0, 15, 0, 1, 7] }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.edns?.ede).toEqual([]);
    expect(r.message.edns?.options).toEqual([{ code: 15, data: Uint8Array.of(7) }]);
  });
});

describe("extended RCODE (RFC 6891 §6.1.3)", () => {
  it("joins EXTENDED-RCODE and the header bits into BADVERS (16)", () => {
    const bytes = withOpt({ headerRcode: 0, ttl: [1, 0, 0, 0], rdata: [] });
    const r = decodeMessage(bytes);
    expect(r.ok && r.message.rcode).toBe(16);
    // dns-packet reports the two parts separately.
    const dp = dpDecode(bytes);
    expect(dp.ok && dp.packet.additionals[0]!.extendedRcode).toBe(1);
    expect(dp.ok && dp.packet.flags & 0x0f).toBe(0);
  });
  it("reads all twelve bits and the EDNS version", () => {
    const r = decodeMessage(withOpt({ headerRcode: 0x0b, ttl: [0xff, 3, 0, 0], rdata: [] }));
    expect(r.ok && r.message.rcode).toBe(0xffb);
    expect(r.ok && r.message.edns?.version).toBe(3);
    expect(r.ok && r.message.edns?.dnssecOk).toBe(false);
  });
  it("is the header RCODE alone without OPT", () => {
    const r = decodeMessage(
      Uint8Array.from([0, 1, 0x80, 0x03, 0, 1, 0, 0, 0, 0, 0, 0, ...EXAMPLE_COM, 0, 1, 0, 1]),
    );
    expect(r.ok && r.message.rcode).toBe(3);
    expect(r.ok && r.message.edns).toBeUndefined();
  });
});

describe("where the OPT RR may be (RFC 6891 §6.1.1)", () => {
  it("rejects OPT in the answer section", () => {
    const r = decodeMessage(
      withOpt({ headerRcode: 0, ttl: [0, 0, 0, 0], rdata: [], optInAnswer: true }),
    );
    expect(r).toMatchObject({ ok: false, error: "OPT record outside the additional section" });
  });
  it("rejects an OPT owned by a name other than the root", () => {
    const r = decodeMessage(
      withOpt({ headerRcode: 0, ttl: [0, 0, 0, 0], rdata: [], owner: [1, 0x61, 0] }),
    );
    expect(r).toMatchObject({ ok: false, error: "OPT record with an owner other than the root" });
  });
  it("rejects an option that runs past the OPT RDATA, with its offset", () => {
    const bytes = withOpt({ headerRcode: 0, ttl: [0, 0, 0, 0], rdata: [0, 15, 0, 9, 0, 7] });
    const r = decodeMessage(bytes);
    // The option starts at the RDATA, 6 octets before the end of the message.
    expect(r).toEqual({
      ok: false,
      error: "EDNS option 15 runs past the OPT RDATA",
      offset: bytes.length - 6,
    });
  });
});

describe("names with compression pointers (RFC 1035 §4.1.4)", () => {
  const header = (qdcount: number) => [0, 1, 0, 0, 0, qdcount, 0, 0, 0, 0, 0, 0];

  it("rejects a pointer to the start of its own name", () => {
    const r = decodeMessage(Uint8Array.from([...header(1), 1, 0x61, 0xc0, 12, 0, 1, 0, 1]));
    expect(r).toMatchObject({ ok: false, offset: 14 });
  });
  it("rejects a pointer to a later offset", () => {
    const r = decodeMessage(Uint8Array.from([...header(1), 0xc0, 18, 0, 1, 0, 1, 0])); // to the root at 18
    expect(r).toMatchObject({ ok: false, offset: 12 });
  });
  it("rejects a chain of backward pointers that builds a name over 255 octets", () => {
    // Each question name is one 63-octet label and a pointer to the previous name.
    const bytes: number[] = [...header(5), 0, 0, 1, 0, 1];
    let previous = 12;
    for (let i = 0; i < 4; i++) {
      const at = bytes.length;
      bytes.push(
        63,
        ...new Array<number>(63).fill(0x61),
        0xc0 | (previous >> 8),
        previous & 0xff,
        0,
        1,
        0,
        1,
      );
      previous = at;
    }
    const r = decodeMessage(Uint8Array.from(bytes));
    expect(r).toMatchObject({ ok: false, error: "name longer than 255 octets" });
  });
  it("accepts the same chain three names long, 196 octets", () => {
    const bytes: number[] = [...header(4), 0, 0, 1, 0, 1];
    let previous = 12;
    for (let i = 0; i < 3; i++) {
      const at = bytes.length;
      bytes.push(
        63,
        ...new Array<number>(63).fill(0x61),
        0xc0 | (previous >> 8),
        previous & 0xff,
        0,
        1,
        0,
        1,
      );
      previous = at;
    }
    const r = decodeMessage(Uint8Array.from(bytes));
    expect(r.ok && r.message.question[3]!.name.length).toBe(3 * 64 + 1);
  });
  it("rejects the extended label types 0x40 and 0x80 (RFC 6891 §5)", () => {
    for (const t of [0x41, 0x81]) {
      const r = decodeMessage(Uint8Array.from([...header(1), t, 0x61, 0, 0, 1, 0, 1]));
      expect(r).toMatchObject({ ok: false, offset: 12 });
    }
  });
});
