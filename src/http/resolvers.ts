/**
 * The NTAs in force as text for each resolver, to include or run:
 * - Unbound: `domain-insecure: "zone"` lines under `server:` (unbound.conf(5)).
 * - BIND: `rndc nta -lifetime <s>s <zone>` commands, lifetime the time left
 *   (BIND caps it at one week, as the watcher does).
 * - PowerDNS Recursor: `addNTA("zone", "reason")` for the Lua configuration file.
 * - Knot Resolver: one `trust_anchors.set_insecure({...})` call (it replaces
 *   the whole list, so every zone goes in the one call).
 *
 * A name that would need escaping in one of these syntaxes (anything but
 * letters, digits, '-', '_' and '.') is written as a comment, never as
 * configuration: text from the wire must not become resolver configuration.
 */

import { isoTime } from "../assess/classify.js";

export type ResolverKind = "unbound" | "bind" | "pdns" | "knot";
export const RESOLVER_KINDS: readonly ResolverKind[] = ["unbound", "bind", "pdns", "knot"];

export interface NtaForResolver {
  zone: string;
  expiresAt: number;
  reason: string;
}

const SAFE_NAME = /^(?:\.|(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})\.)+)$/;

const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;

/** A reason as a Lua string literal: quotes, backslashes and control characters escaped. */
function luaString(text: string): string {
  let body = "";
  for (const c of text) {
    if (c === "\\" || c === '"') body += `\\${c}`;
    else if (isControl(c)) body += `\\${c.charCodeAt(0).toString().padStart(3, "0")}`;
    else body += c;
  }
  return `"${body}"`;
}

/** Comment text on one line, whatever the reason holds. */
function oneLine(text: string): string {
  return [...text].map((c) => (isControl(c) ? " " : c)).join("");
}

/** A zone without its trailing dot (the root stays "."), as the Lua APIs show names. */
function bare(zone: string): string {
  return zone === "." ? "." : zone.replace(/\.$/, "");
}

export function renderForResolver(
  kind: ResolverKind,
  ntas: readonly NtaForResolver[],
  now: number,
): string {
  const live = ntas.filter((n) => n.expiresAt > now);
  const safe = live.filter((n) => SAFE_NAME.test(n.zone));
  const skipped = live.filter((n) => !SAFE_NAME.test(n.zone));
  const comment = kind === "pdns" || kind === "knot" ? "--" : "#";
  const lines = [`${comment} NTAs in force at ${isoTime(now)}, from nta-watch (RFC 7646)`];
  for (const n of skipped) {
    lines.push(`${comment} skipped, name needs escaping: ${JSON.stringify(n.zone)}`);
  }
  switch (kind) {
    case "unbound":
      lines.push("server:");
      for (const n of safe) {
        lines.push(`    # until ${isoTime(n.expiresAt)}: ${oneLine(n.reason)}`);
        lines.push(`    domain-insecure: "${n.zone}"`);
      }
      break;
    case "bind":
      for (const n of safe) {
        lines.push(`# until ${isoTime(n.expiresAt)}: ${oneLine(n.reason)}`);
        lines.push(`rndc nta -lifetime ${n.expiresAt - now}s ${n.zone}`);
      }
      break;
    case "pdns":
      for (const n of safe) {
        lines.push(`-- until ${isoTime(n.expiresAt)}`);
        lines.push(`addNTA("${bare(n.zone)}", ${luaString(n.reason)})`);
      }
      break;
    case "knot":
      for (const n of safe) lines.push(`-- ${bare(n.zone)} until ${isoTime(n.expiresAt)}`);
      lines.push(
        `trust_anchors.set_insecure({${safe.map((n) => `"${bare(n.zone)}"`).join(", ")}})`,
      );
      break;
  }
  return lines.join("\n") + "\n";
}

export const RESOLVER_CONTENT_TYPE = "text/plain; charset=utf-8";
