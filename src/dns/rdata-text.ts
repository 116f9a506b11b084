/**
 * RDATA in presentation format, both ways, for every type with a codec, and
 * the RFC 3597 §5 generic form (`\# <length> <hex>`) for all others.
 *
 * Text to wire: the type's own syntax, or the generic form for any type.
 * Wire to text: the type's own syntax when the RDATA is well formed and its
 * text gives the same octets back, the generic form otherwise; the output
 * parses back to identical RDATA.
 *
 * Limitations: HIP, A6, NULL and the meta types have no codec of their own:
 * they are read and written in the generic form only.
 */
import { RrClass, RrType, typeToText } from "./rr.js";
import type { Name } from "./name.js";
import { BASIC_CODECS, type RdataCodec } from "./rdata-text-basic.js";
import { DNSSEC_CODECS } from "./rdata-text-dnssec.js";
import { MISC_CODECS } from "./rdata-text-misc.js";
import { SVCB_CODECS } from "./rdata-text-svcb.js";
import {
  hexDecode,
  hexEncode,
  RdataDecodeError,
  RdataReader,
  TokenCursor,
  ZoneSyntaxError,
  type Token,
  type WireBuilder,
} from "./rdata-text-fields.js";

const CODECS: ReadonlyMap<number, RdataCodec> = new Map([
  ...BASIC_CODECS,
  ...DNSSEC_CODECS,
  ...MISC_CODECS,
  ...SVCB_CODECS,
]);

const MAX_RDATA_LENGTH = 0xffff; // RFC 1035 §3.2.1: RDLENGTH is 16 bits

/**
 * The codec for a type in a class. RFC 1035 §3.4.1 defines A for the Internet
 * class only (Chaosnet's A holds a name and an octal address): in any other
 * class, A is read and written in the generic form.
 */
function codecFor(type: number, cls: number | undefined): RdataCodec | undefined {
  if (type === RrType.A && cls !== undefined && cls !== RrClass.IN) return undefined;
  return CODECS.get(type);
}

/** True when the type has a presentation format of its own here (besides RFC 3597). */
export function hasRdataCodec(type: number): boolean {
  return CODECS.has(type);
}

/**
 * Writes the RDATA that `tokens` from index `from` on stand for into `out`,
 * for a record of type `type` and class `cls`. Names in RDATA are completed
 * with `origin`. Throws ZoneSyntaxError.
 */
export function rdataFromTokens(
  type: number,
  tokens: readonly Token[],
  from: number,
  out: WireBuilder,
  origin: Name | undefined,
  cls?: number,
): void {
  const start = out.length;
  const cur = new TokenCursor(tokens, from, out, origin);
  const first = tokens[from];
  if (first && !first.quoted && first.text === "\\#") {
    // RFC 3597 §5: "\#", the RDATA length in octets, then the RDATA in hex.
    cur.i = from + 1;
    const length = cur.int("generic RDATA length", MAX_RDATA_LENGTH);
    const data = hexDecode(cur.rest("generic RDATA", length === 0), "generic RDATA");
    if (data.length !== length) {
      throw new ZoneSyntaxError(`generic RDATA has ${data.length} octets, length says ${length}`);
    }
    out.bytes(data);
    return;
  }
  const codec = codecFor(type, cls);
  if (!codec) {
    throw new ZoneSyntaxError(
      `${typeToText(type)} has no presentation format here: use the RFC 3597 form \\# <length> <hex>`,
    );
  }
  codec.fromText(cur);
  if (out.length - start > MAX_RDATA_LENGTH) {
    throw new ZoneSyntaxError(`RDATA of ${out.length - start} octets (at most 65535)`);
  }
}

/** The RFC 3597 §5 generic form: `\# 0`, or `\# <length> <hex>`. */
export function genericRdataText(rdata: Uint8Array): string {
  return rdata.length === 0 ? "\\# 0" : `\\# ${rdata.length} ${hexEncode(rdata)}`;
}

/**
 * RDATA in presentation format; the generic form for types without a codec
 * or malformed RDATA. `cls`, when given, selects class-specific formats.
 */
export function rdataToText(type: number, rdata: Uint8Array, cls?: number): string {
  const codec = codecFor(type, cls);
  if (codec) {
    try {
      return codec.toText(new RdataReader(rdata));
    } catch (e) {
      if (!(e instanceof RdataDecodeError)) throw e;
    }
  }
  return genericRdataText(rdata);
}
