/**
 * One log line when a zone's status turns unknown (nothing answered, or the
 * local clock is suspect) and one when it is known again: not one per
 * round, so a closed network does not fill the log, and never silence.
 */

import type { Logger } from "pino";
import type { Assessment } from "../assess/types.js";

export class ReachLog {
  /** Zones whose last status was unknown. */
  readonly #unknown = new Set<string>();

  constructor(private readonly log: Logger) {}

  round(a: Assessment): void {
    const was = this.#unknown.has(a.zone);
    if (a.status === "unknown") {
      if (was) return;
      this.#unknown.add(a.zone);
      const note = a.statusNote ?? "nothing answered";
      this.log.warn(
        { zone: a.zone, status: a.status },
        `${a.zone} unknown: ${note}; nothing is concluded or proposed while it lasts`,
      );
    } else if (was) {
      this.#unknown.delete(a.zone);
      this.log.info({ zone: a.zone, status: a.status }, `${a.zone} ${a.status}: answers again`);
    }
  }
}
