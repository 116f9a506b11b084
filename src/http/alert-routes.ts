/**
 * The alerts the watcher has sent or is trying to send: one row per alert
 * and channel from the store's outbox (src/store/outbox.ts), newest first,
 * with the counts the metrics show (deliveries waiting, given up on). A
 * receiver that is down shows here as pending rows with their last error.
 */

import { listDeliveries, outboxCounts, type DeliveryStatus } from "../store/outbox.js";
import { zoneOf } from "./common.js";
import type { RouteSpec } from "./types.js";

const STATUSES: readonly DeliveryStatus[] = ["pending", "sent", "failed", "suppressed"];

export const alertRoutes: RouteSpec[] = [
  {
    method: "GET",
    url: "/api/v1/alerts",
    tag: "alerts",
    summary:
      "Alert deliveries, newest first (one per alert and channel), and the outbox's pending and failed counts",
    access: "viewer",
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        status: { type: "string", enum: [...STATUSES] },
        zone: { type: "string", maxLength: 255 },
        limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
      },
    },
    handler: ({ deps, query }) => {
      const db = deps.store.db;
      const deliveries = listDeliveries(db, {
        ...(typeof query.status === "string" ? { status: query.status as DeliveryStatus } : {}),
        ...(typeof query.zone === "string" ? { zone: zoneOf(query.zone) } : {}),
        limit: Number(query.limit ?? 100),
      });
      return { deliveries, counts: outboxCounts(db) };
    },
  },
];
