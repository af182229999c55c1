package sandbox

import (
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"empty (media only)", "", 1},
		{"160 GSM-7 characters", strings.Repeat("a", 160), 1},
		{"161 GSM-7 characters", strings.Repeat("a", 161), 2},
		{"306 GSM-7 characters", strings.Repeat("a", 306), 2},
		{"307 GSM-7 characters", strings.Repeat("a", 307), 3},
		{"extension characters take two septets", strings.Repeat("€", 80), 1},
		{"81 extension characters", strings.Repeat("€", 81), 2},
		{"GSM-7 accents stay GSM-7", strings.Repeat("é", 160), 1},
		{"70 UCS-2 characters", strings.Repeat("ç", 70), 1},
		{"71 UCS-2 characters", strings.Repeat("ç", 71), 2},
		{"emoji count as two UTF-16 units", strings.Repeat("👍", 35), 1},
		{"36 emoji", strings.Repeat("👍", 36), 2},
		{"one emoji turns a GSM-7 text to UCS-2", strings.Repeat("a", 70) + "👍", 2},
		{"1,600 characters", strings.Repeat("a", 1600), 11},
	}
	for _, tc := range tests {
		if got := segments(tc.body); got != tc.want {
			t.Errorf("%s: segments = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestIsE164(t *testing.T) {
	for s, want := range map[string]bool{
		"+19705551234": true, "+442071838750": true, "+12": true,
		"19705551234": false, "+0123": false, "+1": false, "+1970555123a": false,
		"+1234567890123456": false, "": false, "+1 970 555 1234": false,
	} {
		if got := isE164(s); got != want {
			t.Errorf("isE164(%q) = %v, want %v", s, got, want)
		}
	}
}
