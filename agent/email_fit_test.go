package agent

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// An email reply has no segment limit: a reply longer than two SMS
// segments stays whole, and only one past EmailMaxChars is cut, at a
// sentence.
func TestFitEmail(t *testing.T) {
	var g Guardrails
	mid := strings.Repeat("Our technicians service furnaces and heat pumps. ", 8) // ~400 chars
	if got := g.fit(mid, ChannelEmail); got != strings.TrimSpace(mid) {
		t.Fatalf("a %d-character email reply was cut to %d", len(mid), len(got))
	}
	if got := g.fit(mid, ChannelSMS); len(got) >= len(strings.TrimSpace(mid)) {
		t.Fatalf("the SMS reply was not cut (%d characters)", len(got))
	}
	long := strings.Repeat("We answer every question within a day. ", 60) // ~2,400 chars
	got := g.fit(long, ChannelEmail)
	if n := utf8.RuneCountInString(got); n > EmailMaxChars || n < EmailMaxChars/2 || !strings.HasSuffix(got, ".") {
		t.Fatalf("long email reply fit to %d characters: %q", n, got)
	}
}
