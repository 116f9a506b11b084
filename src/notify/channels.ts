/**
 * The channels of a configuration: secrets read once at start (a missing or
 * short one stops the service with the place it was looked for), never
 * logged.
 */

import { readSecret } from "../service/secrets.js";
import type { NotifySettings } from "./schema.js";
import type { Channel } from "./sender.js";

export function channelsOf(
  s: NotifySettings,
  configDir: string,
  env: Record<string, string | undefined>,
): { ok: true; channels: Channel[] } | { ok: false; error: string } {
  const channels: Channel[] = [];
  if (s.slack) {
    const url = readSecret(s.slack.url, configDir, env);
    if (!url.ok) return { ok: false, error: `notify.slack.url: ${url.error}` };
    const c: Channel = {
      name: "slack",
      kind: "slack",
      url: url.value,
      minSeverity: s.slack.minSeverity,
    };
    if (s.slack.kinds) c.kinds = s.slack.kinds;
    channels.push(c);
  }
  for (const w of s.webhooks) {
    const secret = readSecret(w.secret, configDir, env);
    if (!secret.ok) return { ok: false, error: `notify.webhooks ${w.name}: ${secret.error}` };
    const c: Channel = {
      name: `webhook:${w.name}`,
      kind: "webhook",
      url: w.url,
      secret: secret.value,
      minSeverity: w.minSeverity,
    };
    if (w.kinds) c.kinds = w.kinds;
    channels.push(c);
  }
  return { ok: true, channels };
}
