import { useNavigate, useParams } from "@solidjs/router";
import { createEffect, createResource, createSignal, on, Show } from "solid-js";
import { call } from "../api";
import { ConfirmDialog } from "../dialog";
import { basisPoints, money } from "../format";
import { t, tf } from "../i18n";
import { apps, currentApp, refreshApps, setCurrentApp } from "../state";
import type { App } from "../types";
import { ActionError, createAction, Load, Notice, PageTitle, Section } from "../ui";
import { Keys } from "./keys";
import { Providers, Routing } from "./providers";
import { Webhook } from "./webhook";

/** Rename and delete (delete asks in the page for the app's name). */
function AppHeader(props: { app: App }) {
  const navigate = useNavigate();
  const [name, setName] = createSignal(props.app.name);
  const [saved, setSaved] = createSignal(false);
  const [deleting, setDeleting] = createSignal(false);
  const [typed, setTyped] = createSignal("");
  const rename = createAction(async () => {
    await call("PATCH", `/v1/apps/${props.app.id}`, { body: { name: name() } });
    await refreshApps();
    setSaved(true);
  });
  const remove = createAction(async () => {
    await call("DELETE", `/v1/apps/${props.app.id}`);
    setDeleting(false);
    await refreshApps();
    navigate("/apps");
  });
  return (
    <Section title={props.app.name} id="app-name">
      <p class="mono mb-3 text-slate-500">{props.app.id}</p>
      <form
        class="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          rename.run();
        }}
      >
        <div class="min-w-48 flex-1">
          <label class="label" for="app-rename">
            {t("common.name")}
          </label>
          <input id="app-rename" class="input" required maxLength={200} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn" disabled={rename.busy()}>
          {t("apps.rename")}
        </button>
        <button
          type="button"
          class="btn btn-danger"
          onClick={() => {
            setTyped("");
            remove.clear();
            setDeleting(true);
          }}
        >
          {t("apps.delete")}
        </button>
      </form>
      <Show when={saved()}>
        <div class="mt-2">
          <Notice>{t("common.saved")}</Notice>
        </div>
      </Show>
      <ActionError action={rename} />
      <ConfirmDialog
        title={tf("apps.deleteTitle", { name: props.app.name })}
        open={deleting()}
        confirmLabel={t("apps.delete")}
        disabled={remove.busy() || typed() !== props.app.name}
        onConfirm={() => remove.run()}
        onClose={() => setDeleting(false)}
      >
        <p>{t("apps.deleteConfirm")}</p>
        <div>
          <label class="label" for="app-delete-name">
            {t("common.name")}
          </label>
          <input id="app-delete-name" class="input" autocomplete="off" value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} />
        </div>
        <ActionError action={remove} />
      </ConfirmDialog>
    </Section>
  );
}
/** The operator's fee plan (`GET /v1/apps/{id}/fees`, SPEC §10), read-only here. */
function Fees(props: { appId: string }) {
  const [plan] = createResource(
    () => props.appId,
    (id) => call<{ bps: number; fixed: Record<string, number> }>("GET", `/v1/apps/${id}/fees`),
  );
  return (
    <Section title={t("fees.title")} id="fees">
      <Load data={plan}>
        {(p) => (
          <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="text-slate-500">{t("fees.bps")}</dt>
            <dd>{basisPoints(p.bps)}</dd>
            <dt class="text-slate-500">{t("fees.fixed")}</dt>
            <dd>
              {Object.entries(p.fixed ?? {})
                .map(([c, v]) => money(v, c))
                .join(", ") || "0"}
            </dd>
            <dd class="col-span-2 text-xs text-slate-500">{t("fees.readOnly")}</dd>
          </dl>
        )}
      </Load>
    </Section>
  );
}

export function AppPage() {
  const params = useParams();
  // Opening an app's page makes it the header's app: what the page shows and what the header says agree.
  createEffect(
    on([() => params.id, () => apps().length], ([id]) => {
      if (id && id !== currentApp() && apps().some((a) => a.id === id)) setCurrentApp(id);
    }),
  );
  const [one] = createResource(
    () => params.id,
    (id) => call<App>("GET", `/v1/apps/${id}`),
  );
  return (
    <Load data={one}>
      {(fetched) => {
        // Sections act in the app this page was built for (`fetched.id`: the same string until the page
        // is built again for another app), never in what the address or the header says meanwhile.
        const current = () => apps().find((a) => a.id === fetched.id) ?? fetched;
        return (
          <>
            <PageTitle>{t("apps.title")}</PageTitle>
            <AppHeader app={current()} />
            <Keys appId={fetched.id} />
            <Webhook appId={fetched.id} />
            <Providers appId={fetched.id} />
            <Routing appId={fetched.id} />
            <Fees appId={fetched.id} />
          </>
        );
      }}
    </Load>
  );
}
