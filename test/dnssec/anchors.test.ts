import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseName, ROOT } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { parseTrustAnchors } from "../../src/dnssec/anchor-file.js";
import { builtInRootAnchors, TrustAnchorSet, type TrustAnchor } from "../../src/dnssec/anchors.js";
import { parseRootAnchorsXml } from "../../src/dnssec/anchors-xml.js";

const FIXTURES = new URL("../fixtures/anchors/", import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

const XML_2024 = read("root-anchors.iana-2024.xml");
const XML_2010 = read("root-anchors.iana-2010.xml");
const ROOT_KEY = read("root.key.debian-dns-root-data");
const ROOT_DS = read("root.ds.debian-dns-root-data");

const at = (iso: string): number => Date.parse(iso) / 1000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

/** The KeyDigest elements of an IANA file, read with regular expressions (independently of the parser). */
function keyDigestsByRegex(xml: string) {
  return [...xml.matchAll(/<KeyDigest([^>]*)>([\s\S]*?)<\/KeyDigest>/g)].map((m) => {
    const attr = (n: string) => new RegExp(`${n}="([^"]+)"`).exec(m[1]!)?.[1];
    const el = (n: string) => new RegExp(`<${n}>([^<]+)</${n}>`).exec(m[2]!)![1]!;
    return {
      keyTag: Number(el("KeyTag")),
      algorithm: Number(el("Algorithm")),
      digestType: Number(el("DigestType")),
      digest: el("Digest"),
      validFrom: attr("validFrom"),
      validUntil: attr("validUntil"),
    };
  });
}

/** The DS lines of root.ds, read with a regular expression. */
function dsLinesByRegex(text: string) {
  return [...text.matchAll(/^\.\s+IN\s+DS\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9A-F]+)\s*$/gim)].map(
    (m) => ({
      keyTag: Number(m[1]),
      algorithm: Number(m[2]),
      digestType: Number(m[3]),
      digest: m[4]!.toUpperCase(),
    }),
  );
}

function dsFields(a: TrustAnchor) {
  const r = a.record.rdata;
  return {
    keyTag: (r[0]! << 8) | r[1]!,
    algorithm: r[2]!,
    digestType: r[3]!,
    digest: hex(r.subarray(4)),
  };
}

function parsed(text: string, file: string): TrustAnchorSet {
  const result = parseTrustAnchors(text, { file });
  if (!result.ok)
    throw new Error(`${result.error.file}:${result.error.line}: ${result.error.message}`);
  return result.anchors;
}

const tagsInForce = (set: TrustAnchorSet, now: number): number[] => {
  const za = set.forZone(ROOT, now);
  return (za?.ds ?? []).map((r) => (r.rdata[0]! << 8) | r.rdata[1]!).sort((a, b) => a - b);
};

describe("RFC 7958 §2: IANA root-anchors.xml", () => {
  it("reads every KeyDigest of the 2024 file as a DS anchor for the root with its window", () => {
    const expected = keyDigestsByRegex(XML_2024);
    expect(expected.map((d) => d.keyTag)).toEqual([19036, 20326, 38696]);
    const set = parsed(XML_2024, "root-anchors.iana-2024.xml");
    const anchors = set.all();
    expect(anchors.map(dsFields)).toEqual(
      expected.map(({ keyTag, algorithm, digestType, digest }) => ({
        keyTag,
        algorithm,
        digestType,
        digest,
      })),
    );
    for (const [i, a] of anchors.entries()) {
      expect(a.zone).toEqual(ROOT);
      expect(a.record.type).toBe(RrType.DS);
      expect(a.validFrom).toBe(at(expected[i]!.validFrom!));
      expect(a.validUntil).toBe(expected[i]!.validUntil ? at(expected[i]!.validUntil!) : undefined);
    }
  });

  it("reads the 2010 file's single KeyDigest, 19036", () => {
    const expected = keyDigestsByRegex(XML_2010);
    const set = parsed(XML_2010, "root-anchors.iana-2010.xml");
    expect(set.all().map(dsFields)).toEqual(
      expected.map(({ keyTag, algorithm, digestType, digest }) => ({
        keyTag,
        algorithm,
        digestType,
        digest,
      })),
    );
    expect(tagsInForce(set, at("2012-01-01T00:00:00Z"))).toEqual([19036]);
  });

  it("§2.2: uses an anchor only between validFrom and validUntil", () => {
    const set = parsed(XML_2024, "root-anchors.iana-2024.xml");
    // Windows as published: 19036 2010-07-15..2019-01-11, 20326 from 2017-02-02, 38696 from 2024-07-18.
    expect(tagsInForce(set, at("2010-07-14T23:59:59Z"))).toEqual([]);
    expect(tagsInForce(set, at("2016-06-01T00:00:00Z"))).toEqual([19036]);
    expect(tagsInForce(set, at("2017-08-25T00:00:00Z"))).toEqual([19036, 20326]);
    expect(tagsInForce(set, at("2019-01-11T00:00:00Z"))).toEqual([20326]);
    expect(tagsInForce(set, at("2025-12-10T00:00:00Z"))).toEqual([20326, 38696]);
    const later = set.forZone(ROOT, at("2025-12-10T00:00:00Z"))!;
    expect(later.outOfWindow.map((a) => a.keyTag)).toEqual([19036]);
  });

  it("rejects a file that is not well-formed XML, naming the line", () => {
    const broken = XML_2024.replace(
      "</KeyTag>\n<Algorithm>8</Algorithm>\n<DigestType>2</DigestType>\n<Digest>E06D",
      "</KeyTag>\n<Algorithm>8</Algorith>\n<DigestType>2</DigestType>\n<Digest>E06D",
    );
    expect(broken).not.toBe(XML_2024);
    const result = parseTrustAnchors(broken, { file: "broken.xml" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.file).toBe("broken.xml");
    expect(result.error.message).toMatch(/not well-formed XML/);
    const line = XML_2024.split("\n").findIndex((l) => l.includes("<KeyTag>20326")) + 2;
    expect(result.error.line).toBe(line);
  });

  it("rejects a truncated file", () => {
    const result = parseRootAnchorsXml(XML_2024.slice(0, XML_2024.length / 2), { file: "cut.xml" });
    expect(result.ok).toBe(false);
  });

  it("rejects a KeyDigest without a Digest, naming it", () => {
    const text = XML_2010.replace(/<Digest>[^<]*<\/Digest>\n/, "");
    const result = parseRootAnchorsXml(text, { file: "f.xml" });
    expect(result).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Kjqmt7v.*Digest/) },
    });
  });

  it("rejects a validFrom that is not a dateTime and a digest that is not hex", () => {
    const badDate = parseRootAnchorsXml(
      XML_2010.replace("2010-07-15T00:00:00+00:00", "last July"),
      { file: "f" },
    );
    expect(badDate).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/validFrom/) },
    });
    const badHex = parseRootAnchorsXml(XML_2010.replace("49AAC11D", "49AAC11X"), { file: "f" });
    expect(badHex).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/hexadecimal/) },
    });
  });

  it("rejects XML that is not a TrustAnchor document", () => {
    const result = parseTrustAnchors('<?xml version="1.0"?>\n<root><a/></root>\n', {
      file: "other.xml",
    });
    expect(result).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/TrustAnchor/) },
    });
  });
});

describe("built-in root anchors", () => {
  it("are KSK-2017 and KSK-2024 as DS records equal to IANA's file and to Debian's root.ds", () => {
    const fromXml = keyDigestsByRegex(XML_2024).filter((d) => d.validUntil === undefined);
    const fromDs = dsLinesByRegex(ROOT_DS);
    const builtIn = builtInRootAnchors().all().map(dsFields);
    const strip = ({ keyTag, algorithm, digestType, digest }: (typeof fromXml)[number]) => ({
      keyTag,
      algorithm,
      digestType,
      digest,
    });
    expect(builtIn.map((d) => d.keyTag)).toEqual([20326, 38696]);
    expect(builtIn).toEqual(fromXml.map(strip));
    expect(builtIn).toEqual(fromDs);
  });

  it("have the windows of IANA's file", () => {
    const fromXml = keyDigestsByRegex(XML_2024).filter((d) => d.validUntil === undefined);
    expect(
      builtInRootAnchors()
        .all()
        .map((a) => a.validFrom),
    ).toEqual(fromXml.map((d) => at(d.validFrom!)));
  });

  it("digest the DNSKEYs of Debian's root.key (RFC 4509 §2.1: SHA-256 over owner || RDATA)", () => {
    const keys = parsed(ROOT_KEY, "root.key").all();
    const builtIn = builtInRootAnchors().all().map(dsFields);
    expect(keys.map((k) => k.keyTag)).toEqual(builtIn.map((d) => d.keyTag));
    for (const [i, k] of keys.entries()) {
      const digest = createHash("sha256").update(Uint8Array.of(0)).update(k.record.rdata).digest();
      expect(hex(digest)).toBe(builtIn[i]!.digest);
    }
  });
});

describe("anchors as zone-file records", () => {
  it("reads Debian's root.key as DNSKEY anchors with the key tags its comments give", () => {
    const commentTags = [...ROOT_KEY.matchAll(/keytag (\d+)/g)].map((m) => Number(m[1]));
    const set = parsed(ROOT_KEY, "root.key");
    expect(set.all().map((a) => a.record.type)).toEqual([RrType.DNSKEY, RrType.DNSKEY]);
    expect(set.all().map((a) => a.keyTag)).toEqual(commentTags);
    expect(set.forZone(ROOT, at("2025-01-01T00:00:00Z"))!.dnskey).toHaveLength(2);
  });

  it("reads Debian's root.ds as DS anchors", () => {
    const set = parsed(ROOT_DS, "root.ds");
    expect(set.all().map(dsFields)).toEqual(dsLinesByRegex(ROOT_DS));
  });

  it("refuses a record that is neither DS nor DNSKEY", () => {
    const result = parseTrustAnchors(". 3600 IN NS a.root-servers.net.\n", { file: "ns.txt" });
    expect(result).toMatchObject({
      ok: false,
      error: { file: "ns.txt", message: expect.stringMatching(/not a DS or DNSKEY/) },
    });
  });

  it("passes on a syntax error of the zone-file reader with its line", () => {
    const result = parseTrustAnchors(`${ROOT_DS}. IN DS 20326 8 2 NOTHEX\n`, { file: "bad.ds" });
    expect(result).toMatchObject({ ok: false, error: { file: "bad.ds", line: 3 } });
  });
});

describe("anchors as a BIND trust-anchors clause", () => {
  const keyLines = [...ROOT_KEY.matchAll(/^\. IN DNSKEY (\d+) (\d+) (\d+) (\S+)/gm)];
  const dsLines = dsLinesByRegex(ROOT_DS);

  it("reads initial-key and static-ds entries as the same records as root.key and root.ds", () => {
    const text = [
      "// root anchors",
      "trust-anchors {",
      ...keyLines.map(
        (m) =>
          `  "." initial-key ${m[1]} ${m[2]} ${m[3]} "${m[4]!.slice(0, 40)}\n     ${m[4]!.slice(40)}";`,
      ),
      ...dsLines.map(
        (d) => `  . static-ds ${d.keyTag} ${d.algorithm} ${d.digestType} "${d.digest}";`,
      ),
      "};",
    ].join("\n");
    const bind = parsed(text, "named.conf").all();
    const fromKey = parsed(ROOT_KEY, "root.key").all();
    const fromDs = parsed(ROOT_DS, "root.ds").all();
    expect(bind.map((a) => hex(a.record.rdata))).toEqual(
      [...fromKey, ...fromDs].map((a) => hex(a.record.rdata)),
    );
    expect(bind.map((a) => a.record.type)).toEqual([
      RrType.DNSKEY,
      RrType.DNSKEY,
      RrType.DS,
      RrType.DS,
    ]);
  });

  it("reads managed-keys and trusted-keys clauses", () => {
    const m = keyLines[0]!;
    const text = `managed-keys { . initial-key ${m[1]} ${m[2]} ${m[3]} "${m[4]}"; };\ntrusted-keys { . ${m[1]} ${m[2]} ${m[3]} "${m[4]}"; };\n`;
    expect(
      parsed(text, "named.conf")
        .all()
        .map((a) => a.keyTag),
    ).toEqual([20326, 20326]);
  });

  it("names the line of a missing semicolon", () => {
    const d = dsLines[0]!;
    const text = `trust-anchors {\n  . static-ds ${d.keyTag} 8 2 "${d.digest}"\n  . static-ds ${d.keyTag} 8 2 "${d.digest}";\n};\n`;
    const result = parseTrustAnchors(text, { file: "named.conf" });
    expect(result).toMatchObject({ ok: false, error: { file: "named.conf", line: 3 } });
  });
});

describe("RFC 4035 §4.4: choosing the anchor for a name", () => {
  it("takes the closest enclosing zone that has an anchor in force", () => {
    const set = builtInRootAnchors();
    const keys = parsed(ROOT_KEY, "root.key").all();
    const example = parseName("example.");
    set.add({
      ...keys[0]!,
      zone: example,
      record: { ...keys[0]!.record, owner: example },
      source: "test",
    });
    const now = at("2025-01-01T00:00:00Z");
    expect(set.closestEnclosing(parseName("www.Example."), now)!.zone).toEqual(example);
    expect(set.closestEnclosing(parseName("www.example.org."), now)!.zone).toEqual(ROOT);
    expect(set.closestEnclosing(parseName("org."), at("2016-01-01T00:00:00Z"))).toBeUndefined();
  });

  it("refuses an anchor that is not a DS or DNSKEY record (a programming error)", () => {
    const a = builtInRootAnchors().all()[0]!;
    expect(() => new TrustAnchorSet([{ ...a, record: { ...a.record, type: RrType.NS } }])).toThrow(
      TypeError,
    );
  });
});
