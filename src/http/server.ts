/**
 * The HTTP API on fastify: the route table registered with its JSON schemas
 * (requests validated by Ajv, extra fields refused), bearer tokens checked
 * before any handler, every error sent as `{error: {code, message}}`.
 * `/healthz` needs no token; `/metrics` is left to a mount hook.
 */

import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import { actRoutes } from "./act-routes.js";
import { alertRoutes } from "./alert-routes.js";
import type { Principal } from "./auth.js";
import { buildOpenApi } from "./openapi.js";
import { readRoutes } from "./read-routes.js";
import { ApiError, type ApiDeps, type ErrorCode, type RouteSpec, type TextReply } from "./types.js";

export const API_VERSION = "0.1.0";

const registered = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** The routes registered on an API instance (HEAD twins of GET routes left out). */
export function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  return registered.get(app) ?? [];
}

export interface ApiOptions {
  /** A pino logger (the service's); none: silent. Authorization headers are never logged. */
  logger?: FastifyBaseLogger;
  /** Registers more routes (the metrics issue mounts /metrics here; the console needs the deps). */
  mount?: (app: FastifyInstance, deps: ApiDeps) => void;
}

function isText(v: unknown): v is TextReply {
  return typeof v === "object" && v !== null && "contentType" in v && "text" in v;
}

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: "invalid-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
};

function serviceRoutes(deps: ApiDeps, document: () => unknown): RouteSpec[] {
  return [
    {
      method: "GET",
      url: "/healthz",
      tag: "service",
      summary: "Liveness: the store answers (and the scheduler runs, when the service says so)",
      access: "public",
      handler: () => {
        const store = deps.store.db.open ? "ok" : "closed";
        const extra = deps.health?.() ?? { ok: true };
        const ok = store === "ok" && extra.ok;
        if (!ok) throw new ApiError(503, "internal", `unhealthy: store ${store}`);
        return { ...extra, ok, store };
      },
    },
    {
      method: "GET",
      url: "/api/v1/openapi.json",
      tag: "service",
      summary: "This API's OpenAPI 3.1 document",
      access: "public",
      handler: () => document(),
    },
  ];
}

/** Every route of the API, in the order registered. */
export function allRoutes(deps: ApiDeps, document: () => unknown = () => ({})): RouteSpec[] {
  return [...serviceRoutes(deps, document), ...readRoutes, ...alertRoutes, ...actRoutes];
}

export function buildApi(deps: ApiDeps, options: ApiOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    // Reject fields the schemas do not name, rather than dropping them silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true } },
  });
  const seen: { method: string; url: string }[] = [];
  registered.set(app, seen);
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat())
      if (method !== "HEAD") seen.push({ method, url: r.url });
  });
  const holder: { doc?: unknown } = {};
  const routes = allRoutes(deps, () => holder.doc);
  holder.doc = buildOpenApi(routes, { version: API_VERSION, publicFeed: deps.publicNtaFeed });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof ApiError) {
      if (error.status === 401) reply.header("www-authenticate", 'Bearer realm="nta-watch"');
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    if (error.validation) {
      const where = error.validationContext ?? "request";
      const first = error.validation[0];
      const field = first?.instancePath
        ? `${where}${first.instancePath.replace(/\//g, ".")}`
        : where;
      const extra = (first?.params as { additionalProperty?: string } | undefined)
        ?.additionalProperty;
      const message = `${field} ${first?.message ?? "is not valid"}${extra ? `: "${extra}"` : ""}`;
      return reply.code(400).send({ error: { code: "invalid-request", message } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = CODE_OF_STATUS[status] ?? "invalid-request";
      return reply.code(status).send({ error: { code, message: error.message } });
    }
    req.log.error({ err: error }, "request failed");
    return reply
      .code(500)
      .send({ error: { code: "internal", message: "internal error; see the service log" } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: { code: "not-found", message: `no route ${req.method} ${req.url.split("?")[0]}` },
    }),
  );

  for (const spec of routes) {
    const schema: Record<string, unknown> = {};
    if (spec.params) {
      schema.params = {
        type: "object",
        required: Object.keys(spec.params),
        properties: spec.params,
      };
    }
    if (spec.query) schema.querystring = spec.query;
    if (spec.body) schema.body = spec.body;
    app.route({
      method: spec.method,
      url: spec.url,
      schema,
      handler: async (req, reply) => {
        const access =
          spec.access === "feed" ? (deps.publicNtaFeed ? "public" : "viewer") : spec.access;
        let principal: Principal | undefined;
        if (access !== "public") {
          const auth = deps.tokens.authorize(req.headers.authorization, access);
          if (!auth.ok) throw new ApiError(auth.status, auth.code, auth.message);
          principal = auth.principal;
        }
        const result = await spec.handler({
          req,
          principal,
          params: (req.params ?? {}) as Record<string, string>,
          query: (req.query ?? {}) as Record<string, unknown>,
          body: (req.body ?? {}) as Record<string, unknown>,
          deps,
        });
        reply.code(spec.status ?? 200);
        if (isText(result)) return reply.type(result.contentType).send(result.text);
        return reply.send(result);
      },
    });
  }
  options.mount?.(app, deps);
  return app;
}
