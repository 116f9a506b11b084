/**
 * The alert sender of a configuration, in one call for the service: the
 * channels with their secrets read, the sender built and started. Stop it
 * (await sender.stop()) before closing the store.
 */

import type { Db } from "../store/db.js";
import type { ProposalRow } from "../store/rows.js";
import { channelsOf } from "./channels.js";
import type { NotifySettings } from "./schema.js";
import { AlertSender, type AlertMetrics } from "./sender.js";

export interface StartOptions {
  store: { db: Db; proposals(filter: { open: true }): ProposalRow[] };
  settings: NotifySettings;
  configDir: string;
  env: Record<string, string | undefined>;
  now: () => number;
  metrics?: AlertMetrics;
  log?: { warn(obj: object, msg: string): void };
  /** Start the poll loop (tests call runOnce instead). */
  start?: boolean;
}

export function startAlertSender(
  o: StartOptions,
): { ok: true; sender: AlertSender; channels: string[] } | { ok: false; error: string } {
  const c = channelsOf(o.settings, o.configDir, o.env);
  if (!c.ok) return c;
  const sender = new AlertSender({
    store: o.store,
    channels: c.channels,
    settings: o.settings,
    now: o.now,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  if (o.start ?? true) sender.start();
  return { ok: true, sender, channels: c.channels.map((x) => x.name) };
}
