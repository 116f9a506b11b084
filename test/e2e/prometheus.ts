/**
 * Debian's Prometheus (package `prometheus`, /usr/bin/prometheus) for the
 * end-to-end tests: one server on 127.0.0.1 with its own temporary data
 * folder, scraping one target every second and evaluating the given rule
 * files every second, read back through its HTTP API (/api/v1/query,
 * /api/v1/alerts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { freePort, until } from "./serve-process.js";

export const PROMETHEUS = "/usr/bin/prometheus";

/** Why Prometheus cannot run here, with what to install; undefined when it can. */
export function prometheusUnavailable(): string | undefined {
  if (existsSync(PROMETHEUS)) return undefined;
  return `${PROMETHEUS} not found: install the Debian package prometheus (apt-get install --no-install-recommends prometheus; .ci/run installs it)`;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromAlert {
  labels: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  activeAt?: string;
  value?: string;
}

export class Prometheus {
  readonly dir = mkdtempSync(path.join(tmpdir(), "nta-watch-prometheus-"));
  readonly lines: string[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> | undefined;
  port = 0;

  /** @param target host:port of the service's API (GET /metrics). */
  constructor(
    private readonly target: string,
    private readonly ruleFiles: readonly string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const unavailable = prometheusUnavailable();
    if (unavailable) throw new Error(unavailable);
    this.port = await freePort();
    const config = path.join(this.dir, "prometheus.yml");
    writeFileSync(
      config,
      stringify({
        global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
        rule_files: [...this.ruleFiles],
        scrape_configs: [
          {
            job_name: "nta-watch",
            metrics_path: "/metrics",
            static_configs: [{ targets: [this.target] }],
          },
        ],
      }),
    );
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(this.dir, "data")}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") this.lines.push(line);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", resolve));
    let exited = false;
    void this.#exited.then(() => {
      exited = true;
    });
    await until(
      "Prometheus to be ready",
      async () => {
        if (exited) throw new Error(`prometheus exited:\n${this.lines.slice(-10).join("\n")}`);
        const r = await fetch(`${this.url}/-/ready`);
        return r.ok ? true : undefined;
      },
      timeoutMs,
    );
  }

  async #api<T>(p: string): Promise<T> {
    const r = await fetch(`${this.url}${p}`);
    const body = (await r.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${p}: ${body.error ?? r.status}`);
    return body.data;
  }

  /** An instant query's vector. */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.#api<{ resultType: string; result: PromSample[] }>(
      `/api/v1/query?query=${encodeURIComponent(expr)}`,
    );
    if (data.resultType !== "vector") throw new Error(`${expr}: a ${data.resultType}`);
    return data.result;
  }

  /** Alerts pending or firing from the rule files. */
  async alerts(): Promise<PromAlert[]> {
    return (await this.#api<{ alerts: PromAlert[] }>("/api/v1/alerts")).alerts;
  }

  /** The scrape targets' health ("up", "down", "unknown"). */
  async targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]> {
    return (
      await this.#api<{
        activeTargets: { scrapeUrl: string; health: string; lastError: string }[];
      }>("/api/v1/targets")
    ).activeTargets;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
