/**
 * The demo's simulated DNS: a root, a watched TLD served by three
 * authoritative servers and a control TLD served by one, signed at start
 * with fresh keys, and three validating resolvers in front of them. All of
 * it listens on ephemeral ports of 127.0.0.1; the zones publish their
 * servers under loopback addresses on port 53 that `RemapTransport` sends
 * to the real ports.
 *
 * `break()` signs the watched TLD again with signatures that expired two
 * days ago (a signer that stopped refreshing); `fix()` signs it again with
 * a valid window. The same records go to all three servers, as one signer
 * feeding its secondaries would do.
 */
import { parseName, ROOT, type Name } from "../dns/name.js";
import type { Rr } from "../dns/rr.js";
import { UdpTcpTransport, type ServerAddress } from "../dns/transport.js";
import { parseRecord, rrToText } from "../dns/zonefile.js";
import { parseAnchorRecords, type TrustAnchorSet } from "../dnssec/anchors.js";
import { serveZone, ZoneData } from "./authoritative.js";
import type { Listener } from "./listener.js";
import { RemapTransport } from "./remap.js";
import { SimResolver, SimResolverAdapter } from "./sim-resolver.js";
import { dsFor, makeZoneKey, signZone, type SignatureWindow, type ZoneKey } from "./sign.js";

export const WATCHED = "watched.";
export const CONTROL = "control.";
export const CANARY = "www.watched.";

const DAY = 86_400;

/** Published addresses (glue) of the simulated servers; never listened on. */
const PUBLISHED = {
  root: "127.77.0.1",
  watched: ["127.77.1.1", "127.77.1.2", "127.77.1.3"],
  control: "127.77.2.1",
};

function records(origin: string, lines: string[]): Rr[] {
  const o = parseName(origin);
  return lines.map((l) => parseRecord(l, o, 3600));
}

function rootRecords(watchedDs: Rr, controlDs: Rr): Rr[] {
  return [
    ...records(".", [
      ". SOA ns.control. hostmaster.control. 2026120301 1800 900 604800 300",
      ". NS ns.control.",
      "watched. NS ns1.watched.",
      "watched. NS ns2.watched.",
      "watched. NS ns3.watched.",
      ...PUBLISHED.watched.map((a, i) => `ns${i + 1}.watched. A ${a}`),
      "control. NS ns.control.",
      `ns.control. A ${PUBLISHED.control}`,
    ]),
    watchedDs,
    controlDs,
  ];
}

function watchedRecords(): Rr[] {
  return records(WATCHED, [
    "@ SOA ns1 hostmaster 2026120301 1800 900 604800 300",
    "@ NS ns1",
    "@ NS ns2",
    "@ NS ns3",
    ...PUBLISHED.watched.map((a, i) => `ns${i + 1} A ${a}`),
    "www A 192.0.2.80",
  ]);
}

function controlRecords(): Rr[] {
  return records(CONTROL, [
    "@ SOA ns hostmaster 2026120301 1800 900 604800 300",
    "@ NS ns",
    `ns A ${PUBLISHED.control}`,
    "www A 192.0.2.81",
  ]);
}

export interface SimResolverHandle {
  name: string;
  address: ServerAddress;
  resolver: SimResolver;
  adapter: SimResolverAdapter;
}

export class Hierarchy {
  readonly transport = new RemapTransport(new UdpTcpTransport());
  readonly root = new ZoneData(ROOT);
  readonly watched = new ZoneData(parseName(WATCHED));
  readonly control = new ZoneData(parseName(CONTROL));
  readonly resolvers: SimResolverHandle[] = [];
  readonly #listeners: Listener[] = [];
  readonly #keys: Record<"root" | "watched" | "control", ZoneKey>;
  readonly #now: () => number;
  rootServer: ServerAddress | undefined;

  constructor(now: () => number) {
    this.#now = now;
    this.#keys = {
      root: makeZoneKey(ROOT),
      watched: makeZoneKey(parseName(WATCHED)),
      control: makeZoneKey(parseName(CONTROL)),
    };
  }

  /** A window valid from an hour ago for a week (what a healthy signer keeps). */
  validWindow(): SignatureWindow {
    const now = this.#now();
    return { inception: now - 3600, expiration: now + 7 * DAY };
  }

  /** A window that ended two days ago: a signer whose refresh stopped. */
  expiredWindow(): SignatureWindow {
    const now = this.#now();
    return { inception: now - 30 * DAY, expiration: now - 2 * DAY };
  }

  #sign(zone: ZoneData, key: ZoneKey, unsigned: Rr[], window: SignatureWindow): void {
    zone.replace(signZone(zone.apex, unsigned, key, window));
  }

  /** The root's trust anchor as a zone-file DNSKEY record. */
  trustAnchorText(): string {
    return `${rrToText(this.#keys.root.dnskey)}\n`;
  }

  trustAnchors(): TrustAnchorSet {
    const parsed = parseAnchorRecords(this.trustAnchorText(), { file: "simulated root" });
    if (!parsed.ok) throw new Error(`simulated trust anchor unreadable: ${JSON.stringify(parsed)}`);
    return parsed.anchors;
  }

  /** Signs every zone, starts the five authoritative servers and `resolverCount` resolvers. */
  async start(resolverCount = 3): Promise<void> {
    const window = this.validWindow();
    const k = this.#keys;
    this.#sign(this.root, k.root, rootRecords(dsFor(k.watched), dsFor(k.control)), window);
    this.#sign(this.watched, k.watched, watchedRecords(), window);
    this.#sign(this.control, k.control, controlRecords(), window);

    const root = await serveZone(this.root);
    this.#listeners.push(root);
    this.rootServer = root.address;
    this.transport.map(PUBLISHED.root, root.address);
    for (const published of PUBLISHED.watched) {
      const l = await serveZone(this.watched);
      this.#listeners.push(l);
      this.transport.map(published, l.address);
    }
    const control = await serveZone(this.control);
    this.#listeners.push(control);
    this.transport.map(PUBLISHED.control, control.address);

    const anchors = this.trustAnchors();
    for (let i = 1; i <= resolverCount; i++) {
      const resolver = new SimResolver({
        name: `sim-resolver-${i}`,
        transport: this.transport,
        anchors,
        rootServers: [root.address],
        now: this.#now,
      });
      const address = await resolver.start();
      this.resolvers.push({
        name: resolver.options.name,
        address,
        resolver,
        adapter: new SimResolverAdapter(resolver),
      });
    }
  }

  /** The watched TLD signed again with expired signatures. */
  break(): void {
    this.#sign(this.watched, this.#keys.watched, watchedRecords(), this.expiredWindow());
  }

  /** The watched TLD signed again with a valid window. */
  fix(): void {
    this.#sign(this.watched, this.#keys.watched, watchedRecords(), this.validWindow());
  }

  async stop(): Promise<void> {
    for (const r of this.resolvers) await r.resolver.stop();
    for (const l of this.#listeners) await l.close();
  }
}

/** The name of the watched TLD as wire form, for callers that ask about it. */
export function watchedName(): Name {
  return parseName(WATCHED);
}
