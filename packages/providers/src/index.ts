export * from "./contract.js";
export * from "./registry.js";
export { outcomeForPhone, SANDBOX_OTP, MAX_OTP_ATTEMPTS } from "./sandbox/test-numbers.js";
export { signPayload, verifySignature } from "./sandbox/signature.js";
