package agent

import (
	"context"
	"testing"
)

// TestSafetyInstruction: the knowledge's own instruction for the danger
// the caller named, or none when the knowledge has none for it.
func TestSafetyInstruction(t *testing.T) {
	t.Parallel()
	kb := loadDemoKB(t, byParagraph)
	tests := []struct {
		said, want string
	}{
		{"I smell gas in my basement", "If you smell gas, leave the house right away and call 911 or your gas utility from outside, then call us."},
		{"my outlet is buzzing and smells like burning",
			"If an outlet or the panel is hot, buzzing or smells like burning, turn off the breaker if you can do so safely and call our emergency line at (970) 555-0100."},
		{"My garage is on fire and the fire department is on the way", ""},
		{"I'm going to sue you", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := SafetyInstruction(context.Background(), kb, tt.said)
		if err != nil {
			t.Fatalf("%q: %v", tt.said, err)
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.said, got, tt.want)
		}
	}
	if got, err := SafetyInstruction(context.Background(), nil, "I smell gas"); got != "" || err != nil {
		t.Errorf("no knowledge: %q %v", got, err)
	}
}
