/**
 * A local HTTP server on 127.0.0.1 serving fixture documents by path, for
 * the confirmation source tests. Requests are recorded (with their headers)
 * so tests can check what a source sent.
 */

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Route {
  status?: number;
  body?: string;
  contentType?: string;
  /** Never answer: the client's timeout must end the request. */
  hang?: boolean;
}

export interface FixtureServer {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function serveFixtures(routes: Record<string, Route>): Promise<FixtureServer> {
  const requests: FixtureServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push({ path, headers: req.headers });
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (route.hang) return;
    res
      .writeHead(route.status ?? 200, { "content-type": route.contentType ?? "application/json" })
      .end(route.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
