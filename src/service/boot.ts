/**
 * From a loaded configuration to the parts of the service: API tokens and
 * peer tokens read from their files or variables, the confirmation sources,
 * and the probe engine's rounds. Problems come back as configuration errors
 * (path and message), never with a secret in them.
 */

import path from "node:path";
import type { Logger } from "pino";
import type { ConfigError } from "../config/load.js";
import { loadTrustAnchors } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { buildSources, SourcePoller } from "../confirm/sources.js";
import { TokenTable, type ApiToken } from "../http/auth.js";
import { ProbeEngine, type EngineOptions } from "../probe/engine.js";
import { readSecret } from "./secrets.js";
import type { ProbeRound, ServiceParts } from "./service.js";

export interface BootOptions {
  env?: Record<string, string | undefined>;
  logger: Logger;
  /** A stand-in for the probe engine (tests); default: the engine on the configuration. */
  probeRound?: ProbeRound;
  engine?: EngineOptions;
  now?: () => number;
  schedule?: boolean;
}

export type Booted = { ok: true; parts: ServiceParts } | { ok: false; errors: ConfigError[] };

export async function bootParts(
  config: Config,
  configFile: string,
  options: BootOptions,
): Promise<Booted> {
  const env = options.env ?? process.env;
  const configDir = path.dirname(path.resolve(configFile));
  const errors: ConfigError[] = [];

  const tokens: ApiToken[] = [];
  config.api.tokens.forEach((t, i) => {
    const secret = readSecret(t, configDir, env);
    if (secret.ok) tokens.push({ name: t.name, role: t.role, secret: secret.value });
    else errors.push({ path: `api.tokens[${i}]`, message: secret.error });
  });
  if (config.api.tokens.length === 0) {
    errors.push({
      path: "api.tokens",
      message: "no token configured: nobody could read or approve",
    });
  }

  const peerTokens = new Map<string, string>();
  config.confirmations.sources.forEach((s, i) => {
    if (s.kind !== "peer" || !s.token) return;
    const secret = readSecret(s.token, configDir, env);
    if (secret.ok) peerTokens.set(s.name, secret.value);
    else errors.push({ path: `confirmations.sources[${i}].token`, message: secret.error });
  });

  let probeRound = options.probeRound;
  if (!probeRound) {
    const anchors = await loadTrustAnchors(config, configFile);
    if (!anchors.ok) errors.push(...anchors.errors);
    else {
      const engine = new ProbeEngine(config, anchors.anchors, {
        ...options.engine,
        ...(options.now ? { now: options.now } : {}),
      });
      probeRound = async (zone) => (await engine.round(zone)).round;
    }
  }
  let table: TokenTable | undefined;
  try {
    table = new TokenTable(tokens);
  } catch (e) {
    errors.push({ path: "api.tokens", message: (e as Error).message });
  }
  if (errors.length > 0 || !probeRound || !table) return { ok: false, errors };

  const sources = buildSources(
    config.confirmations.sources,
    config.confirmations.timeout,
    peerTokens,
  );
  return {
    ok: true,
    parts: {
      config,
      configDir,
      probeRound,
      tokens: table,
      poller: new SourcePoller(sources),
      logger: options.logger,
      env,
      ...(options.now ? { now: options.now } : {}),
      ...(options.schedule !== undefined ? { schedule: options.schedule } : {}),
    },
  };
}
