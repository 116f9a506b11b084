/**
 * Reads a trust-anchor file in whichever format it is written: IANA's
 * root-anchors XML (RFC 7958), a BIND trust-anchors clause, or zone-file DS
 * and DNSKEY records. The format is told from the first significant
 * characters: `<` for XML, a BIND clause keyword (after any comments),
 * anything else for zone-file records.
 */
import { parseAnchorRecords, type AnchorParseResult } from "./anchors.js";
import { parseBindTrustAnchors } from "./anchors-bind.js";
import { parseRootAnchorsXml } from "./anchors-xml.js";

const BIND_CLAUSE =
  /^(?:(?:\/\/|#)[^\n]*(?:\n|$)\s*|\/\*[\s\S]*?\*\/\s*)*(?:trust-anchors|managed-keys|trusted-keys)\s*\{/;

export function parseTrustAnchors(text: string, options: { file: string }): AnchorParseResult {
  const start = text.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("<")) return parseRootAnchorsXml(text, options);
  if (BIND_CLAUSE.test(start)) return parseBindTrustAnchors(text, options);
  return parseAnchorRecords(text, options);
}
