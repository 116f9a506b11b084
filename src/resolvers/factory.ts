/**
 * Adapters from their configuration. Credentials are read here, from the
 * files or environment variables the configuration names, and go nowhere
 * but into the adapter; a missing one is a `credentials` error that names
 * the file or variable, never its content.
 */
import { readFile } from "node:fs/promises";
import { BindAdapter } from "./bind.js";
import { KnotResolverAdapter } from "./knot.js";
import { KnotResolver6Adapter, parseManagementApi } from "./knot6.js";
import { PdnsRecursorAdapter } from "./pdns.js";
import type { ResolverConfig } from "./schema.js";
import { fail, ok, type ResolverAdapter, type Result } from "./types.js";
import { UnboundAdapter, type UnboundTlsCredentials } from "./unbound.js";

export interface FactoryIo {
  env: Record<string, string | undefined>;
  readText: (path: string) => Promise<string>;
}

const defaultIo: FactoryIo = {
  env: process.env,
  readText: (p) => readFile(p, "utf8"),
};

async function pem(
  source: { file?: string | undefined; env?: string | undefined },
  what: string,
  io: FactoryIo,
): Promise<Result<string>> {
  if (source.env !== undefined) {
    const v = io.env[source.env];
    if (v === undefined || v === "")
      return fail("credentials", `${what}: environment variable ${source.env} is not set`);
    return ok(v);
  }
  try {
    return ok(await io.readText(source.file!));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    return fail("credentials", `${what}: cannot read ${source.file}: ${code}`);
  }
}

/** The adapter for one configured resolver, or why it cannot be made. */
export async function createAdapter(
  config: ResolverConfig,
  io: FactoryIo = defaultIo,
): Promise<Result<ResolverAdapter>> {
  switch (config.adapter) {
    case "unbound": {
      if (config.socket !== undefined) {
        return ok(
          new UnboundAdapter({
            name: config.name,
            endpoint: { socket: config.socket },
            timeoutMs: config.timeout,
          }),
        );
      }
      let tls: UnboundTlsCredentials | undefined;
      if (config.tls) {
        const serverCert = await pem(config.tls.serverCert, "tls.serverCert", io);
        if (!serverCert.ok) return serverCert;
        const clientCert = await pem(config.tls.clientCert, "tls.clientCert", io);
        if (!clientCert.ok) return clientCert;
        const clientKey = await pem(config.tls.clientKey, "tls.clientKey", io);
        if (!clientKey.ok) return clientKey;
        tls = {
          serverCert: serverCert.value,
          clientCert: clientCert.value,
          clientKey: clientKey.value,
          serverName: config.tls.serverName,
        };
      }
      return ok(
        new UnboundAdapter({
          name: config.name,
          endpoint: { host: config.host!, port: config.port, ...(tls ? { tls } : {}) },
          timeoutMs: config.timeout,
        }),
      );
    }
    case "bind":
      return ok(
        new BindAdapter({
          name: config.name,
          rndc: config.rndc,
          // rndc reads the key itself: only its path is passed.
          auth:
            config.configFile !== undefined
              ? { configFile: config.configFile }
              : { keyFile: config.keyFile! },
          ...(config.host !== undefined ? { host: config.host } : {}),
          ...(config.port !== undefined ? { port: config.port } : {}),
          ...(config.view !== undefined ? { view: config.view } : {}),
          force: config.force,
          timeoutMs: config.timeout,
        }),
      );
    case "knot-resolver":
      if (config.managementApi !== undefined) {
        const endpoint = parseManagementApi(config.managementApi);
        // The schema has checked it; a string here is a caller that skipped it.
        if (typeof endpoint === "string") return fail("unsupported", `managementApi: ${endpoint}`);
        return ok(
          new KnotResolver6Adapter({ name: config.name, endpoint, timeoutMs: config.timeout }),
        );
      }
      return ok(
        new KnotResolverAdapter({
          name: config.name,
          sockets: config.sockets!,
          timeoutMs: config.timeout,
        }),
      );
    case "pdns-recursor":
      return ok(
        new PdnsRecursorAdapter({
          name: config.name,
          recControl: config.recControl,
          socketDir: config.socketDir,
          ...(config.configDir !== undefined ? { configDir: config.configDir } : {}),
          timeoutMs: config.timeout,
        }),
      );
  }
}
