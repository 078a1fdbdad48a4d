# The Python verifier printed in the original article (seed 002), unchanged, with a small
# driver: reads [{body, header, secret}] as JSON on stdin, prints one true/false per case.
import hmac
import hashlib
import json
import time
import sys

def verify_zerofee_webhook(
    payload: bytes,
    signature_header: str,
    secret: str,
    tolerance: int = 300,  # 5 minutes
) -> bool:
    """Verify a 0fee.dev webhook signature."""
    # Parse signature header: t=timestamp,v1=signature
    parts = dict(
        part.split("=", 1) for part in signature_header.split(",")
    )
    timestamp = int(parts.get("t", "0"))
    expected_sig = parts.get("v1", "")

    # Check timestamp tolerance (prevent replay attacks)
    if abs(time.time() - timestamp) > tolerance:
        return False

    # Compute expected signature
    message = f"{timestamp}.{payload.decode('utf-8')}"
    computed = hmac.new(
        secret.encode("utf-8"),
        message.encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()

    return hmac.compare_digest(computed, expected_sig)

for case in json.load(sys.stdin):
    print("true" if verify_zerofee_webhook(case["body"].encode("utf-8"), case["header"], case["secret"]) else "false")
