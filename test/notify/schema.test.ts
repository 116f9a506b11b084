import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { channelsOf } from "../../src/notify/channels.js";
import { DEFAULT_NOTIFY, notifySchema } from "../../src/notify/schema.js";
import { startAlertSender } from "../../src/notify/start.js";

describe("the notify section of the configuration", () => {
  it("has defaults for every limit, in seconds", () => {
    expect(DEFAULT_NOTIFY).toMatchObject({
      webhooks: [],
      dedupWindow: 1800,
      reminderInterval: 1800,
      retryInitial: 10,
      retryMax: 900,
      maxAttempts: 12,
      timeout: 10,
      pollInterval: 5,
    });
  });

  it("rejects limits out of range instead of clamping them", () => {
    for (const bad of [
      { dedupWindow: "30s" },
      { dedupWindow: "2d" },
      { reminderInterval: "1m" },
      { retryMax: "7h" },
      { maxAttempts: 0 },
      { timeout: "2m" },
      { retryInitial: "5m", retryMax: "1m" },
      { zoneLink: "https://watch.example.net/zones" },
      { webhooks: [{ name: "a", url: "ftp://x", secret: { env: "S" } }] },
      { webhooks: [{ name: "a", url: "http://127.0.0.1/", secret: { env: "S", file: "s" } }] },
    ]) {
      expect(notifySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("reads the Slack URL and webhook secrets from a file or the environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-notify-config-"));
    try {
      writeFileSync(
        path.join(dir, "slack-url"),
        "https://hooks.slack.example/services/T0/B0/abcdef\n",
      );
      const s = notifySchema.parse({
        slack: { url: { file: "slack-url" }, minSeverity: "warning" },
        webhooks: [
          { name: "pager", url: "http://127.0.0.1:9/hook", secret: { env: "PAGER_SECRET" } },
        ],
      });
      const r = channelsOf(s, dir, { PAGER_SECRET: "pager-secret-0123456789" });
      expect(r).toEqual({
        ok: true,
        channels: [
          {
            name: "slack",
            kind: "slack",
            url: "https://hooks.slack.example/services/T0/B0/abcdef",
            minSeverity: "warning",
          },
          {
            name: "webhook:pager",
            kind: "webhook",
            url: "http://127.0.0.1:9/hook",
            secret: "pager-secret-0123456789",
            minSeverity: "info",
          },
        ],
      });
      const missing = channelsOf(s, dir, {});
      expect(missing).toMatchObject({ ok: false });
      expect(!missing.ok && missing.error).toContain("PAGER_SECRET");
      expect(!missing.ok && missing.error).not.toContain("0123456789");
      const failed = startAlertSender({
        store: { db: undefined as never, proposals: () => [] },
        settings: s,
        configDir: dir,
        env: {},
        now: () => 0,
      });
      expect(failed.ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
