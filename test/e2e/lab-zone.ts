/**
 * Facts about the watched TLD read from the signed zone file lab.sh wrote
 * (`$LAB_DIR/zones/watched.good`, what every TLD server serves while the
 * lab is healthy), with the project's zone-file reader: the apex NS set,
 * the addresses of its targets, and the earliest RRSIG expiration.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { nameEquals, nameToText, parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import { lab, LAB_DIR } from "./lab.js";

export interface WatchedZoneFacts {
  file: string;
  /** NS targets at the apex, lowercase, with the trailing dot, sorted. */
  nameservers: string[];
  /** Their IPv4 addresses from the zone's own A records, sorted. */
  addresses: string[];
  /** The earliest RRSIG expiration in the file, seconds since the epoch. */
  earliestExpiration: number;
  signatures: number;
}

export function watchedZoneFacts(): WatchedZoneFacts {
  const file = path.join(LAB_DIR, "zones/watched.good");
  const origin = parseName(lab.zones.watched);
  const parsed = parseZone(readFileSync(file, "utf8"), { origin, file });
  if (!parsed.ok) throw new Error(`${file}:${parsed.error.line}: ${parsed.error.message}`);
  const records = parsed.records;

  const nameservers = records
    .filter((rr) => rr.type === RrType.NS && nameEquals(rr.owner, origin))
    .map((rr) => nameToText(rr.rdata).toLowerCase())
    .sort();
  const addresses = records
    .filter(
      (rr) => rr.type === RrType.A && nameservers.includes(nameToText(rr.owner).toLowerCase()),
    )
    .map((rr) => [...rr.rdata].join("."))
    .sort();

  // RRSIG times are 32-bit serial numbers (RFC 4034 §3.1.5); read as plain
  // seconds they are right until 2106, which is all a lab signed now needs.
  const expirations = records
    .filter((rr) => rr.type === RrType.RRSIG)
    .map((rr) => {
      const sig = parseRrsig(rr.rdata);
      if (!sig) throw new Error(`${file}: an RRSIG of ${nameToText(rr.owner)} does not parse`);
      return sig.expiration;
    });
  if (expirations.length === 0) throw new Error(`${file}: no RRSIG`);
  return {
    file,
    nameservers,
    addresses,
    earliestExpiration: Math.min(...expirations),
    signatures: expirations.length,
  };
}
