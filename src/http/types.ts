/**
 * What the API's routes are made of: a table of route specifications (the
 * server registers them, the OpenAPI document is generated from them, so
 * the two cannot drift apart), the errors they return, and what they need
 * from the running service.
 */

import type { FastifyRequest } from "fastify";
import type { Thresholds } from "../config/thresholds.js";
import type { SourceReport } from "../confirm/types.js";
import type { Effect } from "../lifecycle/types.js";
import type { Store } from "../store/store.js";
import type { Principal, TokenTable } from "./auth.js";

export type ErrorCode =
  "invalid-request" | "unauthorized" | "forbidden" | "not-found" | "conflict" | "internal";

/** Thrown by handlers; sent as `{error: {code, message}}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiDeps {
  store: Store;
  thresholds: Thresholds;
  /** Seconds since the epoch. */
  now: () => number;
  tokens: TokenTable;
  /** The zones in the configuration (lowercase, trailing dot). */
  watched: () => readonly string[];
  publisher: string;
  /** Serve the NTA feed and the resolver renderings without a token. */
  publicNtaFeed: boolean;
  /** The last report of each confirmation source. */
  sourceReports?: () => SourceReport[];
  /** Told of every act's effects after they are stored (resolver updates, logs). */
  onActed?: (zone: string, actor: string, effects: readonly Effect[]) => void;
  /** Extra health facts (scheduler running, last round); `ok: false` makes /healthz 503. */
  health?: () => { ok: boolean; [k: string]: unknown };
}

/** Who may call a route: nobody needs a token, or a viewer, or an approver; "feed" is viewer unless the feed is public. */
export type Access = "public" | "viewer" | "approver" | "feed";

export type JsonSchema = Record<string, unknown>;

export interface HandlerInput {
  req: FastifyRequest;
  principal: Principal | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  deps: ApiDeps;
}

export interface TextReply {
  contentType: string;
  text: string;
}

export interface RouteSpec {
  method: "GET" | "POST";
  /** fastify form, `:name` for a parameter. */
  url: string;
  summary: string;
  access: Access;
  tag: string;
  params?: Record<string, JsonSchema>;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The response media type; JSON unless said. */
  produces?: "application/json" | "text/plain" | "text/markdown";
  /** Status of success: 200 unless said. */
  status?: number;
  /** The JSON schema of the success answer in the OpenAPI document; any object unless said. */
  response?: JsonSchema;
  handler: (input: HandlerInput) => unknown;
}
