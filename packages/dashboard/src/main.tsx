import { Route, Router } from "@solidjs/router";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import "./styles.css";
import { whenSignedOut } from "./api";
import { t } from "./i18n";
import { Shell } from "./layout";
import { Login, Register } from "./pages/login";
import { checkSession, setUser } from "./state";

// Pages other than sign-in load on demand: the first load stays small (size-limit, 60 KB).
const Overview = lazy(() => import("./pages/overview").then((m) => ({ default: m.Overview })));
const Transactions = lazy(() => import("./pages/transactions").then((m) => ({ default: m.Transactions })));
const Transaction = lazy(() => import("./pages/transaction").then((m) => ({ default: m.Transaction })));
const Refunds = lazy(() => import("./pages/money").then((m) => ({ default: m.Refunds })));
const Settlements = lazy(() => import("./pages/money").then((m) => ({ default: m.Settlements })));
const SettlementPage = lazy(() => import("./pages/money").then((m) => ({ default: m.SettlementPage })));
const Apps = lazy(() => import("./pages/apps").then((m) => ({ default: m.Apps })));
const AppPage = lazy(() => import("./pages/app").then((m) => ({ default: m.AppPage })));
const Settings = lazy(() => import("./pages/settings").then((m) => ({ default: m.Settings })));

whenSignedOut(() => setUser(null));
// The server marks the page when a session cookie came with it (the cookie itself is httpOnly).
if (document.querySelector('meta[name="zerofee-session"]')) void checkSession();
else setUser(null);

const NotFound = () => <p class="card">{t("common.notFound")}</p>;

const root = document.getElementById("root");
if (root) {
  render(
    () => (
      <Router base="/dashboard">
        <Route path="/login" component={Login} />
        <Route path="/register" component={Register} />
        <Route path="/" component={Shell}>
          <Route path="/" component={Overview} />
          <Route path="/transactions" component={Transactions} />
          <Route path="/transactions/:id" component={Transaction} />
          <Route path="/refunds" component={Refunds} />
          <Route path="/settlements" component={Settlements} />
          <Route path="/settlements/:id" component={SettlementPage} />
          <Route path="/apps" component={Apps} />
          <Route path="/apps/:id" component={AppPage} />
          <Route path="/settings" component={Settings} />
          <Route path="*" component={NotFound} />
        </Route>
      </Router>
    ),
    root,
  );
}
