/**
 * The approval console, mounted on the API's fastify server: `/` shows the
 * sign-in form or the console, `/console/view` the live part for the
 * page's refresh, `/console/static/*` the stylesheet and script, and the
 * POST routes sign in and out and act on zones. Acts run the API's own
 * handlers (same state machine, same audit entries, the session's token
 * name as actor), after three checks: the Origin is this server, the
 * session's synchronizer token came with the form, and the role is
 * approver (403 otherwise, whatever the page showed).
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { actRoutes } from "../act-routes.js";
import { ApiError, type ApiDeps } from "../types.js";
import { CONSOLE_CSS, CONSOLE_JS } from "./assets.js";
import {
  clearedCookie,
  COOKIE,
  csrfMatches,
  readCookie,
  sameOrigin,
  securityHeaders,
  sessionCookie,
} from "./guard.js";
import { consolePage, liveFragment, loginPage, refusalPage } from "./render-page.js";
import {
  DEFAULT_SESSION_LIMITS,
  SessionTable,
  type Session,
  type SessionLimits,
} from "./sessions.js";
import { buildView } from "./view.js";

export interface ConsoleOptions {
  sessions?: SessionLimits;
}

const ACTS = ["approve", "reject", "retract", "extend", "confirm"] as const;
type Act = (typeof ACTS)[number];

const HTML = "text/html; charset=utf-8";
const MAX_TEXT = 2000;

/** A form field as one string (the first when repeated), trimmed; "" when absent. */
function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v.trim() : "";
}

/** Form bodies (application/x-www-form-urlencoded) as flat string records, first value kept. */
function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  return out;
}

/** The API body an act's handler expects, from the console's form; or why the form is wrong. */
export function actBody(
  act: Act,
  form: unknown,
  maxLifetimeSeconds: number,
): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
  if (act === "confirm") {
    const reference = field(form, "reference");
    if (!reference || reference.length > MAX_TEXT) {
      return { ok: false, error: "A confirmation needs a reference (a URL or a quoted text)." };
    }
    return { ok: true, body: { reference } };
  }
  const reason = field(form, "reason");
  if (!reason || reason.length > MAX_TEXT) {
    return { ok: false, error: `A reason is required (at most ${MAX_TEXT} characters).` };
  }
  const body: Record<string, unknown> = { reason };
  if (act === "approve" || act === "extend") {
    const hours = Number(field(form, "lifetimeHours"));
    const seconds = Math.round(hours * 3600);
    // RFC 7646 §2.1: an NTA lives for a bounded time; the state machine enforces the bound too.
    if (!Number.isFinite(hours) || seconds < 1 || seconds > maxLifetimeSeconds) {
      return {
        ok: false,
        error: `The lifetime must be a number of hours above zero and at most ${maxLifetimeSeconds / 3600}.`,
      };
    }
    body.lifetimeSeconds = seconds;
  }
  if (act === "approve") {
    const seen = Number(field(form, "proposalAt"));
    if (field(form, "proposalAt") && Number.isInteger(seen)) body.proposalAt = seen;
  }
  return { ok: true, body };
}

export function mountConsole(app: FastifyInstance, deps: ApiDeps, options: ConsoleOptions = {}) {
  const sessions = new SessionTable(deps.now, options.sessions ?? DEFAULT_SESSION_LIMITS);
  const handlers = new Map(actRoutes.map((r) => [r.url, r]));

  const sessionOf = (req: FastifyRequest): Session | undefined =>
    sessions.find(readCookie(req, COOKIE));

  const refuse = (reply: FastifyReply, status: number, text: string) =>
    reply.code(status).type(HTML).send(refusalPage(status, text));

  void app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_req, text, done) => done(null, parseForm(String(text))),
    );
    scope.addHook("onRequest", async (_req, reply) => {
      securityHeaders(reply);
      reply.header("cache-control", "no-store");
    });

    scope.get("/", async (req, reply) => {
      const s = sessionOf(req);
      if (!s) return reply.type(HTML).send(loginPage());
      const flash = s.flash;
      delete s.flash;
      return reply.type(HTML).send(consolePage(buildView(deps), s, flash));
    });

    scope.get("/console/view", async (req, reply) => {
      const s = sessionOf(req);
      if (!s) return refuse(reply, 401, "Your session has ended: sign in again.");
      return reply.type(HTML).send(liveFragment(buildView(deps), s));
    });

    scope.get("/console/static/console.css", async (_req, reply) =>
      reply.type("text/css; charset=utf-8").send(CONSOLE_CSS),
    );
    scope.get("/console/static/console.js", async (_req, reply) =>
      reply.type("text/javascript; charset=utf-8").send(CONSOLE_JS),
    );

    scope.post("/console/login", async (req, reply) => {
      if (!sameOrigin(req)) return refuse(reply, 403, "This form must be sent from this console.");
      const token = field(req.body, "token");
      const principal = token ? deps.tokens.identify(token) : undefined;
      if (!principal) {
        return reply.code(401).type(HTML).send(loginPage("That token is not valid."));
      }
      const s = sessions.open(principal);
      reply.header("set-cookie", sessionCookie(req, s.id, s.expiresAt - deps.now()));
      return reply.code(303).header("location", "/").send();
    });

    scope.post("/console/logout", async (req, reply) => {
      const s = sessionOf(req);
      if (s) {
        if (!sameOrigin(req) || !csrfMatches(req, s)) {
          return refuse(reply, 403, "Sign-out refused: the form did not come from this console.");
        }
        sessions.close(s.id);
      }
      reply.header("set-cookie", clearedCookie(req));
      return reply.code(303).header("location", "/").send();
    });

    scope.post<{ Params: { zone: string; act: string } }>(
      "/console/zones/:zone/:act",
      async (req, reply) => {
        const s = sessionOf(req);
        if (!s) return refuse(reply, 401, "Your session has ended: sign in again.");
        if (!sameOrigin(req))
          return refuse(reply, 403, "Refused: the request did not come from this console.");
        if (!csrfMatches(req, s))
          return refuse(
            reply,
            403,
            "Refused: the form's security token is missing or stale; reload the page.",
          );
        if (s.principal.role !== "approver") {
          return refuse(
            reply,
            403,
            `${s.principal.name} is a viewer; acting needs an approver token.`,
          );
        }
        const act = ACTS.find((a) => a === req.params.act);
        const spec = act ? handlers.get(`/api/v1/zones/:zone/${act}`) : undefined;
        if (!act || !spec) return refuse(reply, 404, `No act "${req.params.act}".`);
        const made = actBody(act, req.body, deps.thresholds.ntaLifetimeMaxSeconds);
        if (!made.ok) s.flash = { kind: "error", text: made.error };
        else {
          try {
            await spec.handler({
              req,
              principal: s.principal,
              params: { zone: req.params.zone },
              query: {},
              body: made.body,
              deps,
            });
            s.flash = { kind: "ok", text: `${act} of ${req.params.zone}: done.` };
          } catch (e) {
            if (!(e instanceof ApiError)) throw e;
            s.flash = { kind: "error", text: `${act} of ${req.params.zone} refused: ${e.message}` };
          }
        }
        return reply.code(303).header("location", "/").send();
      },
    );
  });
}
