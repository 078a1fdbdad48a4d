export * from "./accounts.js";
export * from "./apps.js";
export * from "./checkout.js";
export * from "./payments.js";
export * from "./platform.js";
export * from "./providers.js";
export * from "./refunds.js";
export * from "./webhooks.js";
