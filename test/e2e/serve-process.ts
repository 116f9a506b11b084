/**
 * `nta-watch serve` as an operator runs it: `node bin/nta-watch.js serve
 * --config FILE` as a child process, its JSON log lines kept, its API on
 * 127.0.0.1 at a port chosen before the start (so that a restart, and a
 * Prometheus scraping it, find it at the same address). Stopped with
 * SIGTERM, as a service manager does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BIN = path.join(REPO, "bin/nta-watch.js");
const BUILT = path.join(REPO, "dist/cli/main.js");

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** Waits until `check` returns a value other than undefined, or fails at the deadline saying `what`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class ServeProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> | undefined;
  /** Everything the process wrote, one entry per line, across restarts. */
  readonly lines: string[] = [];

  constructor(
    readonly configFile: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the process and waits until GET /healthz answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.#child) throw new Error("serve is already running");
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
    const child = spawn(process.execPath, [BIN, "serve", "--config", this.configFile], {
      cwd: path.dirname(this.configFile),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") this.lines.push(line);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void this.#exited.then((code) => {
      exitCode = code;
    });
    await until(
      "nta-watch serve to answer GET /healthz",
      async () => {
        if (exitCode !== undefined) {
          throw new Error(`serve exited with ${exitCode}:\n${this.lines.slice(-20).join("\n")}`);
        }
        const r = await fetch(`${this.url}/healthz`);
        return r.ok ? true : undefined;
      },
      timeoutMs,
    ).catch((e: Error) => {
      child.kill("SIGKILL");
      this.#child = undefined;
      throw new Error(`${e.message}\n${this.lines.slice(-20).join("\n")}`);
    });
  }

  /** SIGTERM, then waits for the exit; the exit status (0 after a clean stop). */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.#exited!;
    } finally {
      clearTimeout(timer);
      this.#child = undefined;
    }
  }

  /** The JSON log lines whose message is `msg`. */
  logged(msg: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.lines) {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) out.push(entry);
      } catch {
        // Not a log line (a message on standard error).
      }
    }
    return out;
  }
}
