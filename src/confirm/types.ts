/**
 * A configured confirmation source: read now and then, it says which watched
 * zones the upstream operator or the community has acknowledged as broken
 * (DESIGN.md, precondition 2). Reading never throws; a source that cannot be
 * read reports why and confirms nothing.
 */

import type { Confirmation } from "../assess/types.js";

export type SourceKind = "statuspage" | "feed" | "peer";

export interface PollContext {
  /** The watched zones, lowercase with the trailing dot. */
  watched: readonly string[];
  now: number;
  /** Items older than this are not confirmations any more (the assessment would set them aside). */
  maxAgeSeconds: number;
}

export interface SourceReport {
  source: string;
  kind: SourceKind;
  at: number;
  ok: boolean;
  error?: string;
  /** Items (incidents, entries, NTAs) read from the document. */
  items: number;
  confirmations: Confirmation[];
}

export interface ConfirmationSourceReader {
  readonly name: string;
  readonly kind: SourceKind;
  readonly url: string;
  poll(ctx: PollContext): Promise<SourceReport>;
}

/** A report for a source that could not be read. */
export function failed(
  reader: { name: string; kind: SourceKind },
  at: number,
  error: string,
): SourceReport {
  return {
    source: reader.name,
    kind: reader.kind,
    at,
    ok: false,
    error,
    items: 0,
    confirmations: [],
  };
}

/** Seconds since the epoch of a date text (ISO 8601, RFC 822), or undefined. */
export function secondsOf(text: unknown): number | undefined {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** An item's time counts when it is within the age window and not ahead of us by more than 5 min. */
export function fresh(at: number, ctx: PollContext): boolean {
  return at >= ctx.now - ctx.maxAgeSeconds && at <= ctx.now + 300;
}
