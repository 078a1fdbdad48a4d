import { createResource, createSignal, For, Show } from "solid-js";
import { call, listAll } from "../api";
import { dateTime } from "../format";
import { type MessageKey, t, tf } from "../i18n";
import { inScope, type Scope } from "../state";
import type { Delivery, ZfEvent } from "../types";
import { ActionError, Badge, createAction, Load } from "../ui";

/**
 * The delivery attempts of one event, loaded when opened and again when its attempt count
 * changes (a resend, a retry seen by the log's refresh); rows stay in place.
 */
function Deliveries(props: { eventId: string; attempts: number; scope: Scope }) {
  const [rows] = createResource(
    () => ({ id: props.eventId, attempts: props.attempts, ...props.scope }),
    (s) => listAll<Delivery>(`/v1/events/${s.id}/deliveries`, inScope(s)),
  );
  return (
    <Load data={rows}>
      {(ds) => (
        <Show when={ds.length > 0} fallback={<p class="text-xs text-slate-500">{t("tx.noDeliveries")}</p>}>
          <div class="table-wrap">
            <table aria-label={`${t("tx.deliveries")} ${props.eventId}`}>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">HTTP</th>
                  <th scope="col">ms</th>
                  <th scope="col">{t("webhook.lastError")}</th>
                  <th scope="col">{t("delivery.response")}</th>
                  <th scope="col">{t("common.created")}</th>
                </tr>
              </thead>
              <tbody>
                <For each={ds}>
                  {(d) => (
                    <tr data-delivery={d.id}>
                      <td>{d.attempt}</td>
                      <td>{d.status_code ?? "—"}</td>
                      <td>{d.duration_ms}</td>
                      <td class="max-w-64 truncate" title={d.error ?? ""}>
                        {deliveryError(d.error)}
                      </td>
                      {/* The first 1,000 characters the endpoint answered (SPEC §7), whole on hover. */}
                      <td class="mono max-w-64 truncate" title={d.response_body ?? ""}>
                        {d.response_body ?? ""}
                      </td>
                      <td>{dateTime(d.created_at)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      )}
    </Load>
  );
}

/** Why a delivery is parked, in words, for the `last_error` codes the worker writes (services/webhooks). */
const PARKED: Record<string, MessageKey> = {
  no_endpoint: "delivery.no_endpoint",
  endpoint_disabled: "delivery.endpoint_disabled",
  "event type not subscribed": "delivery.not_subscribed",
};

/**
 * The delivery state shown for an event: an event raised while the mode had no endpoint is
 * kept `failed` with `last_error: "no_endpoint"` (nothing was attempted), which reads as "no
 * endpoint", not as a failure.
 */
function deliveryStatus(e: ZfEvent): string {
  return e.delivery.status === "failed" && e.delivery.last_error === "no_endpoint" ? "no_endpoint" : e.delivery.status;
}

function lastError(e: ZfEvent): string {
  const error = e.delivery.last_error;
  if (!error || e.delivery.status === "delivered") return "";
  return deliveryError(error);
}

/** A delivery's error in words, in the merchant's language, for what the worker writes (services/webhooks/post.ts, record-outcome.ts); the code itself kept as the detail. */
function deliveryError(error: string | null): string {
  if (!error) return "";
  const parked = PARKED[error];
  if (parked) return t(parked);
  const http = /^HTTP (\d{3})$/.exec(error);
  if (http) return tf("delivery.http", { status: http[1] ?? "" });
  const redirect = /^redirect not followed \(HTTP (\d{3})\)$/.exec(error);
  if (redirect) return tf("delivery.redirect", { status: redirect[1] ?? "" });
  if (error.startsWith("connection: ECONNREFUSED")) return tf("delivery.refused", { detail: error });
  if (error.startsWith("connection: ")) return tf("delivery.unreachable", { detail: error.slice("connection: ".length) });
  if (error.startsWith("timeout")) return tf("delivery.timeout", { detail: error });
  if (error.startsWith("blocked_address: ")) return tf("delivery.blocked", { detail: error.slice("blocked_address: ".length) });
  return error;
}

/**
 * Events as a table, each with its delivery status, its attempts on demand and `Resend`. Every
 * call names `scope`, the app and mode the events belong to (an app's page, a payment's), never
 * the header's, which may differ.
 */
export function EventTable(props: { events: ZfEvent[]; scope: Scope; onResent?: () => void }) {
  const [open, setOpen] = createSignal<string | null>(null);
  const [resent, setResent] = createSignal<string | null>(null);
  const resend = createAction(async (id: string) => {
    await call("POST", `/v1/events/${id}/resend`, inScope(props.scope));
    setResent(id);
    props.onResent?.();
  });
  return (
    <>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("common.id")}</th>
              <th scope="col">{t("common.type")}</th>
              <th scope="col">{t("webhook.deliveryStatus")}</th>
              <th scope="col">{t("webhook.attempts")}</th>
              <th scope="col">{t("common.created")}</th>
              <th scope="col">{t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.events}>
              {(e) => (
                <>
                  <tr data-event={e.id}>
                    <td class="mono">{e.id}</td>
                    <td>{e.type}</td>
                    <td>
                      <Badge status={deliveryStatus(e)} />
                      <Show when={resent() === e.id}>
                        <span class="ml-1 text-xs text-green-700">{t("webhook.resent")}</span>
                      </Show>
                      <Show when={lastError(e)}>{(why) => <p class="mt-1 max-w-72 text-xs text-slate-600 [overflow-wrap:anywhere]">{why()}</p>}</Show>
                    </td>
                    <td>{e.delivery.attempts}</td>
                    <td>{dateTime(e.created_at)}</td>
                    <td>
                      <div class="flex gap-1">
                        <button type="button" class="btn" aria-expanded={open() === e.id} onClick={() => setOpen(open() === e.id ? null : e.id)}>
                          {t("tx.showDeliveries")}
                        </button>
                        <button type="button" class="btn" disabled={resend.busy()} onClick={() => resend.run(e.id)}>
                          {t("webhook.resend")}
                        </button>
                      </div>
                    </td>
                  </tr>
                  <Show when={open() === e.id}>
                    <tr>
                      <td colSpan={6} class="bg-slate-50">
                        <Deliveries eventId={e.id} attempts={e.delivery.attempts} scope={props.scope} />
                      </td>
                    </tr>
                  </Show>
                </>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <ActionError action={resend} />
    </>
  );
}
