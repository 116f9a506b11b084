import { describe, expect, it } from "vitest";
import { decodeMessage } from "../../src/dns/message.js";
import { nameToText, parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { checkAgainstDnsPacket, dpDecode, nameAt } from "./dns-packet-oracle.js";
import { readAllPackets, readPacketFile } from "./packet-fixtures.js";

describe("messages from Unbound's test packets (RFC 1035 §4.1)", () => {
  const packets = readAllPackets();

  it("reads every packet file into packets", () => {
    expect(packets.length).toBeGreaterThan(250);
    for (const p of packets) expect(p.bytes.length).toBeGreaterThan(0);
  });

  it("never throws, and returns a message or an error value for each", () => {
    for (const p of packets) {
      const r = decodeMessage(p.bytes);
      if (r.ok) expect(r.message.size).toBe(p.bytes.length);
      else expect(typeof r.error).toBe("string");
    }
  });

  it("agrees with dns-packet on header, question and records wherever both decode", () => {
    let both = 0;
    let rdataNamesCompared = 0;
    for (const p of packets) {
      const r = decodeMessage(p.bytes);
      if (r.ok && dpDecode(p.bytes).ok) {
        rdataNamesCompared += checkAgainstDnsPacket(r.message, p.bytes);
        both++;
      }
    }
    expect(both).toBeGreaterThan(200);
    expect(rdataNamesCompared).toBeGreaterThan(300);
  });

  it("decodes every packet dns-packet decodes, save the stricter checks named in the errors", () => {
    for (const p of packets) {
      const r = decodeMessage(p.bytes);
      if (!r.ok && dpDecode(p.bytes).ok) {
        // dns-packet follows pointers into the header and allows two OPT records.
        expect(r.error).toMatch(/points into the header|more than one OPT/);
      }
    }
  });

  it("rejects what dns-packet cannot read either", () => {
    for (const p of packets) {
      if (!dpDecode(p.bytes).ok) expect(decodeMessage(p.bytes).ok).toBe(false);
    }
  });
});

describe("compression pointers (RFC 1035 §4.1.4) in Unbound's hand-made packets", () => {
  const cases = readPacketFile("unbound_test_packets.5");
  const byNote = (prefix: string) => {
    const p = cases.find((c) => c.note.includes(prefix));
    if (!p) throw new Error(`no packet noted "${prefix}"`);
    return decodeMessage(p.bytes);
  };
  const example = nameToText(parseName("example.com."));

  it("decodes the valid packet and the one compressed back to the question", () => {
    for (const note of ["0. A valid packet", "0b. correct compression"]) {
      const r = byNote(note);
      expect(r.ok).toBe(true);
      if (r.ok) expect(nameToText(r.message.answer[0]!.owner)).toBe(example);
    }
  });
  it("follows a pointer from the second answer back to the first", () => {
    const r = byNote("2b.");
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.message.answer.map((rr) => nameToText(rr.owner))).toEqual([example, example]);
  });
  it("rejects pointers forward, to itself and past the end", () => {
    for (const note of [
      "1. Compression from query",
      "2. Compression loop",
      "3. Compression loop",
      "5. bad",
    ]) {
      const r = byNote(note);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/does not point backwards/);
    }
  });
  it("rejects a pointer into the header", () => {
    const r = byNote("4. bad compression pointer");
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/header/) });
  });
  it("rejects two OPT records (RFC 6891 §6.1.1)", () => {
    expect(byNote("6. double OPT")).toMatchObject({ ok: false, error: "more than one OPT record" });
  });
});

describe("section counts (RFC 1035 §4.1.1)", () => {
  it("returns an error at the end of a message that promises one more record than it holds", () => {
    // Unbound accepts this one leniently; counts that exceed the message are an error here.
    const [p] = readPacketFile("unbound_test_packets.8");
    const r = decodeMessage(p!.bytes);
    expect(r).toEqual({ ok: false, error: "name runs past the end", offset: p!.bytes.length });
  });
});

describe("RDATA names keep their octets (RFC 4034 §6.2 needs the original case)", () => {
  it("expands a compressed root label inside SOA RDATA", () => {
    const [, soa] = readPacketFile("unbound_test_packets.6");
    const r = decodeMessage(soa!.bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rr = r.message.authority[0]!;
    expect(rr.type).toBe(RrType.SOA);
    const mname = nameAt(rr.rdata, 0);
    // The upstream comment gives the record in presentation format.
    expect(nameToText(mname)).toBe("ns15.domaincontrol.com.");
    expect(nameToText(nameAt(rr.rdata, mname.length))).toBe("dns.jomax.net.");
    expect(rr.rdata.length).toBe(mname.length + "dns.jomax.net.".length + 1 + 20);
  });
});

describe("records own their octets", () => {
  it("copies RDATA out of a Buffer instead of keeping a view of it", () => {
    // a. A IN, answered with a. A IN 300 192.0.2.1 (owner compressed to the question)
    const text = "000084000001000100000000" + "01610000010001" + "c00c000100010000012c0004c0000201";
    const buf = Buffer.from(text, "hex");
    const r = decodeMessage(buf);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rdata = r.message.answer[0]!.rdata;
    expect(Buffer.isBuffer(rdata)).toBe(false);
    buf.fill(0);
    expect([...rdata]).toEqual([192, 0, 2, 1]);
  });
});

describe("octets after the last record", () => {
  it("are ignored and counted, as resolvers do", () => {
    // a. A IN with no records, then three stray octets.
    const bytes = Buffer.from("000084000001000000000000" + "01610000010001" + "abcdef", "hex");
    const r = decodeMessage(bytes);
    expect(r.ok && r.message.trailingOctets).toBe(3);
    expect(r.ok && r.message.size).toBe(bytes.length);
  });
});
