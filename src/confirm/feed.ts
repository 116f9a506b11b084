/**
 * An RSS 2.0 or Atom (RFC 4287) feed: an operator's news or a community
 * list. An item confirms a watched zone when its title or text names the
 * zone (or the feed is the zone operator's own) and speaks of DNSSEC, and
 * it is dated within the age window. Items without a date are skipped:
 * their age cannot be checked.
 */

import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Confirmation } from "../assess/types.js";
import { fetchText } from "./fetch.js";
import { zonesConfirmed, type MatchRule } from "./match.js";
import {
  failed,
  fresh,
  secondsOf,
  type ConfirmationSourceReader,
  type PollContext,
  type SourceReport,
} from "./types.js";

export interface FeedItem {
  title: string;
  text: string;
  link?: string;
  at?: number;
}

type Node = Record<string, unknown>;

/** The text of an element that may carry attributes or CDATA. */
function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(textOf).join(" ");
  if (v && typeof v === "object") {
    const node = v as Node;
    if ("#text" in node) return textOf(node["#text"]);
  }
  return "";
}

/** Markup in descriptions is dropped; only the words are matched. */
function plain(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function atomLink(v: unknown): string | undefined {
  const links = (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Node[];
  const alternate = links.find((l) => l["@rel"] === undefined || l["@rel"] === "alternate");
  const href = (alternate ?? links[0])?.["@href"];
  return typeof href === "string" ? href : undefined;
}

/** The items of an RSS or Atom document, or an error for anything else. */
export function parseFeed(
  xml: string,
): { ok: true; items: FeedItem[] } | { ok: false; error: string } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    return { ok: false, error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    // Entities in item text stay as written; only the words matter, and no
    // expansion of a document's own entities can blow up memory.
    processEntities: false,
    removeNSPrefix: true,
    isArray: (tag) => tag === "item" || tag === "entry" || tag === "link",
  }).parse(xml) as Node;

  const rss = doc["rss"] as Node | undefined;
  const channel = (rss?.["channel"] ?? (doc["RDF"] as Node | undefined)) as Node | undefined;
  if (channel) {
    const raw = (channel["item"] ?? (doc["RDF"] as Node | undefined)?.["item"] ?? []) as Node[];
    return {
      ok: true,
      items: raw.map((i) => {
        const item: FeedItem = {
          title: plain(textOf(i["title"])),
          text: plain(textOf(i["description"]) + " " + textOf(i["encoded"])),
        };
        const link = textOf(i["link"]).trim() || textOf(i["guid"]).trim();
        if (link) item.link = link;
        const at = secondsOf(textOf(i["pubDate"])) ?? secondsOf(textOf(i["date"]));
        if (at !== undefined) item.at = at;
        return item;
      }),
    };
  }
  const feed = doc["feed"] as Node | undefined;
  if (feed) {
    const raw = (feed["entry"] ?? []) as Node[];
    return {
      ok: true,
      items: raw.map((e) => {
        const item: FeedItem = {
          title: plain(textOf(e["title"])),
          text: plain(textOf(e["summary"]) + " " + textOf(e["content"])),
        };
        const link = atomLink(e["link"]) ?? (textOf(e["id"]).trim() || undefined);
        if (link) item.link = link;
        const at = secondsOf(textOf(e["published"])) ?? secondsOf(textOf(e["updated"]));
        if (at !== undefined) item.at = at;
        return item;
      }),
    };
  }
  return { ok: false, error: "neither an RSS channel nor an Atom feed" };
}

export interface FeedOptions extends MatchRule {
  name: string;
  url: string;
  timeoutMs: number;
}

export class FeedSource implements ConfirmationSourceReader {
  readonly kind = "feed" as const;
  readonly name: string;
  readonly url: string;

  constructor(private readonly options: FeedOptions) {
    this.name = options.name;
    this.url = options.url;
  }

  async poll(ctx: PollContext): Promise<SourceReport> {
    const got = await fetchText(this.url, { timeoutMs: this.options.timeoutMs });
    if (!got.ok) return failed(this, ctx.now, got.error);
    const parsed = parseFeed(got.text);
    if (!parsed.ok) return failed(this, ctx.now, `${this.url}: ${parsed.error}`);
    const confirmations: Confirmation[] = [];
    for (const item of parsed.items) {
      if (item.at === undefined || !fresh(item.at, ctx)) continue;
      for (const zone of zonesConfirmed(`${item.title}\n${item.text}`, ctx.watched, this.options)) {
        confirmations.push({
          zone,
          source: "feed",
          author: this.name,
          reference: `${item.link ?? this.url} "${item.title}"`,
          at: item.at,
        });
      }
    }
    return {
      source: this.name,
      kind: this.kind,
      at: ctx.now,
      ok: true,
      items: parsed.items.length,
      confirmations,
    };
  }
}
