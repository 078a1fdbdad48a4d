import { useNavigate, useParams } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { ApiFailure, call, list } from "../api";
import { dateTime, money } from "../format";
import { t } from "../i18n";
import { apps, mode, refreshApps } from "../state";
import type { ApiKey, App, Endpoint, ProviderConfig, ZfEvent } from "../types";
import { ActionError, Badge, createAction, createPager, DataTable, Load, Notice, PagerButtons, PageTitle, refreshWhile, SecretBox, Section } from "../ui";
import { EventTable } from "./events";

/** A form's Save button, its "Saved." once done, and its error. */
function SaveRow(props: { action: { busy(): boolean; error(): unknown }; saved: boolean }) {
  return (
    <>
      <button type="submit" class="btn btn-primary" disabled={props.action.busy()}>
        {t("common.save")}
      </button>
      <Show when={props.saved}>
        <span class="ml-2 text-sm text-green-700" role="status">
          {t("common.saved")}
        </span>
      </Show>
      <ActionError action={props.action} />
    </>
  );
}

/** Rename and delete. */
function AppHeader(props: { app: App }) {
  const navigate = useNavigate();
  const [name, setName] = createSignal(props.app.name);
  const [saved, setSaved] = createSignal(false);
  const rename = createAction(async () => {
    await call("PATCH", `/v1/apps/${props.app.id}`, { body: { name: name() } });
    await refreshApps();
    setSaved(true);
  });
  const remove = createAction(async () => {
    const typed = prompt(t("apps.deleteConfirm"));
    if (typed !== props.app.name) return;
    await call("DELETE", `/v1/apps/${props.app.id}`);
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
        <button type="button" class="btn btn-danger" disabled={remove.busy()} onClick={() => remove.run()}>
          {t("apps.delete")}
        </button>
      </form>
      <Show when={saved()}>
        <div class="mt-2">
          <Notice>{t("common.saved")}</Notice>
        </div>
      </Show>
      <ActionError action={rename} />
      <ActionError action={remove} />
    </Section>
  );
}

/** API keys of the current mode: create (shown once, `data-secret`), revoke, roll. */
function Keys(props: { appId: string }) {
  const [keys, { refetch }] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    (s) => call<ApiKey[]>("GET", `/v1/apps/${s.app}/keys`),
  );
  const [type, setType] = createSignal<"secret" | "publishable">("secret");
  const [fresh, setFresh] = createSignal<string | null>(null);
  const create = createAction(async () => {
    const k = await call<ApiKey>("POST", `/v1/apps/${props.appId}/keys`, { body: { type: type(), mode: mode() } });
    setFresh(k.key ?? null);
    refetch();
  });
  const revoke = createAction(async (id: string) => {
    await call("DELETE", `/v1/apps/${props.appId}/keys/${id}`);
    refetch();
  });
  const roll = createAction(async (id: string) => {
    const k = await call<ApiKey>("POST", `/v1/apps/${props.appId}/keys/${id}/roll`, { body: {} });
    setFresh(k.key ?? null);
    refetch();
  });
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
      <Show when={fresh()}>{(k) => <SecretBox label={t("keys.shownOnce")} value={k()} />}</Show>
      <ActionError action={create} />
      <ActionError action={revoke} />
      <ActionError action={roll} />
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
                          <button type="button" class="btn" aria-label={`${t("keys.roll")} ${k.display}`} onClick={() => roll.run(k.id)}>
                            {t("keys.roll")}
                          </button>
                          <button type="button" class="btn btn-danger" aria-label={`${t("keys.revoke")} ${k.display}`} onClick={() => revoke.run(k.id)}>
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
    </Section>
  );
}

/** One provider's set-up for the mode: enabled, priority, credentials (write-only). */
function ProviderForm(props: { appId: string; initial: ProviderConfig }) {
  // Kept here, from the PUT's answer: reloading the list would close this form and lose "Saved.".
  const [config, setConfig] = createSignal(props.initial);
  const [saved, setSaved] = createSignal(false);
  const save = createAction(async (form: HTMLFormElement) => {
    setSaved(false);
    const data = new FormData(form);
    const credentials: Record<string, string> = {};
    for (const f of config().credentials) {
      const v = String(data.get(`cred-${f.name}`) ?? "");
      if (v) credentials[f.name] = v;
    }
    const updated = await call<ProviderConfig>("PUT", `/v1/apps/${props.appId}/providers/${config().provider}`, {
      body: {
        mode: mode(),
        enabled: data.get("enabled") === "on",
        priority: Number(data.get("priority") ?? 100),
        ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
      },
    });
    setConfig(updated);
    for (const f of updated.credentials) {
      const input = form.elements.namedItem(`cred-${f.name}`);
      if (input instanceof HTMLInputElement) input.value = "";
    }
    setSaved(true);
  });
  const id = (s: string) => `p-${config().provider}-${s}`;
  return (
    <details class="rounded border border-slate-200 p-2">
      <summary class="cursor-pointer text-sm font-medium">
        {config().display_name}{" "}
        <span class="text-xs text-slate-500">
          {config().configured ? t("providers.configured") : ""} {config().enabled ? "" : `(${t("webhook.disabled")})`}
        </span>
      </summary>
      <form
        class="mt-2 grid gap-2 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.run(e.currentTarget);
        }}
      >
        <label class="flex items-center gap-2 text-sm" for={id("enabled")}>
          <input id={id("enabled")} name="enabled" type="checkbox" checked={config().enabled} />
          {t("providers.enabled")}
        </label>
        <div>
          <label class="label" for={id("priority")}>
            {t("providers.priority")}
          </label>
          <input id={id("priority")} name="priority" class="input" type="number" min="0" max="1000" value={config().priority} />
        </div>
        <For each={config().credentials}>
          {(f) => (
            <div>
              <label class="label" for={id(f.name)}>
                {f.name}{" "}
                <span class="text-xs font-normal text-slate-500">
                  ({f.set ? `${t("providers.set")}${f.hint ? ` …${f.hint}` : ""}` : t("providers.notSet")})
                </span>
              </label>
              <input
                id={id(f.name)}
                name={`cred-${f.name}`}
                class="input"
                type={f.secret ? "password" : "text"}
                autocomplete="off"
                placeholder={f.description}
              />
            </div>
          )}
        </For>
        <p class="text-xs text-slate-500 sm:col-span-2">
          {t("providers.keepBlank")} {t("providers.webhookUrl")}: <span class="mono break-all">{config().webhook_url}</span>
        </p>
        <div class="sm:col-span-2">
          <SaveRow action={save} saved={saved()} />
        </div>
      </form>
    </details>
  );
}

function Providers(props: { appId: string }) {
  const [configs] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    (s) => call<ProviderConfig[]>("GET", `/v1/apps/${s.app}/providers?mode=${s.mode}`),
  );
  return (
    <Section title={t("providers.title")} id="providers">
      <Load data={configs}>{(cs) => <div class="space-y-2">{<For each={cs}>{(c) => <ProviderForm appId={props.appId} initial={c} />}</For>}</div>}</Load>
    </Section>
  );
}

function Routing(props: { appId: string }) {
  const [text, setText] = createSignal("");
  const [saved, setSaved] = createSignal(false);
  const [rules] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    async (s) => {
      const r = await call<{ rules: unknown[] }>("GET", `/v1/apps/${s.app}/routing?mode=${s.mode}`);
      setText(JSON.stringify(r.rules, null, 2));
      return r;
    },
  );
  const save = createAction(async () => {
    setSaved(false);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text());
    } catch {
      throw new Error(t("routing.badJson"));
    }
    await call("PUT", `/v1/apps/${props.appId}/routing`, { body: { mode: mode(), rules: parsed } });
    setSaved(true);
  });
  return (
    <Section title={t("routing.title")} id="routing">
      <Load data={rules}>
        {() => (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.run();
            }}
          >
            <label class="label" for="routing-rules">
              {t("routing.rules")}
            </label>
            <p id="routing-help" class="mb-1 text-xs text-slate-500">
              {t("routing.help")}
            </p>
            <textarea
              id="routing-rules"
              aria-describedby="routing-help"
              class="input mono h-40"
              spellcheck={false}
              value={text()}
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <div class="mt-2">
              <SaveRow action={save} saved={saved()} />
            </div>
          </form>
        )}
      </Load>
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
            <dd>{(p.bps / 100).toFixed(2)} %</dd>
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

/** The webhook endpoint of the mode, its one-time secret, rotate, test, re-enable, and the delivery log. */
function Webhook(props: { appId: string }) {
  const base = () => `/v1/apps/${props.appId}/webhook`;
  const scope = () => ({ scope: { app: props.appId, mode: mode() } });
  const [endpoint, { mutate }] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    async (s) => {
      try {
        return await call<Endpoint>("GET", `${base()}?mode=${s.mode}`);
      } catch (e) {
        if (e instanceof ApiFailure && e.status === 404) return null;
        throw e;
      }
    },
  );
  const [url, setUrl] = createSignal("");
  const [eventsText, setEventsText] = createSignal("");
  const [secret, setSecret] = createSignal<string | null>(null);
  const [testSent, setTestSent] = createSignal<string | null>(null);
  const [since, setSince] = createSignal("");
  const [resentCount, setResentCount] = createSignal<number | null>(null);
  const log = createPager(
    () => [props.appId, mode()],
    (cursor) => list<ZfEvent>("/v1/events", { ...scope(), query: { cursor, limit: 20 } }),
  );
  refreshWhile(() => log.page.latest?.data.some((e) => e.delivery.status === "pending") ?? false, log.refetch);
  const save = createAction(async () => {
    const events = eventsText()
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const ep = await call<Endpoint>("PUT", base(), { body: { mode: mode(), url: url(), ...(events.length > 0 ? { events } : {}) } });
    setSecret(ep.secret ?? null);
    mutate(ep);
  });
  const rotate = createAction(async () => {
    const ep = await call<Endpoint>("POST", `${base()}/rotate-secret`, { body: { mode: mode() } });
    setSecret(ep.secret ?? null);
  });
  const enable = createAction(async () => {
    mutate(await call<Endpoint>("POST", `${base()}/enable`, { body: { mode: mode() } }));
  });
  const test = createAction(async () => {
    const r = await call<{ event_id: string }>("POST", `${base()}/test`, { body: { mode: mode() } });
    setTestSent(r.event_id);
    log.refetch();
  });
  const resendAll = createAction(async () => {
    const r = await call<{ resent: number }>("POST", "/v1/events/recover", { ...scope(), body: { since: new Date(since()).toISOString() } });
    setResentCount(r.resent);
    log.refetch();
  });
  return (
    <Section title={t("webhook.title")} id="webhook">
      <Load data={endpoint}>
        {(ep) => {
          setUrl(ep?.url ?? "");
          setEventsText(ep?.events?.join(", ") ?? "");
          return (
            <>
              <Show when={ep} fallback={<p class="mb-2 text-sm">{t("webhook.none")}</p>}>
                {(e) => (
                  <p class="mb-2 text-sm">
                    <Badge status={e().active ? "delivered" : "failed"} />{" "}
                    {e().active ? t("webhook.active") : `${t("webhook.disabled")} ${dateTime(e().disabled_at)}`}
                    <Show when={e().disabled_reason}>
                      <span class="ml-1 text-slate-500">({e().disabled_reason})</span>
                    </Show>
                  </p>
                )}
              </Show>
              <form
                class="grid gap-2 sm:grid-cols-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  save.run();
                }}
              >
                <div>
                  <label class="label" for="wh-url">
                    {t("webhook.url")}
                  </label>
                  <input id="wh-url" class="input" type="url" required value={url()} onInput={(e) => setUrl(e.currentTarget.value)} />
                </div>
                <div>
                  <label class="label" for="wh-events">
                    {t("webhook.events")}
                  </label>
                  <input id="wh-events" class="input" value={eventsText()} onInput={(e) => setEventsText(e.currentTarget.value)} />
                </div>
                <div class="flex flex-wrap gap-2 sm:col-span-2">
                  <button type="submit" class="btn btn-primary" disabled={save.busy()}>
                    {t("common.save")}
                  </button>
                  <Show when={ep}>
                    <button type="button" class="btn" disabled={test.busy()} onClick={() => test.run()}>
                      {t("webhook.test")}
                    </button>
                    <button type="button" class="btn" disabled={rotate.busy()} onClick={() => rotate.run()}>
                      {t("webhook.rotate")}
                    </button>
                    <Show when={ep && !ep.active}>
                      <button type="button" class="btn" disabled={enable.busy()} onClick={() => enable.run()}>
                        {t("webhook.enable")}
                      </button>
                    </Show>
                  </Show>
                </div>
              </form>
            </>
          );
        }}
      </Load>
      <Show when={secret()}>{(s) => <SecretBox label={t("webhook.secret")} value={s()} />}</Show>
      <Show when={testSent()}>
        <div class="mt-2">
          <Notice>
            {t("webhook.testSent")} <span class="mono">{testSent()}</span>
          </Notice>
        </div>
      </Show>
      <ActionError action={save} />
      <ActionError action={rotate} />
      <ActionError action={enable} />
      <ActionError action={test} />
      <h3 class="mt-5 mb-2 text-sm font-semibold">{t("webhook.log")}</h3>
      <form
        class="mb-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          resendAll.run();
        }}
      >
        <div>
          <label class="label" for="wh-since">
            {t("webhook.resendSince")}
          </label>
          <input id="wh-since" class="input" type="datetime-local" required value={since()} onInput={(e) => setSince(e.currentTarget.value)} />
        </div>
        <button type="submit" class="btn" disabled={resendAll.busy()}>
          {t("webhook.resendAll")}
        </button>
        <Show when={resentCount() !== null}>
          <span role="status" class="text-sm text-green-700">
            {t("webhook.resentCount")} {resentCount()}
          </span>
        </Show>
      </form>
      <ActionError action={resendAll} />
      <Load data={log.page}>
        {(p) => (
          <Show when={p.data.length > 0} fallback={<p class="text-sm text-slate-500">{t("webhook.noEvents")}</p>}>
            <EventTable events={p.data} onResent={() => log.refetch()} />
            <PagerButtons pager={log} />
          </Show>
        )}
      </Load>
    </Section>
  );
}

export function AppPage() {
  const params = useParams();
  const app = () => apps().find((a) => a.id === params.id);
  const [one] = createResource(
    () => params.id,
    (id) => call<App>("GET", `/v1/apps/${id}`),
  );
  return (
    <Load data={one}>
      {(fetched) => {
        const current = () => app() ?? fetched;
        return (
          <>
            <PageTitle>{t("apps.title")}</PageTitle>
            <AppHeader app={current()} />
            <Keys appId={current().id} />
            <Webhook appId={current().id} />
            <Providers appId={current().id} />
            <Routing appId={current().id} />
            <Fees appId={current().id} />
          </>
        );
      }}
    </Load>
  );
}
