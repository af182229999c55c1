package main

import (
	"context"
	"testing"
	"time"

	"github.com/leadagent/leadagent/channels/sandbox"
)

// TestServeAnswersStopAsTwilio: with the sandbox standing in for Twilio
// and the default setting (Twilio's default opt-out handling), a lead who
// texts STOP gets Twilio's own confirmation, and nothing from the product.
func TestServeAnswersStopAsTwilio(t *testing.T) {
	t.Setenv("SMS_OPT_OUT_CONFIRMATIONS", "")
	base := startProduct(t, map[string]string{"REPLY_DEBOUNCE": "0s"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const phone = "+19705553101"
	lead := sandbox.Lead{ServerURL: base, AuthToken: sandboxAuthToken, AccountSID: sandboxAccountSID, From: phone, To: sandboxFromNumber}
	if _, err := lead.Text(ctx, "STOP"); err != nil {
		t.Fatal(err)
	}
	if got := waitReply(t, base, phone); got != sandbox.OptOutReply {
		t.Fatalf("STOP answered %q, want Twilio's %q", got, sandbox.OptOutReply)
	}
}
