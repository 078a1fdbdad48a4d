<?php
// The PHP verifier printed in the original article (seed 002), unchanged, with a small
// driver: reads [{body, header, secret}] as JSON on stdin, prints one true/false per case.
function verifyZerofeeWebhook(
    string $payload,
    string $signatureHeader,
    string $secret,
    int $tolerance = 300
): bool {
    // Parse signature header
    $parts = [];
    foreach (explode(',', $signatureHeader) as $part) {
        [$key, $value] = explode('=', $part, 2);
        $parts[$key] = $value;
    }

    $timestamp = (int) ($parts['t'] ?? 0);
    $expectedSig = $parts['v1'] ?? '';

    // Check timestamp
    if (abs(time() - $timestamp) > $tolerance) {
        return false;
    }

    // Compute signature
    $message = "{$timestamp}.{$payload}";
    $computed = hash_hmac('sha256', $message, $secret);

    return hash_equals($computed, $expectedSig);
}

foreach (json_decode(stream_get_contents(STDIN), true) as $case) {
    echo verifyZerofeeWebhook($case['body'], $case['header'], $case['secret']) ? "true\n" : "false\n";
}
