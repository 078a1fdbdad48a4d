// The Node.js verifier printed in the original article (seed 002), unchanged, with a small
// driver: reads [{body, header, secret}] as JSON on stdin, prints one true/false per case.
const crypto = require("crypto");

function verifyZerofeeWebhook(payload, signatureHeader, secret, tolerance = 300) {
  // Parse signature header
  const parts = Object.fromEntries(
    signatureHeader.split(",").map((p) => p.split("=", 2))
  );
  const timestamp = parseInt(parts.t, 10);
  const expectedSig = parts.v1;

  // Check timestamp
  if (Math.abs(Date.now() / 1000 - timestamp) > tolerance) {
    return false;
  }

  // Compute signature
  const message = `${timestamp}.${payload}`;
  const computed = crypto
    .createHmac("sha256", secret)
    .update(message)
    .digest("hex");

  return crypto.timingSafeEqual(
    Buffer.from(computed),
    Buffer.from(expectedSig)
  );
}

let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  for (const c of JSON.parse(input)) {
    let ok = false;
    try {
      ok = verifyZerofeeWebhook(c.body, c.header, c.secret);
    } catch {
      ok = false; // timingSafeEqual throws on a length mismatch
    }
    console.log(ok ? "true" : "false");
  }
});
