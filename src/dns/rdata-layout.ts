/**
 * Where domain names sit inside the RDATA of the types that carry them. One
 * table serves three jobs: expanding compression pointers when reading a
 * message, lowercasing names for the canonical form (RFC 4034 §6.2 as
 * corrected by RFC 6840 §5.1), and presentation format.
 *
 * A layout is a list of fields; only the fields up to the last name matter,
 * since what follows it is copied as it is.
 */
import { RrType } from "./rr.js";

export type Field =
  | "name" // a domain name
  | "u8"
  | "u16"
  | "u32"
  | "string"; // a <character-string>: one length byte and that many bytes

export const RDATA_LAYOUT: ReadonlyMap<number, readonly Field[]> = new Map<
  number,
  readonly Field[]
>([
  [RrType.NS, ["name"]],
  [RrType.MD, ["name"]],
  [RrType.MF, ["name"]],
  [RrType.CNAME, ["name"]],
  [RrType.SOA, ["name", "name"]],
  [RrType.MB, ["name"]],
  [RrType.MG, ["name"]],
  [RrType.MR, ["name"]],
  [RrType.PTR, ["name"]],
  [RrType.MINFO, ["name", "name"]],
  [RrType.MX, ["u16", "name"]],
  [RrType.RP, ["name", "name"]],
  [RrType.AFSDB, ["u16", "name"]],
  [RrType.RT, ["u16", "name"]],
  [RrType.SIG, ["u16", "u8", "u8", "u32", "u32", "u32", "u16", "name"]],
  [RrType.PX, ["u16", "name", "name"]],
  [RrType.NXT, ["name"]],
  [RrType.NAPTR, ["u16", "u16", "string", "string", "string", "name"]],
  [RrType.KX, ["u16", "name"]],
  [RrType.SRV, ["u16", "u16", "u16", "name"]],
  [RrType.DNAME, ["name"]],
  [RrType.RRSIG, ["u16", "u8", "u8", "u32", "u32", "u32", "u16", "name"]],
  [RrType.NSEC, ["name"]],
]);

/**
 * Types whose RDATA names are lowercased in canonical form: the list of
 * RFC 4034 §6.2 item 3 (with RFC 3597 §7), less NSEC, whose next owner name
 * keeps its case (RFC 6840 §5.1). HINFO is on the list but holds no names;
 * A6 is left out since its name follows a variable-length prefix and the
 * type is historic (RFC 6563).
 */
export const CANONICAL_LOWERCASE_TYPES: ReadonlySet<number> = new Set<number>([
  RrType.NS,
  RrType.MD,
  RrType.MF,
  RrType.CNAME,
  RrType.SOA,
  RrType.MB,
  RrType.MG,
  RrType.MR,
  RrType.PTR,
  RrType.MINFO,
  RrType.MX,
  RrType.RP,
  RrType.AFSDB,
  RrType.RT,
  RrType.SIG,
  RrType.PX,
  RrType.NXT,
  RrType.NAPTR,
  RrType.KX,
  RrType.SRV,
  RrType.DNAME,
  RrType.RRSIG,
]);
