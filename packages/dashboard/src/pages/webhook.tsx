import { createEffect, createResource, createSignal, type JSX, on, Show } from "solid-js";
import { call, list } from "../api";
import { ConfirmDialog } from "../dialog";
import { dateTime } from "../format";
import { t, tf } from "../i18n";
import { createPager, PagerButtons } from "../pager";
import { inScope, isCurrent, mode } from "../state";
import type { Endpoint, ZfEvent } from "../types";
import { ActionError, Badge, createAction, Load, lastValue, Notice, refreshWhile, SecretBox, Section } from "../ui";
import { EventTable } from "./events";

/** What the webhook section last did, said once: each action replaces the previous notice. */
type WebhookNotice = { kind: "saved" } | { kind: "testSent"; eventId: string } | { kind: "rotated" } | { kind: "enabled" } | { kind: "resent"; count: number };

/** The webhook endpoint of the mode, its one-time secret, rotate, test, re-enable, and the delivery log. */
export function Webhook(props: { appId: string }) {
  const base = () => `/v1/apps/${props.appId}/webhook`;
  // Every call names this page's app: the header's may be another (SPEC §4: X-App-Id).
  const scope = () => ({ app: props.appId, mode: mode() });
  const [url, setUrl] = createSignal("");
  const [eventsText, setEventsText] = createSignal("");
  // The mode the form on screen was filled for: while the other mode's endpoint is on its way the
  // form still shows this one, and a save must not send its URL to the mode the header names now.
  const [formMode, setFormMode] = createSignal(mode());
  const [endpoint, { mutate }] = createResource(scope, async (s) => {
    // As a list (none or one): an app without an endpoint is a 200, not a 404 in the console (SPEC §11).
    const ep = (await list<Endpoint>(`/v1/apps/${s.app}/webhooks?mode=${s.mode}`)).data[0] ?? null;
    // A late answer for a mode switched away from fills nothing: the form shows the mode on
    // screen, and would otherwise save the mode this answer was for.
    if (!isCurrent(s, props.appId)) return ep;
    // The form starts from what is stored for this app and mode; a save keeps what was typed.
    setUrl(ep?.url ?? "");
    setEventsText(ep?.events?.join(", ") ?? "");
    setFormMode(s.mode);
    return ep;
  });
  // The signing secret shown once, with the app and mode it signs for: it is shown only under them.
  const [secret, setSecret] = createSignal<{ value: string; app: string; mode: string } | null>(null);
  const shownSecret = () => {
    const s = secret();
    return s && s.app === props.appId && s.mode === mode() ? s.value : null;
  };
  const [notice, setNotice] = createSignal<WebhookNotice | null>(null);
  // Rotating cannot be undone (the old secret stops signing after 24 hours): it asks first, naming the mode.
  const [askRotate, setAskRotate] = createSignal(false);
  const [since, setSince] = createSignal("");
  const log = createPager(scope, (cursor, s) => list<ZfEvent>("/v1/events", inScope(s, { query: { cursor, limit: 20 } })));
  const poll = refreshWhile(() => lastValue(log.page)?.data.some((e) => e.delivery.status === "pending") ?? false, log.refetch);
  const refreshLog = () => {
    poll.restart();
    log.refetch();
  };
  // Another app or mode: what was said, and the secret shown once, belonged to the previous one
  // (a test secret must never stand under "live" to be pasted into a live server).
  createEffect(
    on(
      scope,
      () => {
        setNotice(null);
        setSecret(null);
        setAskRotate(false);
      },
      { defer: true },
    ),
  );
  // One action at a time owns the notice: it is cleared when the next one starts.
  const act = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    createAction(async (...args: A) => {
      setNotice(null);
      return fn(...args);
    });
  const save = act(async () => {
    const events = eventsText()
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const m = formMode();
    const ep = await call<Endpoint>("PUT", base(), { body: { mode: m, url: url(), ...(events.length > 0 ? { events } : {}) } });
    if (ep.secret) setSecret({ value: ep.secret, app: props.appId, mode: m });
    mutate(ep);
    setNotice({ kind: "saved" });
  });
  const rotate = act(async () => {
    const m = mode();
    const ep = await call<Endpoint>("POST", `${base()}/rotate-secret`, { body: { mode: m } });
    setSecret(ep.secret ? { value: ep.secret, app: props.appId, mode: m } : null);
    setAskRotate(false);
    setNotice({ kind: "rotated" });
  });
  const enable = act(async () => {
    mutate(await call<Endpoint>("POST", `${base()}/enable`, { body: { mode: mode() } }));
    setNotice({ kind: "enabled" });
  });
  const test = act(async () => {
    const r = await call<{ event_id: string }>("POST", `${base()}/test`, { body: { mode: mode() } });
    setNotice({ kind: "testSent", eventId: r.event_id });
    refreshLog();
  });
  const resendAll = act(async () => {
    const r = await call<{ resent: number }>("POST", "/v1/events/recover", inScope(scope(), { body: { since: new Date(since()).toISOString() } }));
    setNotice({ kind: "resent", count: r.resent });
    refreshLog();
  });
  return (
    <Section title={t("webhook.title")} id="webhook">
      <Load data={endpoint}>
        {(ep) => (
          <>
            <Show when={ep} fallback={<p class="mb-2 text-sm">{t("webhook.none")}</p>}>
              {(e) => (
                <p class="mb-2 text-sm">
                  <Badge status={e().active ? "active" : "disabled"} />
                  <Show when={!e().active}>
                    {" "}
                    {tf("webhook.disabledSince", { date: dateTime(e().disabled_at) })}
                    <Show when={e().disabled_reason}>
                      <span class="ml-1 text-slate-500">({e().disabled_reason})</span>
                    </Show>
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
                <button type="submit" class="btn btn-primary" disabled={save.busy() || endpoint.loading}>
                  {t("common.save")}
                </button>
                <Show when={ep}>
                  <button type="button" class="btn" disabled={test.busy() || endpoint.loading} onClick={() => test.run()}>
                    {t("webhook.test")}
                  </button>
                  <button
                    type="button"
                    class="btn"
                    disabled={rotate.busy() || endpoint.loading}
                    onClick={() => {
                      rotate.clear();
                      setAskRotate(true);
                    }}
                  >
                    {t("webhook.rotate")}
                  </button>
                  <Show when={ep && !ep.active}>
                    <button type="button" class="btn" disabled={enable.busy() || endpoint.loading} onClick={() => enable.run()}>
                      {t("webhook.enable")}
                    </button>
                  </Show>
                </Show>
              </div>
            </form>
          </>
        )}
      </Load>
      <Show when={shownSecret()}>{(s) => <SecretBox label={t("webhook.secret")} value={s()} />}</Show>
      <Show when={notice()} keyed>
        {(n) => (
          <Show when={n.kind !== "resent"}>
            <div class="mt-2">
              <Notice>{noticeText(n)}</Notice>
            </div>
          </Show>
        )}
      </Show>
      <ConfirmDialog
        title={t("webhook.rotateTitle")}
        open={askRotate()}
        confirmLabel={t("webhook.rotateConfirm")}
        disabled={rotate.busy() || endpoint.loading}
        onConfirm={() => rotate.run()}
        onClose={() => setAskRotate(false)}
      >
        <p>{t("webhook.rotateBody")}</p>
        <Show when={mode() === "live"}>
          <p class="font-medium text-red-800">{t("webhook.rotateLive")}</p>
        </Show>
        <ActionError action={rotate} />
      </ConfirmDialog>
      <ActionError action={save} />
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
        <Show when={notice()} keyed>
          {(n) => (
            <Show when={n.kind === "resent"}>
              <span role="status" class="text-sm text-green-700">
                {noticeText(n)}
              </span>
            </Show>
          )}
        </Show>
      </form>
      <ActionError action={resendAll} />
      <Load data={log.page}>
        {(p) => (
          <Show when={p.data.length > 0} fallback={<p class="text-sm text-slate-500">{t("webhook.noEvents")}</p>}>
            <EventTable events={p.data} scope={scope()} onResent={refreshLog} />
            <PagerButtons pager={log} />
          </Show>
        )}
      </Load>
    </Section>
  );
}

function noticeText(n: WebhookNotice): JSX.Element {
  switch (n.kind) {
    case "saved":
      return t("common.saved");
    case "rotated":
      return t("webhook.rotated");
    case "enabled":
      return t("webhook.enabled");
    case "testSent":
      return (
        <>
          {t("webhook.testSent")} <span class="mono">{n.eventId}</span>
        </>
      );
    case "resent":
      return `${t("webhook.resentCount")} ${n.count}`;
  }
}
