/**
 * The lab backend: the real resolvers of lab/lab.sh. Not wired yet: the
 * demo says so and uses the simulation.
 */
import type { DemoBackend } from "./backend.js";

export function labAvailable(): { ok: true } | { ok: false; why: string } {
  return { ok: false, why: "the lab backend is not implemented yet" };
}

export function labBackend(): Promise<DemoBackend> {
  return Promise.reject(new Error("unsupported: the demo's lab backend is not implemented yet"));
}
