/**
 * The OpenAPI 3.1 document of the API, generated from the same route table
 * the server registers: a route cannot exist without its entry here.
 */

import type { RouteSpec } from "./types.js";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          enum: [
            "invalid-request",
            "unauthorized",
            "forbidden",
            "not-found",
            "conflict",
            "internal",
          ],
        },
        message: { type: "string" },
      },
    },
  },
};

const ERRORS: Record<string, string> = {
  "400": "the request is not valid (the message says which field and why)",
  "401": "no bearer token, or one that is not valid",
  "403": "the token's role may not do this (a viewer asking to act)",
  "404": "no such zone, incident or assessment",
  "409": "the act does not apply in the zone's current phase, or the proposal changed",
};

/** `/zones/:zone/approve` as `/zones/{zone}/approve`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function operationId(spec: RouteSpec): string {
  const words = spec.url
    .replace(/^\/api\/v1\//, "")
    .replace(/[:.]/g, " ")
    .split(/[\s/_-]+/)
    .filter(Boolean);
  return [spec.method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join(
    "",
  );
}

function errorsFor(spec: RouteSpec, publicFeed: boolean): string[] {
  const codes = ["400", "404"];
  const open = spec.access === "public" || (spec.access === "feed" && publicFeed);
  if (!open) codes.push("401", "403");
  if (spec.method === "POST") codes.push("409");
  return codes;
}

export function buildOpenApi(
  routes: readonly RouteSpec[],
  info: { version: string; publicFeed: boolean },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const parameters: unknown[] = [];
    for (const [name, schema] of Object.entries(spec.params ?? {})) {
      parameters.push({ name, in: "path", required: true, schema });
    }
    const query = spec.query as { properties?: Record<string, unknown> } | undefined;
    for (const [name, schema] of Object.entries(query?.properties ?? {})) {
      parameters.push({ name, in: "query", required: false, schema });
    }
    const media = spec.produces ?? "application/json";
    const responses: Record<string, unknown> = {
      [String(spec.status ?? 200)]: {
        description: spec.summary,
        content: {
          [media]: {
            schema:
              media === "application/json"
                ? (spec.response ?? { type: "object" })
                : { type: "string" },
          },
        },
      },
    };
    for (const code of errorsFor(spec, info.publicFeed)) {
      responses[code] = {
        description: ERRORS[code],
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const open = spec.access === "public" || (spec.access === "feed" && info.publicFeed);
    const operation: Record<string, unknown> = {
      operationId: operationId(spec),
      summary: spec.summary,
      tags: [spec.tag],
      security: open ? [] : [{ bearer: [] }],
      "x-role": open ? "none" : spec.access === "approver" ? "approver" : "viewer",
      parameters,
      responses,
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: spec.body } },
      };
    }
    const path = openApiPath(spec.url);
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "nta-watch",
      version: info.version,
      description:
        "Negative Trust Anchors (RFC 7646) proposed from observations, approved by people. " +
        "Bearer tokens: viewer reads, approver also acts; every act is audited with the token's name.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
