export * from "./contract.js";
export * from "./registry.js";
export { signPayload, verifySignature } from "./sandbox/signature.js";
export { MAX_OTP_ATTEMPTS, outcomeForPhone, SANDBOX_OTP } from "./sandbox/test-numbers.js";
export { encodeSimResponse, handleSafely, inProcessTransport, type Transport } from "./sandbox/transport.js";
