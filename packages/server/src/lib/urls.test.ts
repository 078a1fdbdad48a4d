import { describe, expect, it } from "vitest";
import { validateMerchantUrl } from "./urls.js";

describe("merchant redirect URLs (SR-3, creation half)", () => {
  const bad = [
    "javascript:alert(1)",
    "//evil.com",
    "/\\evil.com",
    "http:evil.com",
    "https://ok.com/\r\nSet-Cookie:x",
    "https://user:pw@shop.com/",
    "ftp://shop.com",
    "data:text/html,hi",
    " https://shop.com",
  ];
  for (const url of bad) {
    it(`refuses ${JSON.stringify(url)}`, () => {
      expect(() => validateMerchantUrl(url, "success_url", false)).toThrow(/success_url/);
    });
  }
  it("takes http(s) in test mode, loopback included, and only https in live", () => {
    expect(validateMerchantUrl("http://127.0.0.1:3000/ok", "success_url", false)).toBe("http://127.0.0.1:3000/ok");
    expect(validateMerchantUrl("https://shop.example/ok?x=1", "success_url", true)).toBe("https://shop.example/ok?x=1");
    expect(() => validateMerchantUrl("http://shop.example/ok", "success_url", true)).toThrow(/https/);
  });
});
