import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { base32hexDecode, base32hexEncode } from "../../src/dns/base32hex.js";
import { parseName } from "../../src/dns/name.js";
import type { Rr } from "../../src/dns/rr.js";
import {
  parseRecord,
  parseZone,
  rdataToText,
  rrToText,
  ZoneSyntaxError,
} from "../../src/dns/zonefile.js";

const SYNTAX = new URL("../fixtures/zones/syntax/", import.meta.url);
const origin = parseName("example.");
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ""), "hex"));

function records(text: string, opts = {}): Rr[] {
  const res = parseZone(text, opts);
  if (!res.ok) throw new Error(`line ${res.error.line}: ${res.error.message}`);
  return res.records;
}

function error(text: string, opts = {}): { line: number; message: string; file?: string } {
  const res = parseZone(text, opts);
  if (res.ok) throw new Error("expected an error");
  return res.error;
}

describe("RFC 1035 §5.1: zone file syntax, checked against BIND", () => {
  // features.generic holds what BIND 9 read from features.zone, every record
  // in RFC 3597 form; BIND sorts records, so both sides are compared sorted.
  // Owners are compared in wire form, BIND's text read by name.ts.
  const ours = records(readFileSync(new URL("features.zone", SYNTAX), "utf8"))
    .map((rr) => [hex(rr.owner), rr.ttl, `TYPE${rr.type}`, hex(rr.rdata)].join(" "))
    .sort();
  const bind = readFileSync(new URL("features.generic", SYNTAX), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => {
      const [owner, ttl, , type, , , data = ""] = l.split(/\s+/);
      return [hex(parseName(owner!)), Number(ttl), type, data].join(" ");
    })
    .sort();

  it("reads $ORIGIN, $TTL with units, parentheses, comments, escapes and blank owners as BIND does", () => {
    expect(ours).toEqual(bind);
  });
});

describe("RFC 1035 §5.1: owners, TTLs and classes", () => {
  it("takes a blank owner as the previous owner, and @ as the origin", () => {
    const rrs = records(
      "@ 60 IN A 192.0.2.1\n 60 IN A 192.0.2.2\nwww 60 IN A 192.0.2.3\n\t60 IN A 192.0.2.4",
      {
        origin,
      },
    );
    expect(rrs.map((rr) => rrToText(rr).split("\t")[0])).toEqual([
      "example.",
      "example.",
      "www.example.",
      "www.example.",
    ]);
  });

  it("keeps the case of owners and of names in RDATA exactly as written", () => {
    const rr = parseRecord("WwW.Example. 60 IN CNAME Target.EXAMPLE.");
    expect([...rr.owner]).toEqual([3, ...Buffer.from("WwW"), 7, ...Buffer.from("Example"), 0]);
    expect(rrToText(rr)).toBe("WwW.Example.\t60\tIN\tCNAME\tTarget.EXAMPLE.");
  });

  it("decodes \\DDD and \\X escapes in names and writes them back", () => {
    const rr = parseRecord("a\\.b\\065\\032c.example. 60 IN A 192.0.2.1");
    expect(hex(rr.owner)).toBe(hex(bytes("06 612E6241 2063 07 6578616D706C65 00")));
    expect(rrToText(rr).split("\t")[0]).toBe("a\\.bA\\032c.example.");
  });

  it("escapes a $ that opens an owner, so that it is not read as a directive", () => {
    const rr = parseRecord("\\$x.example. 60 IN A 192.0.2.1");
    const text = rrToText(rr);
    expect(text.startsWith("\\$x.example.")).toBe(true);
    expect(hex(parseRecord(text).owner)).toBe(hex(rr.owner));
  });

  it("accepts TTL and class in either order, or absent, carrying the last ones stated", () => {
    const rrs = records("a. 60 IN A 192.0.2.1\nb. CH 70 TXT x\nc. TXT y\nd. 80 TXT z");
    expect(rrs.map((rr) => [rr.ttl, rr.class])).toEqual([
      [60, 1],
      [70, 3],
      [70, 3],
      [80, 3],
    ]);
  });

  it("prefers $TTL (RFC 2308 §4) to the last TTL stated, and the option to nothing", () => {
    expect(records("a. 60 A 192.0.2.1\n$TTL 1d\nb. A 192.0.2.2").map((r) => r.ttl)).toEqual([
      60, 86400,
    ]);
    expect(records("a. A 192.0.2.1", { defaultTtl: 42 })[0]!.ttl).toBe(42);
  });

  it("reads BIND-style TTL units, a trailing number counting seconds", () => {
    const ttl = (t: string): number => parseRecord(`a. ${t} A 192.0.2.1`).ttl;
    expect([ttl("1h30m"), ttl("1W"), ttl("2d3h"), ttl("1m30"), ttl("0")]).toEqual([
      5400, 604800, 183600, 90, 0,
    ]);
  });

  it("uses the class option, CLASSnnn and the previous class", () => {
    const rrs = records("a. 1 TXT x\nb. 1 CLASS32 TYPE1 \\# 4 01020304\nc. 1 TXT y", {
      defaultClass: 4,
    });
    expect(rrs.map((rr) => rr.class)).toEqual([4, 32, 32]);
    expect(rrToText(rrs[1]!)).toBe("b.\t1\tCLASS32\tA\t\\# 4 01020304");
  });

  it("accepts type mnemonics in any case", () => {
    expect(parseRecord("a. 1 in mx 1 b.").type).toBe(15);
  });
});

describe("RFC 1035 §5.1: comments, quoted strings and parentheses", () => {
  it("ends a comment at the end of the line, but not inside a quoted string", () => {
    const rr = parseRecord('a. 1 TXT "x;y" ; a comment "z"');
    expect(hex(rr.rdata)).toBe(hex(bytes("03 783B79")));
  });

  it("joins lines inside parentheses and counts lines through them", () => {
    const res = parseZone(
      'a. 1 TXT ( "one" ; first\n "two"\n )\nb. 1 TXT ( "x"\n"y" )\nc. 1 BOGUS x',
    );
    expect(res).toMatchObject({ ok: false, error: { line: 6 } });
  });

  it('decodes \\", \\\\ and \\DDD inside quoted strings', () => {
    const rr = parseRecord('a. 1 TXT "q\\"b\\\\s\\255\\000"');
    expect(hex(rr.rdata)).toBe(hex(bytes("07 71 22 62 5C 73 FF 00")));
    expect(rdataToText(16, rr.rdata)).toBe('"q\\"b\\\\s\\255\\000"');
  });

  it("takes non-ASCII text as its UTF-8 octets", () => {
    const rr = parseRecord("a. 1 TXT café");
    expect(hex(rr.rdata)).toBe(hex(bytes("05 636166C3A9")));
    expect(rdataToText(16, rr.rdata)).toBe('"caf\\195\\169"');
  });
});

describe("RFC 3597 §5: the generic form", () => {
  it("reads \\# for unknown and known types, with hex split by white space", () => {
    expect(hex(parseRecord("a. 1 TYPE65280 \\# 3 0a ( 0B 0c )").rdata)).toBe("0A0B0C");
    expect(parseRecord("a. 1 A \\# 4 c0000201").rdata).toEqual(
      parseRecord("a. 1 A 192.0.2.1").rdata,
    );
    expect(parseRecord("a. 1 TYPE65280 \\# 0").rdata.length).toBe(0);
  });

  it("writes unknown types and empty RDATA in the generic form", () => {
    expect(rdataToText(65280, bytes("0A0B"))).toBe("\\# 2 0A0B");
    expect(rdataToText(65280, new Uint8Array(0))).toBe("\\# 0");
    expect(rdataToText(13, new Uint8Array(0))).toBe("\\# 0");
  });

  it("falls back to the generic form for RDATA its type cannot present", () => {
    expect(rdataToText(1, bytes("C00002"))).toBe("\\# 3 C00002"); // A of 3 octets
    expect(rdataToText(2, bytes("C00C"))).toBe("\\# 2 C00C"); // compression pointer
    expect(rdataToText(47, bytes("00 00 02 40 00"))).toBe("\\# 5 0000024000"); // bitmap ends in 0
    expect(rdataToText(29, bytes("01".padEnd(32, "0")))).toMatch(/^\\# 16 /); // LOC version 1
  });

  it("writes A records of classes other than IN generically (RFC 1035 §3.4.1)", () => {
    const rr = parseRecord("a. 1 CH A \\# 4 01020304");
    expect(rrToText(rr)).toBe("a.\t1\tCH\tA\t\\# 4 01020304");
  });
});

describe("RFC 4034 §3.2: RRSIG times", () => {
  const rrsig = (exp: string, inc: string): Rr =>
    parseRecord(`a. 1 RRSIG A 8 1 1 ${exp} ${inc} 1 a. AAAA`);
  const times = (rr: Rr): number[] => [
    Buffer.from(rr.rdata).readUInt32BE(8),
    Buffer.from(rr.rdata).readUInt32BE(12),
  ];

  it("reads YYYYMMDDHHmmSS as seconds since 1970 and plain integers as they are", () => {
    // Values from GNU date -u -d '2017-09-03 05:00:00' +%s and '2000-02-29 12:34:56'.
    expect(times(rrsig("20170903050000", "20000229123456"))).toEqual([1504414800, 951827696]);
    expect(times(rrsig("1504414800", "0"))).toEqual([1504414800, 0]);
  });

  it("wraps dates past 2106 modulo 2^32 (RFC 1982 serial arithmetic)", () => {
    // 2106-02-07 06:28:16 UTC is 2^32 seconds after the epoch.
    expect(times(rrsig("21060207062816", "21060207062817"))).toEqual([0, 1]);
  });

  it("writes times as YYYYMMDDHHmmSS", () => {
    expect(rrToText(rrsig("1504414800", "951827696"))).toContain(" 20170903050000 20000229123456 ");
  });

  it("rejects dates that do not exist", () => {
    expect(() => rrsig("20230229000000", "0")).toThrow(/signature expiration.*YYYYMMDDHHmmSS/);
    expect(() => rrsig("20231301000000", "0")).toThrow(ZoneSyntaxError);
  });
});

describe("RFC 4034 §4.1.2 and §4.3: NSEC type bitmaps", () => {
  it("encodes the example of RFC 4034 §4.3 octet for octet", () => {
    const rr = parseRecord(
      "alfa.example.com. 86400 IN NSEC host.example.com. ( A MX RRSIG NSEC TYPE1234 )",
    );
    // RFC 4034 §4.3, the RDATA as the RFC lists it.
    const expected =
      "04686F7374076578616D706C6503636F6D00" + "0006400100000003" + "041B" + "00".repeat(26) + "20";
    expect(hex(rr.rdata)).toBe(expected);
    expect(rdataToText(47, rr.rdata)).toBe("host.example.com. A MX RRSIG NSEC TYPE1234");
  });

  it("sorts types given in any order and drops repeats", () => {
    const a = parseRecord("a. 1 NSEC b. TYPE1234 NSEC A MX RRSIG A");
    const b = parseRecord("a. 1 NSEC b. A MX RRSIG NSEC TYPE1234");
    expect(hex(a.rdata)).toBe(hex(b.rdata));
  });

  it("writes an NSEC with no types as the next name alone", () => {
    expect(rdataToText(47, parseRecord("a. 1 NSEC b.").rdata)).toBe("b.");
  });
});

describe("RFC 5155 §3.3 and RFC 4648 §7: NSEC3 text", () => {
  it("encodes base32hex as the RFC 4648 §10 test vectors say, without padding", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "CO"],
      ["fo", "CPNG"],
      ["foo", "CPNMU"],
      ["foob", "CPNMUOG"],
      ["fooba", "CPNMUOJ1"],
      ["foobar", "CPNMUOJ1E8"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32hexEncode(Buffer.from(plain))).toBe(encoded);
      expect(Buffer.from(base32hexDecode(encoded.toLowerCase())!).toString()).toBe(plain);
    }
    expect(base32hexDecode("CPNMUOJ1E")).toBeUndefined(); // 9 characters: not whole octets
    expect(base32hexDecode("CW")).toBeUndefined(); // W is not in the alphabet
  });

  it('reads salt "-" as no salt and writes it back', () => {
    const rr = parseRecord("a. 1 NSEC3 1 1 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A");
    expect(hex(rr.rdata.subarray(0, 6))).toBe("010100000014");
    expect(rdataToText(50, rr.rdata)).toBe("1 1 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A");
    expect(rdataToText(51, parseRecord("a. 1 NSEC3PARAM 1 0 0 -").rdata)).toBe("1 0 0 -");
  });
});

describe("RFC 9460: SVCB and HTTPS parameters, written as BIND writes them", () => {
  // Right-hand sides: BIND 9.18 named-rrchecker -p output for the left-hand side.
  const cases: [string, string][] = [
    [
      "HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.1,192.0.2.2 ech=AEP+DQA= ipv6hint=2001:db8::1",
      '1 . alpn="h2,h3" ipv4hint=192.0.2.1,192.0.2.2 ech=AEP+DQA= ipv6hint=2001:db8::1',
    ],
    [
      "SVCB 16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1)",
      '16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1',
    ],
    [
      "SVCB 1 . key65333=ex1 key65444=ex2 mandatory=key65444,key65333",
      '1 . mandatory=key65333,key65444 key65333="ex1" key65444="ex2"',
    ],
    ['SVCB 1 foo.example.com. key667="hello\\210qoo"', '1 foo.example.com. key667="hello\\210qoo"'],
    [
      'SVCB 16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
      '16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"',
    ],
    ["SVCB 1 . port=53 no-default-alpn alpn=dot", '1 . alpn="dot" no-default-alpn port=53'],
  ];
  for (const [input, bind] of cases) {
    it(`writes ${input.split(" ")[0]} ${input.slice(input.indexOf(" ") + 1, 40)}... in key order`, () => {
      const rr = parseRecord(`a. 1 IN ${input}`);
      expect(rdataToText(rr.type, rr.rdata)).toBe(bind);
    });
  }

  it("rejects a key given twice, an unknown key name and the reserved key 65535", () => {
    expect(() => parseRecord("a. 1 SVCB 1 . port=1 port=2")).toThrow(/port given twice/);
    expect(() => parseRecord("a. 1 SVCB 1 . colour=blue")).toThrow(/unknown SvcParamKey/);
    expect(() => parseRecord("a. 1 SVCB 1 . key65535=x")).toThrow(/reserved/);
  });

  it("writes parameters out of wire order in the generic form", () => {
    // port (3) before alpn (1): not the order RFC 9460 §2.2 requires.
    const rdata = bytes("0001 00 0003 0002 0035 0001 0003 02 6832");
    expect(rdataToText(64, rdata)).toBe(`\\# ${rdata.length} ${hex(rdata)}`);
  });
});

describe("syntax errors name their line and say what is wrong", () => {
  const cases: [string, string, number, RegExp][] = [
    ["an unknown type", "a. 1 A 192.0.2.1\nb. 1 BOGUS x", 2, /unknown RR type "BOGUS"/],
    ["a missing type", "a. 1 IN", 1, /missing RR type/],
    ["a bad TTL", "a. 1 A 192.0.2.1\n\nb. 1x A 192.0.2.1", 3, /bad TTL "1x"/],
    ["a TTL over 2^31 - 1", "a. 2147483648 A 192.0.2.1", 1, /RFC 2181 §8/],
    ["no TTL at all", "a. A 192.0.2.1", 1, /no TTL/],
    ["a quoted string left open", 'a. 1 TXT "x\nb. 1 A 192.0.2.1', 1, /quoted string not closed/],
    ["a parenthesis left open", "a. 1 A 192.0.2.1\nb. 1 TXT ( x\n y", 2, /"\(" opened on line 2/],
    ["a parenthesis closed twice", "a. 1 TXT x )", 1, /"\)" without a matching "\("/],
    ["a relative name without origin", "a. 1 NS b", 1, /relative name "b" with no origin/],
    ["a blank owner first", " 1 A 192.0.2.1", 1, /no owner/],
    ["an $INCLUDE", "$INCLUDE other.zone", 1, /\$INCLUDE is unsupported/],
    ["an unknown directive", "a. 1 A 192.0.2.1\n$FOO bar", 2, /unknown directive \$FOO/],
    ["a label over 63 octets", `${"x".repeat(64)}. 1 A 192.0.2.1`, 1, /label longer than 63/],
    ["a name over 255 octets", `${"x.".repeat(128)} 1 A 192.0.2.1`, 1, /longer than 255/],
    ["an empty label", "a..b. 1 A 192.0.2.1", 1, /empty label/],
    ["a missing field", "a. 1 MX 10", 1, /missing exchange/],
    ["a field too many", "a. 1 A 192.0.2.1 192.0.2.2", 1, /unexpected "192.0.2.2"/],
    ["a number out of range", "a. 1 MX 65536 b.", 1, /preference 65536 out of range/],
    ["a bad IPv4 address", "a. 1 A 192.0.2.256", 1, /bad address "192.0.2.256"/],
    ["a bad IPv6 address", "a. 1 AAAA 1::2::3", 1, /bad address "1::2::3"/],
    ["bad base64", "a. 1 DNSKEY 256 3 8 AwEA*A==", 1, /public key: bad base64/],
    ["base64 cut short", "a. 1 DNSKEY 256 3 8 AwE", 1, /not a multiple of 4/],
    ["an odd number of hex digits", "a. 1 DS 1 8 2 ABC", 1, /digest: odd number of hex digits/],
    ["a bad hex digit", "a. 1 DS 1 8 2 ABCG", 1, /digest: bad hex digit/],
    ["a generic length that lies", "a. 1 TYPE999 \\# 3 0102", 1, /2 octets, length says 3/],
    ["a type with no text form", "a. 1 TYPE999 0102", 1, /RFC 3597 form/],
    ["an unknown type in a bitmap", "a. 1 NSEC b. A FOO", 1, /unknown RR type "FOO"/],
    ["a bad escape", "a\\1. 1 A 192.0.2.1", 1, /three digits/],
    ["an escape over 255", "a\\256. 1 A 192.0.2.1", 1, /\\256 out of range/],
    ["a string over 255 octets", `a. 1 TXT "${"x".repeat(256)}"`, 1, /256 octets/],
    ["a bad salt", "a. 1 NSEC3PARAM 1 0 0 XY", 1, /salt: bad hex digit/],
    ["a bad next hashed owner", "a. 1 NSEC3 1 0 0 - 0W A", 1, /not base32hex/],
  ];

  for (const [what, text, line, message] of cases) {
    it(`reports ${what} on line ${line}`, () => {
      const e = error(text);
      expect(e.line).toBe(line);
      expect(e.message).toMatch(message);
    });
  }

  it("puts the file name given in the error", () => {
    expect(error("a. 1 BOGUS x", { file: "db.example" })).toEqual({
      file: "db.example",
      line: 1,
      message: 'unknown RR type "BOGUS"',
    });
  });

  it("throws ZoneSyntaxError from parseRecord, with the line", () => {
    expect(() => parseRecord("a. 1 BOGUS x")).toThrow(ZoneSyntaxError);
    expect(() => parseRecord("a. 1 A 192.0.2.1\nb. 1 A 192.0.2.2")).toThrow(/one record, found 2/);
    try {
      parseRecord("a. 1 A 192.0.2.1\nb. 1 BOGUS x");
    } catch (e) {
      expect((e as ZoneSyntaxError).line).toBe(2);
    }
  });
});
