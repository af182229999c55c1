package agent

import (
	"context"
	"os"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestGuardrailsPassTheOfflineAnswers: the offline responder quotes the
// knowledge, so the guardrails must pass what it says untouched. Every
// lead of the demo eval suite is answered over the demo knowledge, and no
// rule may change a reply.
func TestGuardrailsPassTheOfflineAnswers(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../evals/suites/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Cases []struct {
			ID      string `yaml:"id"`
			Lead    string `yaml:"lead"`
			History []struct {
				From string `yaml:"from"`
				Text string `yaml:"text"`
			} `yaml:"history"`
		} `yaml:"cases"`
	}
	if err := yaml.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Cases) < 50 {
		t.Fatalf("the demo suite has %d cases", len(suite.Cases))
	}
	kb := loadDemoKB(t, byParagraph)
	responder := WithGuardrails(NewOffline(RecordEvidence(kb), llmBusiness), Guardrails{Business: llmBusiness})
	for _, c := range suite.Cases {
		in := TurnInput{Channel: ChannelSMS, Text: c.Lead}
		for _, h := range c.History {
			in.History = append(in.History, Message{From: h.From, Text: h.Text})
		}
		r, err := responder.Turn(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		for _, g := range r.Guardrails {
			if g != GuardAIIdentity && g != GuardAIDisclosure {
				t.Errorf("%s: %s changed the offline answer to %q", c.ID, g, r.Text)
			}
		}
	}
}
