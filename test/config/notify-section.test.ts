/**
 * The `notify` and `earlyWarning` sections of the configuration file: a
 * webhook receiver whose secret comes from the environment loads, with the
 * section's defaults filled in; a bad receiver is rejected at its own path.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { channelsOf } from "../../src/notify/channels.js";

const MINIMAL = { vantages: [{ name: "u", address: "127.0.0.1", software: "unbound" }] };

describe("configuration: the notify section", () => {
  it("is optional: defaults hold when it is left out", () => {
    const r = parseConfig(MINIMAL, { env: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.notify.webhooks).toEqual([]);
    expect(r.config.notify.slack).toBeUndefined();
    // 30 minutes, 12 attempts: the documented defaults, in seconds.
    expect(r.config.notify.dedupWindow).toBe(30 * 60);
    expect(r.config.notify.maxAttempts).toBe(12);
    expect(r.config.earlyWarning).toEqual({ expiryHorizonSeconds: 6 * 3600, keyTagChanges: true });
  });

  it("loads a webhook receiver whose secret is read from the environment", () => {
    const r = parseConfig(
      {
        ...MINIMAL,
        notify: {
          webhooks: [
            {
              name: "pager",
              url: "http://127.0.0.1:9/hook",
              secret: { env: "PAGER_SECRET" },
              minSeverity: "warning",
            },
          ],
          retryInitial: "30s",
          zoneLink: "https://watch.example.net/zones/{zone}",
        },
        earlyWarning: { expiryHorizonSeconds: 12 * 3600 },
      },
      { env: {} },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.notify.retryInitial).toBe(30);
    expect(r.config.earlyWarning.expiryHorizonSeconds).toBe(12 * 3600);
    const secret = "pager-secret-0123456789abcdef";
    const channels = channelsOf(r.config.notify, "/", { PAGER_SECRET: secret });
    expect(channels).toEqual({
      ok: true,
      channels: [
        {
          name: "webhook:pager",
          kind: "webhook",
          url: "http://127.0.0.1:9/hook",
          secret,
          minSeverity: "warning",
        },
      ],
    });
  });

  it("rejects a bad receiver at its path", () => {
    const r = parseConfig(
      {
        ...MINIMAL,
        notify: {
          webhooks: [
            { name: "ok", url: "http://127.0.0.1:9/a", secret: { env: "A" } },
            { name: "pager", url: "ftp://127.0.0.1/hook", secret: { env: "B", file: "b" } },
          ],
          pollIntervl: "5s",
        },
        earlyWarning: { expiryHorizonSeconds: 60 },
      },
      { env: {} },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "notify.webhooks[1].url",
        "notify.webhooks[1].secret",
        "notify.pollIntervl",
        "earlyWarning.expiryHorizonSeconds",
      ]),
    );
    expect(paths.every((p) => p.startsWith("notify.") || p.startsWith("earlyWarning."))).toBe(true);
  });
});
