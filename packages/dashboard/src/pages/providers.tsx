import { createResource, createSignal, For, Show } from "solid-js";
import { call, listAll } from "../api";
import { t } from "../i18n";
import { isCurrent, mode } from "../state";
import type { ProviderConfig } from "../types";
import { ActionError, createAction, Load, Section } from "../ui";

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

/** The API's hint is already "…1234" (services/providers/credentials.ts): shown with one ellipsis. */
const hintText = (hint: string) => `…${hint.replace(/^(…|\.\.\.)/, "")}`;

/** One provider's set-up for the mode: enabled, priority, credentials (write-only). */
function ProviderForm(props: { appId: string; initial: ProviderConfig }) {
  // Kept here, from the PUT's answer: reloading the list would close this form and lose "Saved.".
  const [config, setConfig] = createSignal(props.initial);
  const [saved, setSaved] = createSignal(false);
  const save = createAction(async (form: HTMLFormElement) => {
    setSaved(false);
    const data = new FormData(form);
    // Blank: the stored priority (or the default) stays; never a 0 that would put it first.
    const priority = String(data.get("priority") ?? "").trim();
    const credentials: Record<string, string> = {};
    for (const f of config().credentials) {
      const v = String(data.get(`cred-${f.name}`) ?? "");
      if (v) credentials[f.name] = v;
    }
    const updated = await call<ProviderConfig>("PUT", `/v1/apps/${props.appId}/providers/${config().provider}`, {
      body: {
        // The form's own mode, never the header's: the header may already show the other mode
        // while its forms are on their way, and this one's values must not land there.
        mode: config().mode,
        enabled: data.get("enabled") === "on",
        ...(priority === "" ? {} : { priority: Number(priority) }),
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
                  ({f.set ? `${t("providers.set")}${f.hint ? ` ${hintText(f.hint)}` : ""}` : t("providers.notSet")})
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
          {t("providers.keepBlank")} {t("providers.webhookUrl")} <span class="mono break-all">{config().webhook_url}</span>
        </p>
        <div class="sm:col-span-2">
          <SaveRow action={save} saved={saved()} />
        </div>
      </form>
    </details>
  );
}

export function Providers(props: { appId: string }) {
  const [configs] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    (s) => listAll<ProviderConfig>(`/v1/apps/${s.app}/providers`, { query: { mode: s.mode } }),
  );
  return (
    <Section title={t("providers.title")} id="providers">
      {/* Built again per mode: each form keeps its own copy of its config (from its PUT's answer). */}
      <Load data={configs} identity={(cs) => cs[0]?.mode}>
        {(cs) => (
          <div class="space-y-2">
            <For each={cs}>{(c) => <ProviderForm appId={props.appId} initial={c} />}</For>
          </div>
        )}
      </Load>
    </Section>
  );
}

export function Routing(props: { appId: string }) {
  const [text, setText] = createSignal("");
  const [saved, setSaved] = createSignal(false);
  // The mode the rules on screen were read for: a save sends them there, never to the mode the
  // header switched to while its rules are on their way.
  const [textMode, setTextMode] = createSignal(mode());
  const [rules] = createResource(
    () => ({ app: props.appId, mode: mode() }),
    async (s) => {
      const r = await call<{ rules: unknown[] }>("GET", `/v1/apps/${s.app}/routing?mode=${s.mode}`);
      // A late answer for a mode switched away from fills nothing (as the webhook form).
      if (!isCurrent(s, props.appId)) return r;
      setText(JSON.stringify(r.rules, null, 2));
      setTextMode(s.mode);
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
    await call("PUT", `/v1/apps/${props.appId}/routing`, { body: { mode: textMode(), rules: parsed } });
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
