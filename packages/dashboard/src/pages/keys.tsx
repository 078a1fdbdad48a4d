import { createEffect, createResource, createSignal, on, Show } from "solid-js";
import { call, listAll } from "../api";
import { ConfirmDialog } from "../dialog";
import { dateTime } from "../format";
import { t, tf } from "../i18n";
import { mode } from "../state";
import type { ApiKey } from "../types";
import { ActionError, createAction, DataTable, Load, SecretBox, Section } from "../ui";

/**
 * API keys of the current mode: create (shown once, `data-secret`), revoke, roll. Revoke and
 * roll ask first; the key shown once leaves the screen when it is revoked or rolled away.
 */
export function Keys(props: { appId: string }) {
  const [keys, { refetch }] = createResource(
    () => props.appId,
    (app) => listAll<ApiKey>(`/v1/apps/${app}/keys`),
  );
  const [type, setType] = createSignal<"secret" | "publishable">("secret");
  const [fresh, setFresh] = createSignal<{ id: string; key: string; app: string; mode: string } | null>(null);
  const [asking, setAsking] = createSignal<{ action: "revoke" | "roll"; key: ApiKey } | null>(null);
  const showOnce = (k: ApiKey) => setFresh(k.key ? { id: k.id, key: k.key, app: props.appId, mode: k.mode } : null);
  // A key shown once belongs to its app and mode: switching either takes it off the screen, so
  // a test key never stands under "live" (nor a live one under "test") to be copied by mistake.
  createEffect(on([() => props.appId, mode], () => setFresh(null), { defer: true }));
  const shown = () => {
    const k = fresh();
    return k && k.app === props.appId && k.mode === mode() ? k : null;
  };
  const create = createAction(async () => {
    showOnce(await call<ApiKey>("POST", `/v1/apps/${props.appId}/keys`, { body: { type: type(), mode: mode() } }));
    refetch();
  });
  const act = createAction(async (what: { action: "revoke" | "roll"; key: ApiKey }) => {
    if (what.action === "revoke") {
      await call("DELETE", `/v1/apps/${props.appId}/keys/${what.key.id}`);
      if (fresh()?.id === what.key.id) setFresh(null);
    } else showOnce(await call<ApiKey>("POST", `/v1/apps/${props.appId}/keys/${what.key.id}/roll`, { body: {} }));
    setAsking(null);
    refetch();
  });
  const ask = (action: "revoke" | "roll", key: ApiKey) => {
    act.clear();
    setAsking({ action, key });
  };
  return (
    <Section title={t("keys.title")} id="keys">
      <div class="mb-3 flex flex-wrap items-end gap-2">
        <div>
          <label class="label" for="key-type">
            {t("keys.type")}
          </label>
          <select id="key-type" class="input" value={type()} onChange={(e) => setType(e.currentTarget.value as "secret" | "publishable")}>
            <option value="secret">{t("keys.secret")}</option>
            <option value="publishable">{t("keys.publishable")}</option>
          </select>
        </div>
        <button type="button" class="btn btn-primary" disabled={create.busy()} onClick={() => create.run()}>
          {t("keys.create")}
        </button>
      </div>
      <Show when={shown()}>{(k) => <SecretBox label={t("keys.shownOnce")} value={k().key} />}</Show>
      <ActionError action={create} />
      <Load data={keys}>
        {(all) => {
          const mine = () => all.filter((k) => k.mode === mode());
          return (
            <Show when={mine().length > 0} fallback={<p class="text-sm text-slate-500">{t("keys.none")}</p>}>
              <DataTable
                rows={mine()}
                columns={[
                  [t("keys.display"), (k) => <span class="mono">{k.display}</span>],
                  [t("common.type"), (k) => (k.type === "secret" ? t("keys.secret") : t("keys.publishable"))],
                  [t("common.created"), (k) => dateTime(k.created_at)],
                  [t("keys.expires"), (k) => (k.revoked_at ? t("keys.revoked") : k.expires_at ? dateTime(k.expires_at) : "—")],
                  [
                    t("common.actions"),
                    (k) => (
                      <Show when={!k.revoked_at}>
                        <div class="flex gap-1">
                          <button type="button" class="btn" aria-label={`${t("keys.roll")} ${k.display}`} onClick={() => ask("roll", k)}>
                            {t("keys.roll")}
                          </button>
                          <button type="button" class="btn btn-danger" aria-label={`${t("keys.revoke")} ${k.display}`} onClick={() => ask("revoke", k)}>
                            {t("keys.revoke")}
                          </button>
                        </div>
                      </Show>
                    ),
                  ],
                ]}
              />
            </Show>
          );
        }}
      </Load>
      <ConfirmDialog
        title={asking()?.action === "roll" ? t("keys.rollTitle") : t("keys.revokeTitle")}
        open={asking() !== null}
        confirmLabel={asking()?.action === "roll" ? t("keys.rollConfirm") : t("keys.revokeConfirm")}
        disabled={act.busy()}
        onConfirm={() => {
          const what = asking();
          if (what) act.run(what);
        }}
        onClose={() => setAsking(null)}
      >
        <Show when={asking()}>
          {(what) => (
            <>
              <p>{tf(what().action === "roll" ? "keys.rollBody" : "keys.revokeBody", { key: what().key.display })}</p>
              <Show when={what().key.mode === "live"}>
                <p class="font-medium text-red-800">{t("keys.liveWarning")}</p>
              </Show>
            </>
          )}
        </Show>
        <ActionError action={act} />
      </ConfirmDialog>
    </Section>
  );
}
