import { createSignal, Show } from "solid-js";
import { call } from "../api";
import { t } from "../i18n";
import { setUser, user } from "../state";
import type { User } from "../types";
import { ActionError, createAction, Notice, PageTitle, Section } from "../ui";

export function Settings() {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [done, setDone] = createSignal(false);
  const change = createAction(async () => {
    setDone(false);
    const r = await call<{ user: User }>("POST", "/v1/auth/password", { body: { current_password: current(), new_password: next() } });
    setUser(r.user);
    setCurrent("");
    setNext("");
    setDone(true);
  });
  return (
    <>
      <PageTitle>{t("settings.title")}</PageTitle>
      <Section title={t("settings.profile")} id="profile">
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt class="text-slate-500">{t("auth.name")}</dt>
          <dd>{user()?.name}</dd>
          <dt class="text-slate-500">{t("auth.email")}</dt>
          <dd>{user()?.email}</dd>
          <dt class="text-slate-500">{t("auth.company")}</dt>
          <dd>{user()?.company}</dd>
        </dl>
      </Section>
      <Section title={t("settings.password")} id="password">
        <form
          class="max-w-sm space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            change.run();
          }}
        >
          <div>
            <label class="label" for="pw-current">
              {t("settings.current")}
            </label>
            <input
              id="pw-current"
              class="input"
              type="password"
              autocomplete="current-password"
              required
              value={current()}
              onInput={(e) => setCurrent(e.currentTarget.value)}
            />
          </div>
          <div>
            <label class="label" for="pw-new">
              {t("settings.new")}
            </label>
            <input
              id="pw-new"
              class="input"
              type="password"
              autocomplete="new-password"
              minLength={10}
              required
              value={next()}
              onInput={(e) => setNext(e.currentTarget.value)}
            />
          </div>
          <ActionError action={change} />
          <Show when={done()}>
            <Notice>{t("settings.changed")}</Notice>
          </Show>
          <button type="submit" class="btn btn-primary" disabled={change.busy()}>
            {t("settings.password")}
          </button>
        </form>
      </Section>
    </>
  );
}
