/**
 * IANA's root-anchors.xml (RFC 7958 §2, as updated by RFC 9718): one
 * <TrustAnchor> with a <Zone> and one <KeyDigest> per key, each giving the
 * key tag, algorithm, digest type and digest of a DS record and a validity
 * window in its validFrom / validUntil attributes.
 *
 * Every KeyDigest becomes a DS anchor carrying its window; whether it is in
 * force is decided at use time (TrustAnchorSet.forZone). The optional
 * <PublicKey> and <Flags> of RFC 9718 are not needed: the digest is enough.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseName, NameSyntaxError, type Name } from "../dns/name.js";
import { RrClass, RrType } from "../dns/rr.js";
import { dsRdata, TrustAnchorSet, type AnchorParseResult } from "./anchors.js";

// RFC 7958 §2.1: xsd:dateTime; a time without a zone is taken as UTC.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/;

function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.parse(m[1]! + (m[2] ?? "Z"));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function field(
  digest: Record<string, unknown>,
  name: string,
): { value: string } | { missing: true } {
  const v = digest[name];
  if (typeof v === "string") return { value: v.trim() };
  return { missing: true };
}

function integer(text: string, max: number): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const v = Number(text);
  return v <= max ? v : undefined;
}

export function parseRootAnchorsXml(text: string, options: { file: string }): AnchorParseResult {
  const { file } = options;
  const fail = (message: string, line?: number): AnchorParseResult => ({
    ok: false,
    error: line === undefined ? { file, message } : { file, line, message },
  });

  const valid = XMLValidator.validate(text);
  if (valid !== true) return fail(`not well-formed XML: ${valid.err.msg}`, valid.err.line);

  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    isArray: (tag) => tag === "KeyDigest",
  }).parse(text) as Record<string, unknown>;

  const root = doc["TrustAnchor"];
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    return fail("no <TrustAnchor> element: not a root-anchors file (RFC 7958 §2)");
  }
  const anchor = root as Record<string, unknown>;
  const zoneText = anchor["Zone"];
  if (typeof zoneText !== "string") return fail("<TrustAnchor> has no <Zone>");
  let zone: Name;
  try {
    zone = parseName(zoneText.trim().endsWith(".") ? zoneText.trim() : `${zoneText.trim()}.`);
  } catch (e) {
    if (e instanceof NameSyntaxError) return fail(`<Zone> "${zoneText}": ${e.message}`);
    throw e;
  }

  const digests = (anchor["KeyDigest"] ?? []) as Record<string, unknown>[];
  if (digests.length === 0) return fail("<TrustAnchor> has no <KeyDigest>");

  const set = new TrustAnchorSet();
  for (const [i, kd] of digests.entries()) {
    if (typeof kd !== "object" || kd === null) return fail(`KeyDigest ${i + 1} is empty`);
    const id = typeof kd["@id"] === "string" ? kd["@id"] : `#${i + 1}`;
    const what = `KeyDigest ${id}`;
    const values: Record<string, string> = {};
    for (const name of ["KeyTag", "Algorithm", "DigestType", "Digest"]) {
      const f = field(kd, name);
      if ("missing" in f) return fail(`${what} has no <${name}>`);
      values[name] = f.value;
    }
    const tag = integer(values["KeyTag"]!, 0xffff);
    const algorithm = integer(values["Algorithm"]!, 0xff);
    const digestType = integer(values["DigestType"]!, 0xff);
    if (tag === undefined) return fail(`${what}: KeyTag "${values["KeyTag"]}" is not 0..65535`);
    if (algorithm === undefined)
      return fail(`${what}: Algorithm "${values["Algorithm"]}" is not 0..255`);
    if (digestType === undefined) {
      return fail(`${what}: DigestType "${values["DigestType"]}" is not 0..255`);
    }
    const digest = values["Digest"]!.replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{2})+$/.test(digest)) return fail(`${what}: Digest is not hexadecimal`);

    // RFC 7958 §2.2: validFrom is required, validUntil optional.
    const fromText = kd["@validFrom"];
    if (typeof fromText !== "string") return fail(`${what} has no validFrom attribute`);
    const validFrom = parseDateTime(fromText);
    if (validFrom === undefined) return fail(`${what}: validFrom "${fromText}" is not a dateTime`);
    const untilText = kd["@validUntil"];
    let validUntil: number | undefined;
    if (untilText !== undefined) {
      validUntil = typeof untilText === "string" ? parseDateTime(untilText) : undefined;
      if (validUntil === undefined) {
        return fail(`${what}: validUntil "${String(untilText)}" is not a dateTime`);
      }
    }

    set.add({
      zone,
      record: {
        owner: zone,
        type: RrType.DS,
        class: RrClass.IN,
        ttl: 0,
        rdata: dsRdata(tag, algorithm, digestType, digest),
      },
      keyTag: tag,
      algorithm,
      validFrom,
      ...(validUntil === undefined ? {} : { validUntil }),
      source: `${file} ${what}`,
    });
  }
  return { ok: true, anchors: set };
}
