import { A, useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { call } from "../api";
import { dateTime } from "../format";
import { t } from "../i18n";
import { apps, refreshApps, setCurrentApp } from "../state";
import type { App } from "../types";
import { ActionError, createAction, DataTable, PageTitle } from "../ui";

export function Apps() {
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const create = createAction(async () => {
    const app = await call<App>("POST", "/v1/apps", { body: { name: name() } });
    await refreshApps();
    setCurrentApp(app.id);
    navigate(`/apps/${app.id}`);
  });
  return (
    <>
      <PageTitle>{t("apps.title")}</PageTitle>
      <form
        class="card mb-4 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.run();
        }}
      >
        <div class="min-w-48 flex-1">
          <label class="label" for="new-app">
            {t("apps.newName")}
          </label>
          <input id="new-app" class="input" required maxLength={200} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn btn-primary" disabled={create.busy()}>
          {t("apps.create")}
        </button>
        <div class="w-full">
          <ActionError action={create} />
        </div>
      </form>
      <Show when={apps().length > 0} fallback={<p class="card text-sm">{t("apps.none")}</p>}>
        <DataTable
          rows={apps()}
          columns={[
            [
              t("common.name"),
              (a) => (
                <A class="text-blue-700 underline" href={`/apps/${a.id}`} onClick={() => setCurrentApp(a.id)}>
                  {a.name}
                </A>
              ),
            ],
            [t("common.id"), (a) => <span class="mono">{a.id}</span>],
            [t("common.created"), (a) => dateTime(a.created_at)],
          ]}
        />
      </Show>
    </>
  );
}
