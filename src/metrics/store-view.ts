/** The service state the metrics read at scrape time, from the store. */

import type { Store } from "../store/store.js";
import { outboxCounts } from "../store/outbox.js";
import type { ServiceView } from "./registry.js";

export function storeView(store: Store): ServiceView {
  return {
    zones: () => store.zones().map((z) => ({ zone: z.zone, phase: z.state.phase })),
    ntasInForce: () =>
      store.ntas({ inForce: true }).map((n) => ({ zone: n.zone, expiresAt: n.expiresAt })),
    openProposals: () =>
      store.proposals({ open: true }).map((p) => ({ zone: p.zone, proposedAt: p.proposedAt })),
    outbox: () => outboxCounts(store.db),
  };
}
