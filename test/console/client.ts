/**
 * A browser stand-in for the console tests: keeps the session cookie, sends
 * forms with this server's Origin (or another), and reads the synchronizer
 * token from the page the way the page's own forms carry it.
 */

import type { Harness } from "../service/support.js";

export class ConsoleClient {
  cookie: string | undefined;
  setCookie: string | null = null;

  constructor(readonly h: Harness) {}

  get origin(): string {
    return new URL(this.h.url("/")).origin;
  }

  async get(p: string) {
    const r = await fetch(this.h.url(p), {
      headers: this.cookie ? { cookie: this.cookie } : {},
      redirect: "manual",
    });
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  async post(p: string, form: Record<string, string>, origin: string | null = this.origin) {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
    };
    if (origin !== null) headers.origin = origin;
    if (this.cookie) headers.cookie = this.cookie;
    const r = await fetch(this.h.url(p), {
      method: "POST",
      headers,
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    });
    this.setCookie = r.headers.get("set-cookie");
    return { status: r.status, headers: r.headers, text: await r.text() };
  }

  async login(token: string) {
    const r = await this.post("/console/login", { token });
    const set = this.setCookie;
    if (set) this.cookie = set.split(";")[0];
    return r;
  }

  /** The synchronizer token in the current page's forms. */
  async csrf(): Promise<string> {
    const page = await this.get("/");
    const m = /name="csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error("no synchronizer token on the page");
    return m[1]!;
  }
}
