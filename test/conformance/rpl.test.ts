import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nameToText } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { parseEntries, parseOverrideDate, parseScenario, RplSyntaxError } from "../support/rpl.js";

const dir = fileURLToPath(new URL("../fixtures/deckard/", import.meta.url));
const read = (file: string): string => readFileSync(dir + file, "latin1");

describe("Deckard scenario format: the CONFIG block", () => {
  it("reads the trust anchor, the date and the stub address of val_minimal_noerror", () => {
    const { config } = parseScenario(read("val_minimal_noerror.rpl"));
    expect(config.trustAnchors).toEqual([
      ".\t\t\tIN DS 49060 8 2 E7B1EB56D7D5791B3D45630FEAA9C823DB84B385ACEEAC5F44DD08885C36700F",
    ]);
    // 2017-04-01T00:00:00Z
    expect(config.now).toBe(new Date("2017-04-01T00:00:00Z").getTime() / 1000);
    expect(config.stubAddrs).toEqual(["193.0.14.129"]);
    expect(config.queryMinimization).toBe(false);
  });

  it("takes val-override-timestamp as seconds since the epoch", () => {
    const { config } = parseScenario(read("iter_validate.rpl"));
    expect(config.now).toBe(1437625000);
  });

  it("lists domain-insecure names", () => {
    const { config } = parseScenario(read("world_mx_nic_www.rpl"));
    expect(config.domainInsecure).toEqual(["mx-ns.mx."]);
  });

  it("reads YYYYMMDDHHMMSS dates as UTC", () => {
    expect(parseOverrideDate("20120420235959")).toBe(Date.UTC(2012, 3, 20, 23, 59, 59) / 1000);
    expect(() => parseOverrideDate("2012-04-20")).toThrow();
  });
});

describe("Deckard scenario format: RANGE and STEP blocks", () => {
  it("reads the single range of val_minimal_noerror with both of its addresses", () => {
    const s = parseScenario(read("val_minimal_noerror.rpl"));
    expect(s.title).toBe("Right signed zone.");
    expect(s.ranges).toHaveLength(1);
    const range = s.ranges[0]!;
    expect([range.start, range.end]).toEqual([0, 100]);
    expect(range.addresses).toEqual(["193.0.14.129", "2001:7fd::1"]);
    expect(range.entries).toHaveLength(5);
    const first = range.entries[0]!;
    expect([...first.match]).toEqual(["opcode", "qtype", "qname"]);
    expect([...first.adjust]).toEqual(["copy_id"]);
    expect(first.flags).toMatchObject({ qr: true, aa: true, rd: false, ad: false });
    expect(first.rcode).toBe(0);
    expect(first.question.map((q) => [nameToText(q.name), q.type])).toEqual([[".", RrType.NS]]);
    expect(first.answer.map((r) => r.text.split(/\s+/)[3])).toEqual(["NS", "RRSIG"]);
    const refused = range.entries[4]!;
    expect(refused.rcode).toBe(5);
    expect([...refused.adjust]).toEqual(["copy_id", "copy_query"]);
  });

  it("reads the query step and the expected answer with its flags", () => {
    const s = parseScenario(read("val_minimal_noerror.rpl"));
    expect(s.steps.map((st) => [st.id, st.kind])).toEqual([
      [1, "QUERY"],
      [10, "CHECK_ANSWER"],
    ]);
    expect(s.steps[0]!.entry!.flags).toMatchObject({ rd: true, do: true, qr: false });
    const check = s.steps[1]!.entry!;
    expect(check.flags).toMatchObject({ qr: true, rd: true, ra: true, ad: true, do: true });
    expect(check.match.has("answer")).toBe(true);
    expect(check.answer).toHaveLength(2);
    expect(check.authority).toHaveLength(0);
  });

  it("reads an expected SERVFAIL", () => {
    const s = parseScenario(read("val_minimal_expiredsignature.rpl"));
    const check = s.steps.find((st) => st.kind === "CHECK_ANSWER")!.entry!;
    expect(check.rcode).toBe(2);
    expect(check.flags.ad).toBe(false);
  });

  it("reads TIME_PASSES steps with their elapsed seconds", () => {
    const text = readFileSync(dir + "val_dname.rpl", "latin1");
    const m = /^STEP (\d+) TIME_PASSES ELAPSE (\d+)/m.exec(text)!;
    const step = parseScenario(text).steps.find((st) => st.kind === "TIME_PASSES")!;
    expect(step.id).toBe(Number(m[1]));
    expect(step.elapse).toBe(Number(m[2]));
  });

  it("keeps keywords it does not interpret, such as MANDATORY", () => {
    const s = parseScenario(read("val_cname_to_unsigned.rpl"));
    const all = s.ranges.flatMap((r) => r.entries);
    expect(all.some((e) => e.other.includes("MANDATORY"))).toBe(true);
  });

  it("joins a record written with grouping parentheses into one line", () => {
    const s = parseScenario(read("val_nsec3_b2_nodata.rpl"));
    const dnskeys = s.ranges
      .flatMap((r) => r.entries)
      .flatMap((e) => e.answer)
      .filter((r) => / DNSKEY /.test(r.text));
    expect(dnskeys.length).toBeGreaterThan(0);
    for (const r of dnskeys) expect(r.text).not.toMatch(/[()]/);
  });

  it("reads every scenario in the fixture set", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".rpl"));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const s = parseScenario(read(f));
      const text = read(f);
      const stepCount = (text.match(/^STEP /gm) ?? []).length;
      expect(s.steps, f).toHaveLength(stepCount);
      expect(s.ranges, f).toHaveLength((text.match(/^RANGE_BEGIN/gm) ?? []).length);
    }
  });
});

describe("Bare ENTRY lists (Unbound unit data)", () => {
  const text = [
    "; a comment",
    "ENTRY_BEGIN",
    "SECTION QUESTION",
    "example.net.\tIN DNSKEY",
    "SECTION ANSWER",
    "example.net. 3600 IN DNSKEY 257 3 13 ( AAAA",
    "  BBBB ) ; key",
    "ENTRY_END",
    "",
    "ENTRY_BEGIN",
    "SECTION QUESTION",
    "www.example.net. IN A",
    "SECTION ANSWER",
    "www.example.net. 3600 IN A 192.0.2.1",
    "ENTRY_END",
  ].join("\n");

  it("reads each entry with its question and records", () => {
    const entries = parseEntries(text);
    expect(entries).toHaveLength(2);
    expect(nameToText(entries[0]!.question[0]!.name)).toBe("example.net.");
    expect(entries[0]!.question[0]!.type).toBe(RrType.DNSKEY);
    expect(entries[0]!.answer.map((r) => r.text)).toEqual([
      "example.net. 3600 IN DNSKEY 257 3 13 AAAA BBBB",
    ]);
    expect(entries[1]!.answer.map((r) => r.line)).toEqual([14]);
  });

  it("reads ANY in a question as the type, beside a class or alone (RFC 1035 §3.2.5)", () => {
    const question = (line: string) =>
      parseEntries(`ENTRY_BEGIN\nSECTION QUESTION\n${line}\nENTRY_END`)[0]!.question[0]!;
    expect(question("example.net. IN ANY")).toMatchObject({ class: 1, type: 255 });
    expect(question("example.net. ANY")).toMatchObject({ class: 1, type: 255 });
    expect(question("example.net. ANY CH")).toMatchObject({ class: 3, type: 255 });
    expect(question("example.net. CH TXT")).toMatchObject({ class: 3, type: 16 });
    expect(question("example.net. TXT")).toMatchObject({ class: 1, type: 16 });
    expect(() => question("example.net. IN")).toThrow(/unknown type "IN"/);
    expect(() => question("example.net. IN A A")).toThrow(/too many fields/);
  });

  it("reports text outside an entry with its line", () => {
    expect(() => parseEntries("ENTRY_BEGIN\nENTRY_END\nbogus")).toThrow(RplSyntaxError);
    expect(() => parseEntries("ENTRY_BEGIN\nSECTION ANSWER\n")).toThrow(/line 1/);
  });
});
