package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// The signing script agrees with twilio-go's validator on the sandbox's
// token, for parameters whose names sort differently by whole line than
// by name, and values with spaces, "=" and newlines.
func TestTwilioSignScriptMatchesTwilioGo(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	const url = "http://127.0.0.1:8080/twilio/sms?x=1"
	params := map[string]string{
		"Body": "Do you fix furnaces? a=b\nsecond line", "From": "+19705550123", "To": "+15005550006",
		"MediaUrl0": "https://example.com/a.jpg", "Media": "x", "AccountSid": sandboxAccountSID,
	}
	args := []string{url}
	for k, v := range params {
		args = append(args, k+"="+v)
	}
	cmd := exec.Command("../../scripts/twilio-sign.sh", args...)
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("twilio-sign.sh: %v", err)
	}
	sig := strings.TrimSpace(string(out))
	rv := client.NewRequestValidator(sandboxAuthToken)
	if !rv.Validate(url, params, sig) {
		t.Fatalf("twilio-go rejects the script's signature %q", sig)
	}
}

// TestReadmeSignedWebhooks runs the README's "Webhooks by hand" block, as
// written but for the server's address, against the product as make run
// starts it: the call is answered with TwiML, not 403, and the text gets
// a reply at the sandbox.
func TestReadmeSignedWebhooks(t *testing.T) {
	for _, tool := range []string{"openssl", "curl", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "#### Webhooks by hand")
	_, block, ok2 := strings.Cut(section, "```sh\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 || !strings.Contains(block, "http://127.0.0.1:8080/twilio/voice") {
		t.Fatal(`README.md has no "#### Webhooks by hand" sh block signing /twilio/voice`)
	}
	base := startProduct(t, nil)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", strings.ReplaceAll(block, "http://127.0.0.1:8080", base))
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "TWILIO_AUTH_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README block: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "<Response>") || strings.Contains(string(out), "403") {
		t.Fatalf("the signed call was not answered with TwiML:\n%s", out)
	}
	if reply := waitReply(t, base, "+19705550123"); reply == "" {
		t.Fatal("no reply to the signed text")
	}
}
