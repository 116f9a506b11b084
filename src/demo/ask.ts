/**
 * What a user gets from a resolver: one query with RD and DO set, CD clear
 * (RFC 4035 §3.2), told as RCODE, the AD bit and any Extended DNS Error.
 */
import { exchange } from "../dns/exchange.js";
import { parseName } from "../dns/name.js";
import { RrType } from "../dns/rr.js";
import { UdpTcpTransport, type ServerAddress } from "../dns/transport.js";
import { rcodeText } from "../probe/probe.js";

const transport = new UdpTcpTransport();

export async function askResolver(server: ServerAddress, name: string): Promise<string> {
  const r = await exchange(
    transport,
    { address: server.address, port: server.port },
    { name: parseName(name), type: RrType.A },
    { rd: true, cd: false, dnssecOk: true, timeoutMs: 3000, retries: 1 },
  );
  if (!r.ok) return `no answer (${r.error})`;
  const m = r.message;
  const addresses = m.answer.filter((rr) => rr.type === RrType.A).map((rr) => rr.rdata.join("."));
  const ede = (m.edns?.ede ?? []).map((e) => `EDE ${e.code}${e.text ? ` "${e.text}"` : ""}`);
  return [
    rcodeText(m.rcode),
    m.flags.ad ? "AD" : "no AD",
    ...(addresses.length > 0 ? [addresses.join(" ")] : []),
    ...ede,
  ].join(", ");
}
