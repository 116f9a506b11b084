/**
 * Does a text speak of a zone's DNSSEC trouble? A zone is mentioned when its
 * name stands on its own in the text: a TLD as ".de" (or its Unicode form,
 * ".рф" for xn--p1ai), a deeper zone as "example.com"; "nic.de" does not
 * mention ".de", and ".de" inside ".dev" is no match. A keyword is matched
 * case-insensitively anywhere in the text.
 */

import { domainToUnicode } from "node:url";

/** Words that put an item about a zone on the DNSSEC side; overridable per source. */
export const DEFAULT_KEYWORDS: readonly string[] = [
  "DNSSEC",
  "signature",
  "signing",
  "validation",
  "SERVFAIL",
  "key rollover",
  "KSK",
  "ZSK",
  "DNSKEY",
  "resolution",
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The spellings of a zone people write: without the trailing dot, A-label and U-label. */
function spellings(zone: string): string[] {
  const bare = zone.replace(/\.$/, "").toLowerCase();
  if (bare === "") return [];
  const unicode = domainToUnicode(bare).toLowerCase();
  return [...new Set([bare, unicode].filter((s) => s !== ""))];
}

const cache = new Map<string, RegExp | undefined>();

function patternOf(zone: string): RegExp | undefined {
  if (cache.has(zone)) return cache.get(zone);
  const names = spellings(zone);
  let re: RegExp | undefined;
  if (names.length > 0) {
    const tld = !names[0]!.includes(".");
    const body = names.map(escape).join("|");
    // Not part of a longer name on either side: no label character or dot before
    // (for a TLD, the dot is written and must not follow a label), none after.
    const before = tld ? "(?<![\\p{L}\\p{N}_.-])\\." : "(?<![\\p{L}\\p{N}_.-])";
    const after = "(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])";
    re = new RegExp(`${before}(?:${body})${after}`, "iu");
  }
  cache.set(zone, re);
  return re;
}

export function mentionsZone(text: string, zone: string): boolean {
  return patternOf(zone)?.test(text) ?? false;
}

export function mentionsKeyword(text: string, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return true;
  const lower = text.toLowerCase();
  return keywords.some((k) => lower.includes(k.toLowerCase()));
}

export interface MatchRule {
  /** Zones this source speaks for as their operator: no need to name them. */
  ownZones: readonly string[];
  keywords: readonly string[];
}

/** The zones of `watched` an item confirms: named (or the source's own), with a keyword. */
export function zonesConfirmed(
  text: string,
  watched: readonly string[],
  rule: MatchRule,
): string[] {
  if (!mentionsKeyword(text, rule.keywords)) return [];
  const own = new Set(rule.ownZones.map((z) => z.toLowerCase()));
  return watched.filter((z) => own.has(z.toLowerCase()) || mentionsZone(text, z));
}
