/**
 * `nta-watch serve --config FILE [--log-level LEVEL]`: runs the watcher
 * until SIGTERM or SIGINT, then stops cleanly (see service.ts). Logs are
 * JSON lines on standard output (pino). Exit status: 0 after a clean stop,
 * 2 for a usage or configuration error, 1 when the service cannot start.
 * -h/--help prints the usage.
 */

import path from "node:path";
import { parseArgs } from "node:util";
import { pino, type Logger } from "pino";
import { formatConfigErrors, loadConfig } from "../config/load.js";
import { bootParts, type BootOptions } from "../service/boot.js";
import { prepareFirstRun } from "../service/first-run.js";
import { Service } from "../service/service.js";

const USAGE = `usage: nta-watch serve --config FILE [--log-level trace|debug|info|warn|error]

  runs the watcher: probe rounds, decisions and the HTTP API, until SIGTERM or SIGINT
  --log-level LEVEL  default info (or NTA_WATCH_LOG_LEVEL); logs are JSON lines on stdout

exit status: 0 after a clean stop, 1 cannot start, 2 usage or configuration error`;
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];

export interface ServeHooks extends Partial<Omit<BootOptions, "logger">> {
  logger?: Logger;
  /** Called once the service listens (tests). */
  onStarted?: (service: Service) => void;
  /** Resolves when the service should stop; default: SIGTERM or SIGINT. */
  until?: Promise<unknown>;
}

function signals(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      log.info({ signal }, "signal received");
      resolve(signal);
    };
    process.once("SIGTERM", () => on("SIGTERM"));
    process.once("SIGINT", () => on("SIGINT"));
  });
}

export async function run(args: string[], hooks: ServeHooks = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        config: { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    console.error(`nta-watch serve: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const level = parsed.values["log-level"] ?? process.env.NTA_WATCH_LOG_LEVEL ?? "info";
  if (!LEVELS.includes(level)) {
    console.error(`nta-watch serve: unknown log level "${level}"\n${USAGE}`);
    return 2;
  }
  if (parsed.values.config === undefined) {
    console.error(`nta-watch serve: --config FILE is required\n${USAGE}`);
    return 2;
  }
  const log =
    hooks.logger ??
    pino({ level, base: { service: "nta-watch" }, redact: ["req.headers.authorization"] });
  const loaded = await loadConfig(parsed.values.config, hooks.env ? { env: hooks.env } : {});
  if (!loaded.ok) {
    console.error(formatConfigErrors(loaded));
    return 2;
  }
  const first = prepareFirstRun(loaded.config, path.dirname(path.resolve(loaded.file)));
  if (!first.ok) {
    console.error(formatConfigErrors({ file: loaded.file, errors: first.errors }));
    return 2;
  }
  for (const t of first.generated) {
    log.info(
      { tokenName: t.name, role: t.role, file: t.file },
      `API token created in ${t.file} (mode 0600); operator commands: nta-watch status --token-file ${t.file}`,
    );
  }
  const booted = await bootParts(loaded.config, loaded.file, { ...hooks, logger: log });
  if (!booted.ok) {
    console.error(formatConfigErrors({ file: loaded.file, errors: booted.errors }));
    return 2;
  }
  let service: Service;
  try {
    service = await Service.start(booted.parts);
  } catch (e) {
    log.fatal({ err: e }, "cannot start");
    return 1;
  }
  hooks.onStarted?.(service);
  await (hooks.until ?? signals(log));
  await service.stop();
  return 0;
}
