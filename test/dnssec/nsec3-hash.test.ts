import { describe, expect, it } from "vitest";
import { base32hexEncode } from "../../src/dns/base32hex.js";
import { parseName } from "../../src/dns/name.js";
import { nsec3Hash, UnsupportedNsec3HashError } from "../../src/dnssec/nsec3-hash.js";
import { fixture } from "./denial-support.js";

const hex = (text: string): Uint8Array =>
  text === "-" ? new Uint8Array(0) : Uint8Array.from(Buffer.from(text, "hex"));

const hashText = (name: string, salt: Uint8Array, iterations: number): string =>
  base32hexEncode(
    nsec3Hash(parseName(name.endsWith(".") ? name : `${name}.`), 1, salt, iterations),
  ).toLowerCase();

/** Rows of nsec3_hash.vectors.txt: name, salt in hex, iterations, expected hash. */
const vectors = fixture("nsec3_hash.vectors.txt")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line) => {
    const [name, salt, iterations, expected] = line.split("\t");
    return { name: name!, salt: salt!, iterations: Number(iterations), expected: expected! };
  });

/**
 * Entries of Unbound's test_nsec3_hash.1: the question name is hashed with
 * the parameters of the NSEC3 record in the authority section, and the
 * answer's owner starts with the expected hash.
 */
const unboundEntries = fixture("test_nsec3_hash.1")
  .split("ENTRY_BEGIN")
  .slice(1)
  .map((entry) => {
    const section = (title: string): string => {
      const after = entry.split(`SECTION ${title}`)[1]!;
      return after.split(/SECTION |ENTRY_END/)[0]!.trim();
    };
    const qname = section("QUESTION").split(/\s+/)[0]!;
    const expected = section("ANSWER").split(".")[0]!;
    const nsec3 = /NSEC3\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-fA-F]+|-)/.exec(section("AUTHORITY"))!;
    return {
      qname,
      algorithm: Number(nsec3[1]),
      iterations: Number(nsec3[3]),
      salt: nsec3[4]!,
      expected,
    };
  });

describe("RFC 5155 §5: the NSEC3 hash of an owner name", () => {
  it("reads every vector of both fixtures", () => {
    expect(vectors).toHaveLength(19);
    expect(unboundEntries).toHaveLength(16);
  });

  it.each(vectors)(
    "hashes $name with salt $salt and $iterations iterations to $expected (dnspython vectors)",
    ({ name, salt, iterations, expected }) => {
      expect(hashText(name, hex(salt), iterations)).toBe(expected);
    },
  );

  it.each(unboundEntries)(
    "hashes $qname to $expected (Unbound test_nsec3_hash.1)",
    ({ qname, algorithm, salt, iterations, expected }) => {
      expect(algorithm).toBe(1);
      expect(hashText(qname, hex(salt), iterations)).toBe(expected);
    },
  );

  it("hashes the canonical form, so the case of the owner does not matter", () => {
    const salt = hex("aabbccdd");
    expect(hashText("xX.ExAmple.", salt, 12)).toBe(hashText("xx.example.", salt, 12));
  });

  it("refuses hash algorithms other than SHA-1 as unsupported", () => {
    expect(() => nsec3Hash(parseName("example."), 2, new Uint8Array(0), 0)).toThrow(
      UnsupportedNsec3HashError,
    );
    expect(() => nsec3Hash(parseName("example."), 0, new Uint8Array(0), 0)).toThrow(
      /hash algorithm 0 is not supported/,
    );
  });

  it("refuses an iteration count the 16-bit field cannot carry", () => {
    expect(() => nsec3Hash(parseName("example."), 1, new Uint8Array(0), 65536)).toThrow(RangeError);
    expect(() => nsec3Hash(parseName("example."), 1, new Uint8Array(0), -1)).toThrow(RangeError);
  });
});
