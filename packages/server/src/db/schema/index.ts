export * from "./accounts.js";
export * from "./apps.js";
export * from "./payments.js";
export * from "./platform.js";
export * from "./webhooks.js";
