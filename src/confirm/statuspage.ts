/**
 * A Statuspage-style status page: `GET <base>/api/v2/incidents/unresolved.json`
 * lists the incidents not yet resolved, each with a name, a status, a
 * shortlink and its updates. An incident confirms a watched zone when its
 * name or an update names the zone (or the page is the zone operator's own)
 * and speaks of DNSSEC.
 */

import { z } from "zod";
import type { Confirmation } from "../assess/types.js";
import { fetchText, parseJson } from "./fetch.js";
import { zonesConfirmed, type MatchRule } from "./match.js";
import {
  failed,
  fresh,
  secondsOf,
  type ConfirmationSourceReader,
  type PollContext,
  type SourceReport,
} from "./types.js";

const incidentSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  status: z.string().optional(),
  shortlink: z.string().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  incident_updates: z.array(z.looseObject({ body: z.string().nullish() })).optional(),
});

const documentSchema = z.looseObject({
  page: z.looseObject({ name: z.string().optional(), url: z.string().optional() }).optional(),
  incidents: z.array(incidentSchema),
});

/** States of an incident still being worked on (the feed should hold no others). */
const OPEN = new Set(["investigating", "identified", "monitoring", "in_progress", "scheduled"]);

export interface StatuspageOptions extends MatchRule {
  name: string;
  /** The page's base URL; the API path is appended. A URL ending in .json is used as is. */
  url: string;
  timeoutMs: number;
}

export function unresolvedUrl(base: string): string {
  if (base.endsWith(".json")) return base;
  return `${base.replace(/\/+$/, "")}/api/v2/incidents/unresolved.json`;
}

export class StatuspageSource implements ConfirmationSourceReader {
  readonly kind = "statuspage" as const;
  readonly name: string;
  readonly url: string;

  constructor(private readonly options: StatuspageOptions) {
    this.name = options.name;
    this.url = unresolvedUrl(options.url);
  }

  async poll(ctx: PollContext): Promise<SourceReport> {
    const got = await fetchText(this.url, { timeoutMs: this.options.timeoutMs });
    if (!got.ok) return failed(this, ctx.now, got.error);
    const json = parseJson(this.url, got.text);
    if (!json.ok) return failed(this, ctx.now, json.error);
    const doc = documentSchema.safeParse(json.value);
    if (!doc.success) {
      const issue = doc.error.issues[0];
      return failed(
        this,
        ctx.now,
        `${this.url}: not a status page incident list (${issue?.path.join(".")}: ${issue?.message})`,
      );
    }
    const pageName = doc.data.page?.name ?? this.name;
    const confirmations: Confirmation[] = [];
    for (const incident of doc.data.incidents) {
      if (incident.status !== undefined && !OPEN.has(incident.status)) continue;
      const at = secondsOf(incident.started_at) ?? secondsOf(incident.created_at);
      if (at === undefined || !fresh(at, ctx)) continue;
      const text = [
        incident.name,
        ...(incident.incident_updates ?? []).map((u) => u.body ?? ""),
      ].join("\n");
      const link =
        incident.shortlink ??
        (doc.data.page?.url && incident.id
          ? `${doc.data.page.url}/incidents/${incident.id}`
          : this.url);
      for (const zone of zonesConfirmed(text, ctx.watched, this.options)) {
        confirmations.push({
          zone,
          source: "statuspage",
          author: `${pageName} (${this.name})`,
          reference: `${link} "${incident.name}" (${incident.status ?? "unresolved"})`,
          at,
        });
      }
    }
    return {
      source: this.name,
      kind: this.kind,
      at: ctx.now,
      ok: true,
      items: doc.data.incidents.length,
      confirmations,
    };
  }
}
