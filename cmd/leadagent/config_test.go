package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/turn"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(Config) string
	}{
		{"defaults are the sandbox and the offline model", map[string]string{}, "", func(c Config) string {
			if !c.Sandbox || c.LLMProvider != "offline" || c.EmbeddingProvider != "local" || c.ListenAddr != ":8080" || c.TwilioFromNumber == "" {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}},
		{"a key picks openai", map[string]string{"OPENAI_API_KEY": "sk-x"}, "", func(c Config) string {
			if c.LLMProvider != "openai" || c.EmbeddingProvider != "openai" {
				return c.LLMProvider + "/" + c.EmbeddingProvider
			}
			return ""
		}},
		{"real twilio", map[string]string{"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM_NUMBER": "+19705550100"}, "", func(c Config) string {
			if c.Sandbox || c.TwilioAPIBase != "https://api.twilio.com" {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}},
		{"api keys", map[string]string{"API_KEYS": " a, b ,,"}, "", func(c Config) string {
			if len(c.APIKeys) != 2 || c.APIKeys[1].Reveal() != "b" {
				return fmt.Sprint(len(c.APIKeys))
			}
			return ""
		}},
		{"metrics token", map[string]string{"METRICS_TOKEN": " m-token "}, "", func(c Config) string {
			if c.MetricsToken.Reveal() != "m-token" {
				return c.MetricsToken.Reveal()
			}
			return ""
		}},
		{"no metrics token: open", map[string]string{}, "", func(c Config) string {
			return c.MetricsToken.Reveal()
		}},
		{"token without sid", map[string]string{"TWILIO_AUTH_TOKEN": "t"}, "TWILIO_ACCOUNT_SID", nil},
		{"sid without token", map[string]string{"TWILIO_ACCOUNT_SID": "AC1"}, "TWILIO_AUTH_TOKEN", nil},
		{"no sender", map[string]string{"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}, "TWILIO_FROM_NUMBER", nil},
		{"bad provider", map[string]string{"LLM_PROVIDER": "magic"}, "LLM_PROVIDER", nil},
		{"bad debounce", map[string]string{"REPLY_DEBOUNCE": "soon"}, "REPLY_DEBOUNCE", nil},
		{"Twilio confirms STOP, START and HELP by default", map[string]string{}, "", func(c Config) string {
			if c.OptOutConfirmations != turn.ConfirmByTwilio {
				return string(c.OptOutConfirmations)
			}
			return ""
		}},
		{"the product confirms them", map[string]string{"SMS_OPT_OUT_CONFIRMATIONS": "Self"}, "", func(c Config) string {
			if c.OptOutConfirmations != turn.ConfirmBySelf {
				return string(c.OptOutConfirmations)
			}
			return ""
		}},
		{"bad confirmations setting", map[string]string{"SMS_OPT_OUT_CONFIRMATIONS": "carrier"}, "SMS_OPT_OUT_CONFIRMATIONS", nil},
		{"the first touch goes at once by default", map[string]string{}, "", func(c Config) string {
			if c.FirstTouchInWindow {
				return "held to the window"
			}
			return ""
		}},
		{"the first touch held to the window", map[string]string{"FIRST_TOUCH_IN_WINDOW": "true"}, "", func(c Config) string {
			if !c.FirstTouchInWindow {
				return "sent at once"
			}
			return ""
		}},
		{"bad first touch setting", map[string]string{"FIRST_TOUCH_IN_WINDOW": "sometimes"}, "FIRST_TOUCH_IN_WINDOW", nil},
		{"bad api base", map[string]string{"TWILIO_API_BASE": "nope"}, "TWILIO_API_BASE", nil},
		{"bad sandbox mail url", map[string]string{"SANDBOX_MAIL_URL": "javascript:alert(1)"}, "SANDBOX_MAIL_URL", nil},
		{"sandbox mail url", map[string]string{"SANDBOX_MAIL_URL": "http://127.0.0.1:1080"}, "", func(c Config) string {
			if c.SandboxMailURL != "http://127.0.0.1:1080" {
				return "SandboxMailURL " + c.SandboxMailURL
			}
			return ""
		}},
		{"openai embeddings need a key", map[string]string{"EMBEDDING_PROVIDER": "openai"}, "OPENAI_API_KEY", nil},
	}
	for _, tt := range tests {
		c, err := LoadConfig(envOf(tt.env))
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.check != nil:
			if msg := tt.check(c); msg != "" {
				t.Errorf("%s: %s", tt.name, msg)
			}
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(envOf(map[string]string{"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok-very-secret",
		"TWILIO_FROM_NUMBER": "+19705550100", "OPENAI_API_KEY": "sk-very-secret", "API_KEYS": "key-very-secret",
		"METRICS_TOKEN": "metrics-very-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, c); strings.Contains(s, "very-secret") {
			t.Errorf("%s prints a secret: %s", format, s)
		}
	}
}

// TestRespondWorkers: the offline agent's replies leave the web a core;
// a model's take the inbox's default.
func TestRespondWorkers(t *testing.T) {
	cores := runtime.GOMAXPROCS(0)
	if got := respondWorkers(Config{LLMProvider: "offline"}); got < 1 || cores > 1 && got != cores-1 {
		t.Errorf("offline: %d reply workers on %d cores, want every core but one, at least one", got, cores)
	}
	if got := respondWorkers(Config{LLMProvider: "openai"}); got != 0 {
		t.Errorf("openai: %d reply workers, want 0 (the inbox's default)", got)
	}
}
