/** The SDK's version, sent in the `User-Agent` (a test checks it equals package.json's). */
export const VERSION = "0.1.0";
