// The Go verifier printed in the original article (seed 002), unchanged, with a small
// driver: reads [{body, header, secret}] as JSON on stdin, prints one true/false per case.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

func VerifyZerofeeWebhook(payload []byte, signatureHeader, secret string, tolerance int64) bool {
	parts := make(map[string]string)
	for _, part := range strings.Split(signatureHeader, ",") {
		kv := strings.SplitN(part, "=", 2)
		if len(kv) == 2 {
			parts[kv[0]] = kv[1]
		}
	}

	timestamp, _ := strconv.ParseInt(parts["t"], 10, 64)
	expectedSig := parts["v1"]

	// Check timestamp
	if math.Abs(float64(time.Now().Unix()-timestamp)) > float64(tolerance) {
		return false
	}

	// Compute signature
	message := fmt.Sprintf("%d.%s", timestamp, string(payload))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	computed := hex.EncodeToString(mac.Sum(nil))

	return hmac.Equal([]byte(computed), []byte(expectedSig))
}

type testCase struct {
	Body   string `json:"body"`
	Header string `json:"header"`
	Secret string `json:"secret"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	for _, c := range cases {
		fmt.Println(VerifyZerofeeWebhook([]byte(c.Body), c.Header, c.Secret, 300))
	}
}
