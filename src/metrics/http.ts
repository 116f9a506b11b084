/** GET /metrics on the API server, through its mount hook (ApiOptions.mount). */

import type { FastifyInstance } from "fastify";
import type { Metrics } from "./registry.js";

export function mountMetrics(metrics: Metrics): (app: FastifyInstance) => void {
  return (app) => {
    app.get("/metrics", async (_req, reply) => {
      const text = await metrics.text();
      return reply.type(metrics.registry.contentType).send(text);
    });
  };
}
