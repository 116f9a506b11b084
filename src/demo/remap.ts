/**
 * A transport that sends queries for the simulated hierarchy's server
 * addresses to where those servers really listen. The zones name their
 * servers with loopback addresses on port 53 (as glue must: a referral
 * carries no port); each server in fact listens on an ephemeral port of
 * 127.0.0.1, so that the simulation needs no privileges. Any other address
 * goes out unchanged.
 */
import type { SendOptions, ServerAddress, Transport, TransportResult } from "../dns/transport.js";

export class RemapTransport implements Transport {
  readonly #map = new Map<string, ServerAddress>();

  constructor(private readonly inner: Transport) {}

  /** Queries to `published` port 53 go to `actual` from now on. */
  map(published: string, actual: ServerAddress): void {
    this.#map.set(published, actual);
  }

  send(server: ServerAddress, query: Uint8Array, opts: SendOptions): Promise<TransportResult> {
    const to = server.port === 53 ? (this.#map.get(server.address) ?? server) : server;
    return this.inner.send(to, query, opts);
  }
}
