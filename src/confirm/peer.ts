/**
 * A peer watcher's NTA feed (GET /api/v1/ntas.json of another nta-watch):
 * an NTA a peer operator's person approved for a zone we watch confirms
 * that zone's break. Its time is the peer's approval; it expires with the
 * peer's NTA.
 */

import { isoTime } from "../assess/classify.js";
import type { Confirmation } from "../assess/types.js";
import { fetchText, parseJson } from "./fetch.js";
import { ntaFeedSchema } from "./nta-feed.js";
import {
  failed,
  fresh,
  type ConfirmationSourceReader,
  type PollContext,
  type SourceReport,
} from "./types.js";

export interface PeerOptions {
  name: string;
  url: string;
  timeoutMs: number;
  /** Bearer token for a peer whose feed is not public (never logged). */
  token?: string;
}

function normalZone(zone: string): string {
  const lower = zone.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

export class PeerNtaSource implements ConfirmationSourceReader {
  readonly kind = "peer" as const;
  readonly name: string;
  readonly url: string;

  constructor(private readonly options: PeerOptions) {
    this.name = options.name;
    this.url = options.url;
  }

  async poll(ctx: PollContext): Promise<SourceReport> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const got = await fetchText(this.url, { timeoutMs: this.options.timeoutMs, headers });
    if (!got.ok) return failed(this, ctx.now, got.error);
    const json = parseJson(this.url, got.text);
    if (!json.ok) return failed(this, ctx.now, json.error);
    const feed = ntaFeedSchema.safeParse(json.value);
    if (!feed.success) {
      const issue = feed.error.issues[0];
      return failed(
        this,
        ctx.now,
        `${this.url}: not an NTA feed (${issue?.path.join(".")}: ${issue?.message})`,
      );
    }
    const watched = new Set(ctx.watched);
    const confirmations: Confirmation[] = [];
    for (const nta of feed.data.ntas) {
      const zone = normalZone(nta.zone);
      if (!watched.has(zone) || nta.expiresAt <= ctx.now || !fresh(nta.approvedAt, ctx)) continue;
      confirmations.push({
        zone,
        source: "peer-nta",
        author: `${nta.approvedBy} at ${feed.data.publisher} (${this.name})`,
        reference:
          `${this.url}: NTA for ${zone} approved ${isoTime(nta.approvedAt)} ` +
          `until ${isoTime(nta.expiresAt)}: ${nta.reason}`,
        at: nta.approvedAt,
        expiresAt: nta.expiresAt,
      });
    }
    return {
      source: this.name,
      kind: this.kind,
      at: ctx.now,
      ok: true,
      items: feed.data.ntas.length,
      confirmations,
    };
  }
}
