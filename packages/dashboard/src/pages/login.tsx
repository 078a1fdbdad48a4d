import { A, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, type JSX, Show } from "solid-js";
import { call } from "../api";
import { t } from "../i18n";
import { LanguagePicker } from "../layout";
import { setUser, user } from "../state";
import type { User } from "../types";
import { ActionError, createAction } from "../ui";

function AuthCard(props: { title: string; children: JSX.Element }) {
  return (
    <main class="mx-auto mt-10 max-w-sm px-4 sm:mt-20">
      <div class="mb-4 flex items-center justify-between">
        <span class="text-xl font-bold text-blue-800">{t("app.title")}</span>
        <LanguagePicker />
      </div>
      <div class="card">
        <h1 class="mb-4 text-lg font-semibold">{props.title}</h1>
        {props.children}
      </div>
    </main>
  );
}

function useSignedInRedirect() {
  const navigate = useNavigate();
  createEffect(() => {
    if (user()) navigate("/", { replace: true });
  });
}

/** Sign-in: `Email`, `Password`, `Sign in` (SPEC §11). The session is an httpOnly cookie. */
export function Login() {
  useSignedInRedirect();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const signIn = createAction(async () => {
    const r = await call<{ user: User }>("POST", "/v1/auth/login", { body: { email: email(), password: password() } });
    setUser(r.user);
  });
  return (
    <AuthCard title={t("auth.signInTitle")}>
      <form
        class="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          signIn.run();
        }}
      >
        <div>
          <label class="label" for="email">
            {t("auth.email")}
          </label>
          <input id="email" class="input" type="email" autocomplete="username" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </div>
        <div>
          <label class="label" for="password">
            {t("auth.password")}
          </label>
          <input
            id="password"
            class="input"
            type="password"
            autocomplete="current-password"
            required
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <ActionError action={signIn} />
        <button type="submit" class="btn btn-primary w-full" disabled={signIn.busy()}>
          {t("auth.signIn")}
        </button>
      </form>
      <p class="mt-4 text-sm">
        {t("auth.noAccount")}{" "}
        <A class="text-blue-700 underline" href="/register">
          {t("auth.register")}
        </A>
      </p>
    </AuthCard>
  );
}

export function Register() {
  useSignedInRedirect();
  const [form, setForm] = createSignal({ name: "", company: "", email: "", password: "" });
  const field = (k: keyof ReturnType<typeof form>) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form(), [k]: e.currentTarget.value });
  const register = createAction(async () => {
    const r = await call<{ user: User }>("POST", "/v1/auth/register", { body: form() });
    setUser(r.user);
  });
  return (
    <AuthCard title={t("auth.register")}>
      <form
        class="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          register.run();
        }}
      >
        <div>
          <label class="label" for="r-name">
            {t("auth.name")}
          </label>
          <input id="r-name" class="input" required autocomplete="name" onInput={field("name")} />
        </div>
        <div>
          <label class="label" for="r-company">
            {t("auth.company")}
          </label>
          <input id="r-company" class="input" required autocomplete="organization" onInput={field("company")} />
        </div>
        <div>
          <label class="label" for="r-email">
            {t("auth.email")}
          </label>
          <input id="r-email" class="input" type="email" required autocomplete="username" onInput={field("email")} />
        </div>
        <div>
          <label class="label" for="r-password">
            {t("auth.password")}
          </label>
          <input
            id="r-password"
            class="input"
            type="password"
            required
            minLength={10}
            autocomplete="new-password"
            aria-describedby="r-password-hint"
            onInput={field("password")}
          />
          <p id="r-password-hint" class="mt-1 text-xs text-slate-500">
            {t("auth.passwordHint")}
          </p>
        </div>
        <ActionError action={register} />
        <button type="submit" class="btn btn-primary w-full" disabled={register.busy()}>
          {t("auth.register")}
        </button>
      </form>
      <Show when={true}>
        <p class="mt-4 text-sm">
          {t("auth.haveAccount")}{" "}
          <A class="text-blue-700 underline" href="/login">
            {t("auth.signIn")}
          </A>
        </p>
      </Show>
    </AuthCard>
  );
}
