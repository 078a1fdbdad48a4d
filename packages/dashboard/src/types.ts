/**
 * The API objects the dashboard shows (SPEC §4, §7, §10), exactly as the server's OpenAPI
 * document describes them: `packages/sdk/src/generated/openapi.ts` is generated from the
 * route schemas (and checked against them by the SDK's tests), so a field the API renames or
 * drops fails the dashboard's typecheck instead of rendering blank. Type-only: nothing of the
 * SDK reaches the bundle.
 */
import type { components } from "../../sdk/src/generated/openapi";

type Schemas = components["schemas"];

export type User = Schemas["User"];
export type App = Schemas["App"];
export type Payment = Schemas["Payment"];
export type Refund = Schemas["Refund"];
export type ZfEvent = Schemas["Event"];
export type Delivery = Schemas["WebhookDelivery"];
export type Settlement = Schemas["Settlement"];
/** A refund a settlement deducted, with its payment's `payment_reference` and `payment_method`. */
export type SettlementRefund = Schemas["SettlementRefund"];
export type Stats = Schemas["Stats"];
export type ApiKey = Schemas["ApiKey"];
export type ProviderConfig = Schemas["ProviderConfig"];
export type Endpoint = Schemas["WebhookEndpoint"];
