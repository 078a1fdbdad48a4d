import { createResource, createSignal, For, Show } from "solid-js";
import { call } from "../api";
import { dateTime } from "../format";
import { t } from "../i18n";
import { scoped } from "../state";
import type { Delivery, ZfEvent } from "../types";
import { ActionError, Badge, createAction, Load } from "../ui";

/** The delivery attempts of one event, loaded when opened. */
function Deliveries(props: { eventId: string }) {
  const [rows] = createResource(
    () => props.eventId,
    (id) => call<Delivery[]>("GET", `/v1/events/${id}/deliveries`, scoped()),
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
                      <td class="max-w-64 truncate">{d.error ?? ""}</td>
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

/** Events as a table, each with its delivery status, its attempts on demand and `Resend`. */
export function EventTable(props: { events: ZfEvent[]; onResent?: () => void }) {
  const [open, setOpen] = createSignal<string | null>(null);
  const [resent, setResent] = createSignal<string | null>(null);
  const resend = createAction(async (id: string) => {
    await call("POST", `/v1/events/${id}/resend`, scoped());
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
                      <Badge status={e.delivery.status} />
                      <Show when={resent() === e.id}>
                        <span class="ml-1 text-xs text-green-700">{t("webhook.resent")}</span>
                      </Show>
                    </td>
                    <td>{e.delivery.attempts}</td>
                    <td>{dateTime(e.created_at)}</td>
                    <td class="flex gap-1">
                      <button type="button" class="btn" aria-expanded={open() === e.id} onClick={() => setOpen(open() === e.id ? null : e.id)}>
                        {t("tx.showDeliveries")}
                      </button>
                      <button type="button" class="btn" disabled={resend.busy()} onClick={() => resend.run(e.id)}>
                        {t("webhook.resend")}
                      </button>
                    </td>
                  </tr>
                  <Show when={open() === e.id}>
                    <tr>
                      <td colSpan={6} class="bg-slate-50">
                        <Deliveries eventId={e.id} />
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
