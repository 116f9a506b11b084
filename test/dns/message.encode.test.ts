import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, encodeQuery } from "../../src/dns/message.js";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { checkAgainstDnsPacket, dpDecode } from "./dns-packet-oracle.js";
import { readAllPackets } from "./packet-fixtures.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("queries (RFC 1035 §4.1.1, RFC 6891 §6.1.2)", () => {
  it("writes the header bits, the question and an OPT RR octet for octet", () => {
    const q = encodeQuery({
      id: 0xabcd,
      name: parseName("Example.COM."),
      type: RrType.DNSKEY,
      rd: true,
      cd: true,
      dnssecOk: true,
      udpSize: 1400,
      nsid: true,
    });
    const expected =
      "abcd" + // ID
      "0110" + // RD (0x01 of the first flags octet), CD (0x10 of the second)
      "0001000000000001" +
      "074578616d706c6503434f4d00" + // name, case kept
      "00300001" + // DNSKEY IN
      "00" +
      "0029" +
      "0578" +
      "00008000" + // root, OPT, 1400, DO
      "0004" +
      "00030000"; // NSID, empty
    expect(hex(q)).toBe(expected);
  });
  it("is read back the same by dns-packet", () => {
    const q = encodeQuery({ id: 7, name: parseName("a.example."), type: RrType.A, dnssecOk: true });
    const dp = dpDecode(q);
    expect(dp.ok).toBe(true);
    if (!dp.ok) return;
    const p = dp.packet;
    expect([p.id, p.flag_qr, p.flag_rd, p.flag_cd]).toEqual([7, false, false, false]);
    expect(p.questions).toEqual([{ name: "a.example", type: "A", class: "IN" }]);
    expect(p.additionals[0]).toMatchObject({ type: "OPT", udpPayloadSize: 1232, flag_do: true });
  });
  it("sends no OPT RR when no EDNS field is given", () => {
    const q = encodeQuery({ id: 1, name: parseName("example."), type: RrType.SOA, rd: true });
    expect(hex(q.subarray(10, 12))).toBe("0000");
    expect(q.length).toBe(12 + 9 + 4);
  });
  it("throws on values that do not fit their fields", () => {
    const name = parseName("example.");
    expect(() => encodeQuery({ id: 0x10000, name, type: 1 })).toThrow(RangeError);
    expect(() => encodeQuery({ id: 1, name, type: 70000 })).toThrow(RangeError);
    expect(() => encodeQuery({ id: 1, name: Uint8Array.of(1, 0x61), type: 1 })).toThrow(
      /root label/,
    );
  });
});

describe("responses (RFC 1035 §4.1)", () => {
  it("writes decoded real messages so that dns-packet reads the same content", () => {
    let written = 0;
    for (const p of readAllPackets()) {
      const r = decodeMessage(p.bytes);
      if (!r.ok) continue;
      const m = r.message;
      const edns = m.edns && {
        udpSize: m.edns.udpSize,
        dnssecOk: m.edns.dnssecOk,
        options: m.edns.options,
      };
      const bytes = encodeMessage({
        ...m,
        ...(edns ? { edns: { ...edns, version: m.edns!.version } } : {}),
      });
      const again = decodeMessage(bytes);
      expect(again.ok).toBe(true);
      if (!again.ok) continue;
      checkAgainstDnsPacket(again.message, bytes);
      expect(again.message.answer).toEqual(m.answer);
      written++;
    }
    expect(written).toBeGreaterThan(200);
  });
  it("puts the upper RCODE bits in the OPT RR (BADVERS = 16)", () => {
    const bytes = encodeMessage({ id: 9, flags: { qr: true }, rcode: 16, edns: { udpSize: 512 } });
    const dp = dpDecode(bytes);
    expect(dp.ok && dp.packet.flags & 0x0f).toBe(0);
    expect(dp.ok && dp.packet.additionals[0]!.extendedRcode).toBe(1);
  });
  it("writes Extended DNS Errors as option 15: INFO-CODE then UTF-8 text", () => {
    const bytes = encodeMessage({
      id: 9,
      flags: { qr: true },
      rcode: 2,
      edns: { ede: [{ code: 9, text: "no DNSKEY for tag 33834" }] },
    });
    const dp = dpDecode(bytes);
    const option = dp.ok ? dp.packet.additionals[0]!.options![0]! : undefined;
    expect(option?.code).toBe(15);
    expect(hex(option!.data)).toBe("0009" + Buffer.from("no DNSKEY for tag 33834").toString("hex"));
  });
  it("refuses an RCODE above 15 without EDNS and an OPT RR among the records", () => {
    expect(() => encodeMessage({ id: 1, rcode: 16 })).toThrow(/needs EDNS/);
    const opt = {
      owner: Uint8Array.of(0),
      type: RrType.OPT,
      class: 512,
      ttl: 0,
      rdata: new Uint8Array(),
    };
    expect(() => encodeMessage({ id: 1, additional: [opt] })).toThrow(/edns/);
  });
});
