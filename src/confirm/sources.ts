/**
 * The configured confirmation sources, read together now and then. Each
 * poll reads every source at once, keeps each source's last report (for the
 * API and the logs), and hands the confirmations found to a sink (the
 * store). A source that fails leaves the others untouched.
 */

import type { Confirmation } from "../assess/types.js";
import type { ConfirmationSourceSettings } from "../config/service-schema.js";
import { FeedSource } from "./feed.js";
import { PeerNtaSource } from "./peer.js";
import { StatuspageSource } from "./statuspage.js";
import {
  failed,
  type ConfirmationSourceReader,
  type PollContext,
  type SourceReport,
} from "./types.js";

export function buildSources(
  settings: readonly ConfirmationSourceSettings[],
  timeoutMs: number,
  tokens: ReadonlyMap<string, string> = new Map(),
): ConfirmationSourceReader[] {
  return settings.map((s) => {
    switch (s.kind) {
      case "statuspage":
        return new StatuspageSource({
          name: s.name,
          url: s.url,
          ownZones: s.zones,
          keywords: s.keywords,
          timeoutMs,
        });
      case "feed":
        return new FeedSource({
          name: s.name,
          url: s.url,
          ownZones: s.zones,
          keywords: s.keywords,
          timeoutMs,
        });
      case "peer": {
        const token = tokens.get(s.name);
        return new PeerNtaSource({
          name: s.name,
          url: s.url,
          timeoutMs,
          ...(token ? { token } : {}),
        });
      }
    }
  });
}

export class SourcePoller {
  readonly #sources: readonly ConfirmationSourceReader[];
  readonly #last = new Map<string, SourceReport>();

  constructor(sources: readonly ConfirmationSourceReader[]) {
    this.#sources = sources;
  }

  get sources(): readonly ConfirmationSourceReader[] {
    return this.#sources;
  }

  /** The last report of each source, in configuration order (absent before its first poll). */
  reports(): SourceReport[] {
    return this.#sources.flatMap((s) => {
      const r = this.#last.get(s.name);
      return r ? [r] : [];
    });
  }

  /** Reads every source once; the confirmations of all of them, and every report. */
  async pollAll(
    ctx: PollContext,
  ): Promise<{ confirmations: Confirmation[]; reports: SourceReport[] }> {
    const reports = await Promise.all(
      this.#sources.map(async (s) => {
        try {
          return await s.poll(ctx);
        } catch (e) {
          // A reader throwing is a bug in it; the poll goes on for the others.
          return failed(s, ctx.now, `${s.url}: ${(e as Error).message}`);
        }
      }),
    );
    for (const r of reports) this.#last.set(r.source, r);
    return { confirmations: reports.flatMap((r) => r.confirmations), reports };
  }
}
