import { A, useLocation, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, For, type JSX, Show } from "solid-js";
import { ApiFailure, call } from "./api";
import { type Lang, lang, type MessageKey, setLang, t } from "./i18n";
import { apps, checkSession, currentApp, mode, refreshApps, sessionUnchecked, setCurrentApp, setMode, setUser, user } from "./state";
import { ErrorBox } from "./ui";

const NAV: Array<[string, MessageKey]> = [
  ["/", "nav.overview"],
  ["/transactions", "nav.transactions"],
  ["/refunds", "nav.refunds"],
  ["/settlements", "nav.settlements"],
  ["/apps", "nav.apps"],
  ["/settings", "nav.settings"],
];

export function LanguagePicker() {
  return (
    <label class="flex items-center gap-1 text-sm">
      <span class="sr-only">{t("lang.label")}</span>
      <select
        class="rounded border border-slate-300 bg-white px-1 py-1 text-sm"
        aria-label={t("lang.label")}
        value={lang()}
        onChange={(e) => setLang(e.currentTarget.value as Lang)}
      >
        <option value="en">English</option>
        <option value="fr">Français</option>
      </select>
    </label>
  );
}

/**
 * What the page becomes when the header's app or mode changes, so that what a page shows and
 * the app and mode its calls name never differ: an object's page (a transaction, a settlement)
 * belongs to one app and mode, so it gives way to its list; an app's page follows the app
 * picked; a list's page cursor belongs to that list, so it goes.
 */
function useContextSwitch() {
  const location = useLocation();
  const navigate = useNavigate();
  return (change: { app?: string; mode?: "test" | "live" }) => {
    const path = location.pathname.replace(/^\/dashboard(?=\/|$)/, "") || "/";
    const object = /^\/(transactions|settlements)\/[^/]+\/?$/.exec(path);
    const appPage = /^\/apps\/[^/]+\/?$/.test(path);
    const search = new URLSearchParams(location.search);
    if (change.app && appPage) navigate(`/apps/${change.app}`);
    else if (object) navigate(`/${object[1]}`);
    else if (search.has("cursor")) {
      search.delete("cursor");
      const rest = search.toString();
      navigate(`${path}${rest ? `?${rest}` : ""}`, { replace: true });
    }
    if (change.app) setCurrentApp(change.app);
    if (change.mode) setMode(change.mode);
  };
}

/** The test/live toggle (SPEC §11: a switch named `Test mode` with `aria-checked`), remembered. */
export function ModeSwitch() {
  const switchTo = useContextSwitch();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={mode() === "test"}
      class="flex items-center gap-2 rounded-full border border-slate-300 bg-white py-1 pr-3 pl-1 text-sm"
      onClick={() => switchTo({ mode: mode() === "test" ? "live" : "test" })}
    >
      <span class={`inline-block h-5 w-9 rounded-full p-0.5 transition ${mode() === "test" ? "bg-amber-500" : "bg-slate-300"}`} aria-hidden="true">
        <span class={`block h-4 w-4 rounded-full bg-white transition ${mode() === "test" ? "translate-x-4" : ""}`} />
      </span>
      {t("mode.test")}
    </button>
  );
}

/** Every signed-in page: header (app, mode, language, sign-out), navigation, content. */
export function Shell(props: { children?: JSX.Element }) {
  const navigate = useNavigate();
  const switchTo = useContextSwitch();
  // Apps are asked for once someone is signed in: a signed-out visit makes no call that can only 401.
  createEffect(() => {
    const who = user();
    if (who === null) navigate("/login", { replace: true });
    else if (who) refreshApps().catch(() => undefined);
  });
  // Signed out only when the server says so (or the session had already ended): a sign-out the
  // server never heard of leaves the session cookie working, so the page says so and stays.
  const [signOutFailed, setSignOutFailed] = createSignal(false);
  const signOut = async () => {
    setSignOutFailed(false);
    try {
      await call("POST", "/v1/auth/logout");
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 401)) {
        setSignOutFailed(true);
        return;
      }
    }
    setUser(null);
  };
  return (
    <Show
      when={user()}
      fallback={
        <Show when={sessionUnchecked()} fallback={<p class="p-6 text-sm text-slate-500">{t("common.loading")}</p>}>
          <div class="p-6 text-sm">
            <p role="alert" class="mb-2 text-red-800">
              {t("error.network")}
            </p>
            <button type="button" class="btn" onClick={() => void checkSession()}>
              {t("common.retry")}
            </button>
          </div>
        </Show>
      }
    >
      <div class="min-h-screen">
        <header class="border-b border-slate-200 bg-white">
          <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-3 py-2">
            <span class="mr-auto text-lg font-bold text-blue-800">{t("app.title")}</span>
            <Show when={apps().length > 0}>
              <label class="flex items-center gap-1 text-sm">
                <span class="sr-only">{t("app.label")}</span>
                <select
                  aria-label={t("app.label")}
                  class="max-w-40 rounded border border-slate-300 bg-white px-1 py-1 text-sm"
                  value={currentApp() ?? ""}
                  onChange={(e) => switchTo({ app: e.currentTarget.value })}
                >
                  <For each={apps()}>{(a) => <option value={a.id}>{a.name}</option>}</For>
                </select>
              </label>
            </Show>
            <ModeSwitch />
            <LanguagePicker />
            <button type="button" class="btn" onClick={signOut}>
              {t("signOut")}
            </button>
          </div>
          {/* The links wrap onto a second line on a phone rather than scroll out of sight. */}
          <nav aria-label={t("nav.main")} class="mx-auto max-w-6xl px-3">
            <ul class="flex flex-wrap gap-x-1 text-sm">
              <For each={NAV}>
                {([href, key]) => (
                  <li>
                    <A
                      href={href}
                      end={href === "/"}
                      class="block border-b-2 border-transparent px-2 py-2 whitespace-nowrap text-slate-600 hover:text-slate-900"
                      activeClass="border-blue-700! text-blue-800! font-medium"
                    >
                      {t(key)}
                    </A>
                  </li>
                )}
              </For>
            </ul>
          </nav>
        </header>
        <Show when={signOutFailed()}>
          <p role="alert" class="bg-red-100 px-3 py-1 text-center text-sm text-red-900">
            {t("signOut.failed")}
          </p>
        </Show>
        <Show when={mode() === "test"}>
          <p class="bg-amber-100 px-3 py-1 text-center text-xs text-amber-900">{t("mode.testBanner")}</p>
        </Show>
        <main class="mx-auto max-w-6xl px-3 py-4">{props.children}</main>
      </div>
    </Show>
  );
}

/** Pages that act in an app: a prompt to create one when the account has none. */
export function NeedsApp(props: { children: JSX.Element }) {
  return (
    <Show
      when={currentApp()}
      fallback={
        <div class="card">
          <h2 class="font-semibold">{t("noApp.title")}</h2>
          <p class="my-2 text-sm">{t("noApp.body")}</p>
          <A class="btn btn-primary" href="/apps">
            {t("apps.create")}
          </A>
        </div>
      }
    >
      {props.children}
    </Show>
  );
}

export { ErrorBox };
