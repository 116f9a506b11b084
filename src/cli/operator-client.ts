/**
 * A small client of the nta-watch API for the operator commands: bearer
 * token, JSON in and out, the API's `{error: {code, message}}` turned into
 * a message, and a server that cannot be reached reported as such.
 */

export type Reply =
  | { ok: true; status: number; body: unknown; text: string }
  | { ok: false; status: number; message: string; body?: unknown };

const TIMEOUT_MS = 15_000;

export class ApiClient {
  readonly #base: string;
  readonly #token: string;

  constructor(base: string, token: string) {
    this.#base = base.replace(/\/+$/, "");
    this.#token = token;
  }

  get(path: string): Promise<Reply> {
    return this.#send("GET", path, undefined, true);
  }

  /** A text resource (Markdown, resolver configuration). */
  getText(path: string): Promise<Reply> {
    return this.#send("GET", path, undefined, false);
  }

  post(path: string, body: object): Promise<Reply> {
    return this.#send("POST", path, body, true);
  }

  async #send(
    method: string,
    path: string,
    body: object | undefined,
    json: boolean,
  ): Promise<Reply> {
    const url = `${this.#base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return {
        ok: false,
        status: 0,
        message: `cannot reach ${this.#base}: ${cause ?? (e as Error).message}`,
      };
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (json || !response.ok) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        if (json)
          return { ok: false, status: response.status, message: `${url}: the answer is not JSON` };
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const message = error?.message
        ? `${error.message} (${response.status} ${error.code ?? ""})`.replace(/ \)$/, ")")
        : `HTTP ${response.status} from ${url}`;
      return { ok: false, status: response.status, message, body: parsed };
    }
    return { ok: true, status: response.status, body: json ? parsed : text, text };
  }
}
