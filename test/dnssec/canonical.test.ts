/**
 * Canonical form (RFC 4034 §6.2, §6.3, as corrected by RFC 6840 §5.1):
 * expected bytes are read from hand-written lowercase presentation text, or
 * written out octet by octet.
 */
import { describe, expect, it } from "vitest";
import {
  canonicalRdata,
  canonicalRrset,
  compareRdata,
  groupRrsets,
} from "../../src/dns/canonical.js";
import { parseName } from "../../src/dns/name.js";
import { RrClass, RrType, type Rr } from "../../src/dns/rr.js";
import { hex, record, records } from "./signatures-support.js";

const lowercased = (type: string, mixed: string, lower: string): [string, string, string] => [
  type,
  mixed,
  lower,
];

describe("RFC 4034 §6.2: canonical RDATA", () => {
  it.each([
    lowercased("NS", "NS1.Example.COM.", "ns1.example.com."),
    lowercased("CNAME", "Target.EXAMPLE.", "target.example."),
    lowercased("PTR", "Host.Example.", "host.example."),
    lowercased("DNAME", "New.Example.", "new.example."),
    lowercased("MX", "10 MAIL.Example.COM.", "10 mail.example.com."),
    lowercased("SRV", "0 5 5060 SIP.Example.", "0 5 5060 sip.example."),
    lowercased("RP", "Admin.Example. TXT.Example.", "admin.example. txt.example."),
    lowercased(
      "NAPTR",
      '20 0 "S" "SIP+D2U" "" _SIP._udp.Example.',
      '20 0 "S" "SIP+D2U" "" _sip._udp.example.',
    ),
    lowercased("KX", "5 KX.Example.", "5 kx.example."),
    lowercased("AFSDB", "1 AFS.Example.", "1 afs.example."),
    // A serial of 0x41424344 ("ABCD" as octets) stays as it is: only names are lowercased.
    lowercased(
      "SOA",
      "NS.Example. Host\\.Master.Example. 1094861636 7200 3600 1209600 3600",
      "ns.example. host\\.master.example. 1094861636 7200 3600 1209600 3600",
    ),
    lowercased(
      "RRSIG",
      "A 8 2 3600 20300101000000 20000101000000 1 Example.COM. QUJDREVG",
      "A 8 2 3600 20300101000000 20000101000000 1 example.com. QUJDREVG",
    ),
  ])("%s: the names in the RDATA are lowercased", (type, mixed, lower) => {
    const a = record(`x.example. 3600 IN ${type} ${mixed}`);
    const b = record(`x.example. 3600 IN ${type} ${lower}`);
    expect(hex(canonicalRdata(a.type, a.rdata)!)).toBe(hex(b.rdata));
  });

  it.each([
    ["NSEC", "Next.Example. A RRSIG NSEC"], // RFC 6840 §5.1: the next owner name keeps its case
    ["HINFO", '"PC-Intel" "LINUX"'], // listed in RFC 4034 §6.2 but holds no names
    ["TXT", '"Mixed Case TEXT"'],
    ["CAA", '0 issue "CA.Example"'],
    ["DNSKEY", "257 3 8 QUJDREVGR0g="],
  ])("%s: the RDATA is kept as it is", (type, text) => {
    const rr = record(`x.example. 3600 IN ${type} ${text}`);
    expect(canonicalRdata(rr.type, rr.rdata)).toBe(rr.rdata);
  });

  it("RDATA without capitals is returned without a copy", () => {
    const rr = record("x.example. 3600 IN NS ns.example.");
    expect(canonicalRdata(rr.type, rr.rdata)).toBe(rr.rdata);
  });

  it("only ASCII letters are lowercased, not octets above 0x7f", () => {
    const rdata = Uint8Array.of(2, 0xc4, 0x41, 0); // label "\196A"
    expect([...canonicalRdata(RrType.NS, rdata)!]).toEqual([2, 0xc4, 0x61, 0]);
  });

  it.each([
    ["a label runs past the end", Uint8Array.of(5, 0x61, 0x62)],
    ["a compression pointer", Uint8Array.of(0xc0, 0x0c)],
    ["no root label", Uint8Array.of(1, 0x61)],
  ])("malformed names (%s) give undefined, not an exception", (_what, rdata) => {
    expect(canonicalRdata(RrType.NS, rdata)).toBeUndefined();
    expect(canonicalRdata(RrType.MX, Uint8Array.of(0, 10, ...rdata))).toBeUndefined();
  });

  it("MX RDATA shorter than its preference is malformed", () => {
    expect(canonicalRdata(RrType.MX, Uint8Array.of(0))).toBeUndefined();
  });
});

describe("RFC 4034 §6.3: canonical RR ordering within an RRset", () => {
  it("orders RDATA as left-justified unsigned octet strings, absent octets first", () => {
    const sorted = [
      Uint8Array.of(1, 0),
      Uint8Array.of(1),
      Uint8Array.of(0, 255),
      Uint8Array.of(0x80),
    ].sort(compareRdata);
    expect(sorted.map((r) => [...r])).toEqual([[0, 255], [1], [1, 0], [0x80]]);
  });

  it("sorts, removes duplicates, lowercases the owner and sets the original TTL", () => {
    const rrs = records(
      [
        "WWW.Example. 300 IN A 192.0.2.10",
        "www.example. 300 IN A 192.0.2.9",
        "www.example. 300 IN A 192.0.2.10",
        "www.example. 300 IN A 10.0.0.1",
      ].join("\n"),
    );
    const c = canonicalRrset(groupRrsets(rrs)[0]!.rrset!, 3600)!;
    expect(c.owner).toEqual(parseName("www.example."));
    expect(c.ttl).toBe(3600);
    expect(c.rdatas.map((r) => [...r].join("."))).toEqual(["10.0.0.1", "192.0.2.9", "192.0.2.10"]);
  });

  it("records whose names differ only in case are duplicates once canonical (RFC 4034 §6.3)", () => {
    const rrs = records(
      "example. 300 IN NS NS1.example.\nexample. 300 IN NS ns1.EXAMPLE.\nexample. 300 IN NS ns0.example.",
    );
    const c = canonicalRrset(groupRrsets(rrs)[0]!.rrset!)!;
    expect(c.rdatas.map(hex)).toEqual([
      hex(record("x. NS ns0.example.").rdata),
      hex(record("x. NS ns1.example.").rdata),
    ]);
  });

  it("an RRset holding malformed RDATA has no canonical form", () => {
    const rrset = {
      owner: parseName("x."),
      type: RrType.NS,
      class: RrClass.IN,
      ttl: 1,
      rdatas: [Uint8Array.of(9)],
    };
    expect(canonicalRrset(rrset)).toBeUndefined();
  });
});

describe("RFC 2181 §5: grouping records into RRsets", () => {
  const rrs: Rr[] = records(
    [
      "a.example. 300 IN A 192.0.2.1",
      "A.EXAMPLE. 200 IN A 192.0.2.2",
      "a.example. 300 IN RRSIG A 8 2 300 20300101000000 20000101000000 1 example. QUJD",
      "a.example. 300 IN AAAA 2001:db8::1",
      "a.example. 300 CH A \\# 4 c0000203",
      "b.example. 300 IN RRSIG MX 8 2 300 20300101000000 20000101000000 1 example. QUJD",
    ].join("\n"),
  );
  const groups = groupRrsets(rrs);

  it("groups by owner (case-insensitively), class and type, in first-seen order", () => {
    expect(
      groups.map((g) => [g.rrset?.type, g.rrset?.class, g.rrset?.rdatas.length, g.rrsigs.length]),
    ).toEqual([
      [RrType.A, RrClass.IN, 2, 1],
      [RrType.AAAA, RrClass.IN, 1, 0],
      [RrType.A, RrClass.CH, 1, 0],
      [undefined, undefined, undefined, 1],
    ]);
  });

  it("keeps the lowest TTL of the RRset (RFC 2181 §5.2)", () => {
    expect(groups[0]!.rrset!.ttl).toBe(200);
  });

  it("an RRSIG joins the RRset of the type it covers, or a group of its own", () => {
    expect(groups[3]!.rrsigs[0]!.owner).toEqual(parseName("b.example."));
  });
});
