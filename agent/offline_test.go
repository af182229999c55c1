package agent

import "testing"

// lead and ai build a conversation history.
func lead(text string) Message { return Message{From: FromLead, Text: text} }
func ai(text string) Message   { return Message{From: FromAI, Text: text} }

func TestTypo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"chnge", "change", true}, {"recieve", "receive", true}, {"warrenty", "warranty", true},
		{"roofs", "roof", true}, {"gutter", "butter", false}, {"install", "insulate", false}} {
		if got := typo(tc.a, tc.b); got != tc.want {
			t.Errorf("typo(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
