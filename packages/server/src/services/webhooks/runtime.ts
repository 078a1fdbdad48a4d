import type { Resolver } from "./address.js";
import type { Mailer } from "./mailer.js";

/** The seams webhook delivery needs, built in `app.ts`; tests replace `resolve` (DNS). */
export interface WebhookRuntime {
  resolve: Resolver;
  mailer: Mailer;
  /** Wall-clock unix seconds for signatures: receivers compare them with their own clock. */
  signingTime(): number;
}
