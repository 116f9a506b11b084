/**
 * Fetching a source's document: node's fetch with a time limit and a size
 * limit. Failures come back as values with a message for the operator; a
 * source that is down never stops the watcher.
 */

export interface FetchSettings {
  timeoutMs: number;
  /** Larger bodies are refused: a status feed is a few kilobytes. */
  maxBytes?: number;
  headers?: Record<string, string>;
}

export type Fetched =
  { ok: true; text: string; contentType: string } | { ok: false; error: string };

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

async function readLimited(
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function fetchText(url: string, settings: FetchSettings): Promise<Fetched> {
  const max = settings.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const response = await fetch(url, {
      headers: { "user-agent": "nta-watch", ...settings.headers },
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: "follow",
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, error: `${url}: HTTP ${response.status} ${response.statusText}` };
    }
    const body = response.body ? await readLimited(response.body, max) : Buffer.alloc(0);
    if (!body) return { ok: false, error: `${url}: body larger than ${max} bytes` };
    return {
      ok: true,
      text: body.toString("utf8"),
      contentType: response.headers.get("content-type") ?? "",
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === "TimeoutError" || err.name === "AbortError") {
      return { ok: false, error: `${url}: no answer within ${settings.timeoutMs} ms` };
    }
    const cause = err.cause?.code ?? err.cause?.message;
    return { ok: false, error: `${url}: ${err.message}${cause ? ` (${cause})` : ""}` };
  }
}

/** JSON of a fetched document, or the reason it is not JSON. */
export function parseJson(
  url: string,
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `${url}: not JSON (${(e as Error).message})` };
  }
}
