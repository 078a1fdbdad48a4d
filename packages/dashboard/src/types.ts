/** The API objects the dashboard shows (SPEC §4, §7, §10), as far as it reads them. */
export interface User {
  id: string;
  email: string;
  name: string;
  company: string;
  account_id: string;
  created_at: string;
}
export interface App {
  id: string;
  name: string;
  created_at: string;
}
export interface TimelineEntry {
  status: string;
  source: string;
  at: string;
}
export interface Attempt {
  id: string;
  provider: string;
  status: string;
  provider_payment_id: string;
  provider_reference: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
}
export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  provider: string | null;
  failure_message: string | null;
  created_at: string;
}
export interface Payment {
  id: string;
  amount: number;
  currency: string;
  status: string;
  payment_method: string;
  country: string | null;
  provider: string | null;
  provider_reference: string | null;
  customer: { phone?: string; name?: string; email?: string };
  reference: string | null;
  description: string | null;
  fee_amount: number | null;
  net_amount: number | null;
  amount_refunded?: number;
  failure_message: string | null;
  created_at: string;
  completed_at: string | null;
  timeline: TimelineEntry[];
  attempts?: Attempt[];
  refunds?: Refund[];
}
export interface ZfEvent {
  id: string;
  type: string;
  created_at: string;
  delivery: { status: string; attempts: number; next_attempt_at: string | null; delivered_at: string | null; last_error: string | null };
}
export interface Delivery {
  id: string;
  attempt: number;
  url: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string;
}
export interface Settlement {
  id: string;
  currency: string;
  period_start: string;
  period_end: string;
  count: number;
  gross_amount: number;
  fee_amount: number;
  refunded_amount: number;
  net_amount: number;
  status: string;
  created_at: string;
}
export interface Counters {
  count: number;
  completed_count: number;
  failed_count: number;
  /** null while nothing in the range has ended. */
  success_rate: number | null;
  volume: number;
  fee_amount: number;
  refunded_amount: number;
  net_amount: number;
}
export interface Stats {
  currency: string;
  currencies?: string[];
  from: string;
  to: string;
  totals: Counters;
  by_day: Array<{ date: string; count: number; completed_count: number; volume: number }>;
}
export interface ApiKey {
  id: string;
  type: "secret" | "publishable";
  mode: "test" | "live";
  display: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  key?: string;
}
export interface ProviderConfig {
  provider: string;
  display_name: string;
  enabled: boolean;
  priority: number;
  configured: boolean;
  credentials: Array<{ name: string; description: string; secret: boolean; required: boolean; set: boolean; hint: string | null }>;
  webhook_url: string;
}
export interface Endpoint {
  mode: "test" | "live";
  url: string;
  events: string[] | null;
  active: boolean;
  disabled_at: string | null;
  disabled_reason: string | null;
  secret?: string;
}
