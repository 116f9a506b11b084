import { describe, expect, it } from "vitest";
import {
  ancestor,
  compareNames,
  isSubdomain,
  labelCount,
  lowerName,
  nameEquals,
  nameToText,
  parseName,
  ROOT,
} from "../../src/dns/name.js";

const n = (t: string) => parseName(t);

describe("names in presentation format (RFC 1035 §5.1)", () => {
  it("encodes labels with length prefixes and a root label", () => {
    expect([...n("a.Example.")]).toEqual([1, 0x61, 7, ...Buffer.from("Example"), 0]);
  });
  it("decodes \\DDD and \\X escapes and keeps them on output", () => {
    const name = n("a\\.b\\032c.example.");
    expect(labelCount(name)).toBe(2);
    expect(nameToText(name)).toBe("a\\.b\\032c.example.");
  });
  it("completes relative names and @ with the origin", () => {
    const origin = n("example.");
    expect(nameToText(parseName("www", origin))).toBe("www.example.");
    expect(parseName("@", origin)).toBe(origin);
  });
  it("rejects empty labels, long labels and relative names without origin", () => {
    expect(() => n("a..b.")).toThrow(/empty label/);
    expect(() => n("x".repeat(64) + ".")).toThrow(/63/);
    expect(() => n("www")).toThrow(/origin/);
  });
});

describe("canonical name order (RFC 4034 §6.1)", () => {
  it("sorts the example of the RFC in its order", () => {
    const sorted = [
      "example.",
      "a.example.",
      "yljkjljk.a.example.",
      "Z.a.example.",
      "zABC.a.EXAMPLE.",
      "z.example.",
      "\\001.z.example.",
      "*.z.example.",
      "\\200.z.example.",
    ];
    const shuffled = [...sorted].reverse().map(n);
    shuffled.sort(compareNames);
    expect(shuffled.map(nameToText)).toEqual(sorted.map((s) => nameToText(n(s))));
  });
});

describe("name relations", () => {
  it("compares case-insensitively and lowercases ASCII only", () => {
    expect(nameEquals(n("WWW.Example."), n("www.example."))).toBe(true);
    expect([...lowerName(n("\\200A."))]).toEqual([2, 200, 0x61, 0]);
  });
  it("finds ancestors and subdomains", () => {
    expect(nameToText(ancestor(n("a.b.c."), 1))).toBe("c.");
    expect(isSubdomain(n("a.b.c."), n("B.c."))).toBe(true);
    expect(isSubdomain(n("ab.c."), n("b.c."))).toBe(false);
    expect(isSubdomain(n("x."), ROOT)).toBe(true);
  });
});
