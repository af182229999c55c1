package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/leadforms"
	"github.com/leadagent/leadagent/turn"
)

// Sandbox credentials: used when no Twilio account is configured, so that
// make run, the simulator and tests all talk to the built-in fake Twilio.
const (
	sandboxAccountSID = "AC00000000000000000000000000sandbox"
	sandboxAuthToken  = "5a4db0c0ffee5a4db0c0ffee5a4db0c0"
	sandboxFromNumber = "+15005550006"
)

// Config is the environment, read once at start. Secrets are kept in
// secret-typed fields that print as "[redacted]".
type Config struct {
	DatabaseURL string
	ListenAddr  string
	PublicURL   string

	TwilioAccountSID          string
	TwilioAuthToken           secret
	TwilioFromNumber          string
	TwilioMessagingServiceSID string
	TwilioAPIBase             string
	// Sandbox is true when no Twilio account is configured: the server then
	// mounts the fake Twilio REST API under /sandbox and sends to it.
	Sandbox bool
	// SandboxMailURL is where the demo's emails can be read (MailDev's web
	// inbox when make run starts it; SANDBOX_MAIL_URL); the Sandbox page
	// links it.
	SandboxMailURL string

	LLMProvider       string
	OpenAIAPIKey      secret
	OpenAIBaseURL     string
	LLMModel          string
	EmbeddingProvider string
	EmbeddingModel    string

	BusinessName        string
	BusinessPhone       string
	BusinessServiceArea string
	BusinessTone        string
	EscalationPolicy    string
	BusinessTimezone    string
	BusinessHours       string
	// Hours is BusinessHours in BusinessTimezone, parsed.
	Hours         hours.Schedule
	DefaultRegion string

	APIKeys []secret
	// MetricsToken is the bearer token GET /metrics asks for
	// (METRICS_TOKEN); empty leaves /metrics open, as for a Prometheus
	// that scrapes over a private network.
	MetricsToken secret

	// ReplyDebounce is how long the agent waits for more fragments of a
	// lead's message before it answers.
	ReplyDebounce time.Duration

	// FirstTouchInWindow holds the first text to a form lead to the
	// lead's contact window, as follow-ups are (FIRST_TOUCH_IN_WINDOW);
	// false sends it at once, since the lead asked to be contacted.
	FirstTouchInWindow bool

	// OptOutConfirmations says who confirms STOP, START and HELP to a
	// lead (SMS_OPT_OUT_CONFIRMATIONS): "twilio", the number's default
	// opt-out handling, or "self", the product, for numbers where
	// Twilio's handling is off.
	OptOutConfirmations turn.Confirmations

	// SMSRate is how many SMS segments a second the sending number sends
	// at most (Twilio's rate for the number), counted across every worker
	// process in PostgreSQL; 0 sends as fast as Twilio answers.
	SMSRate float64

	// DatabaseWebConns and DatabaseWorkerConns size the two pools a
	// process opens: one for webhooks, the API and the console, one for
	// River and the jobs, so an acknowledgement to Twilio never waits for
	// a connection the jobs hold. The jobs' share is small on purpose:
	// past it they wait in River, and the database keeps its time for the
	// acknowledgements.
	DatabaseWebConns    int
	DatabaseWorkerConns int

	// EvalSuites is the folder whose *.yaml eval suites the console offers
	// to run (EVAL_SUITES, default evals/suites, relative to the working
	// directory of every process that serves or works jobs).
	EvalSuites string
	// JudgeModel grades eval suites' grounded and judge checks on
	// OPENAI_BASE_URL (JUDGE_MODEL); "" runs without a judge.
	JudgeModel string

	// Voice: how <Say> speaks and <Gather> listens, how long a spoken turn
	// may take before the caller hears a filler, and the recognizer
	// confidence below which the caller is asked again.
	VoiceName          string
	VoiceLanguage      string
	VoiceTurnBudget    time.Duration
	VoiceMinConfidence float64
	// VoiceMode is how a call listens (VOICE_MODE): "gather", a webhook a
	// turn, or "relay", Twilio ConversationRelay over a WebSocket with the
	// answer streamed as the model writes it.
	VoiceMode string

	// Ad platforms' lead webhooks (see leadforms.go): the Google Ads lead
	// forms' keys, and Facebook Lead Ads' secrets and Graph API.
	GoogleAdsForms             leadforms.GoogleForms
	FacebookVerifyToken        secret
	FacebookAppSecret          secret
	FacebookPageToken          secret
	FacebookGraphBase          string
	FacebookGraphVersion       string
	FacebookSMSConsentCheckbox string

	// HubSpot sync (see hubspot.go): on when HUBSPOT_TOKEN is set.
	HubSpot hubspotConfig

	// Email (see email.go): SMTP_URL, EMAIL_FROM, BUSINESS_POSTAL_ADDRESS,
	// INBOUND_EMAIL_SECRET, SMTP_LISTEN_ADDR.
	Email emailConfig
}

// secret is a string that never prints.
type secret string

func (s secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString keeps %#v from printing the value either.
func (s secret) GoString() string { return s.String() }

// Reveal returns the value, for the one place that needs it.
func (s secret) Reveal() string { return string(s) }

// LoadConfig reads the environment through getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	// Without a name of its own the business is the demo one, and its
	// hours are the demo's; a business that names itself starts from
	// neutral hours until it sets its own.
	defaultTimezone, defaultHours := "UTC", "Mon-Fri 09:00-17:00"
	if get("BUSINESS_NAME", "") == "" {
		defaultTimezone, defaultHours = demoTimezone, demoHours
	}
	c := Config{
		DatabaseURL:               get("DATABASE_URL", ""),
		ListenAddr:                get("LISTEN_ADDR", ":8080"),
		PublicURL:                 strings.TrimRight(get("PUBLIC_URL", ""), "/"),
		TwilioAccountSID:          get("TWILIO_ACCOUNT_SID", ""),
		TwilioAuthToken:           secret(get("TWILIO_AUTH_TOKEN", "")),
		TwilioFromNumber:          get("TWILIO_FROM_NUMBER", ""),
		TwilioMessagingServiceSID: get("TWILIO_MESSAGING_SERVICE_SID", ""),
		TwilioAPIBase:             strings.TrimRight(get("TWILIO_API_BASE", ""), "/"),
		SandboxMailURL:            get("SANDBOX_MAIL_URL", ""),
		OpenAIAPIKey:              secret(get("OPENAI_API_KEY", "")),
		OpenAIBaseURL:             get("OPENAI_BASE_URL", ""),
		LLMModel:                  get("LLM_MODEL", "gpt-4o-mini"),
		EmbeddingModel:            get("EMBEDDING_MODEL", "text-embedding-3-small"),
		BusinessName:              get("BUSINESS_NAME", demoName),
		BusinessPhone:             get("BUSINESS_PHONE", demoPhone),
		BusinessServiceArea:       get("BUSINESS_SERVICE_AREA", ""),
		BusinessTone:              get("BUSINESS_TONE", ""),
		EscalationPolicy:          get("ESCALATION_POLICY", ""),
		BusinessTimezone:          get("BUSINESS_TIMEZONE", defaultTimezone),
		BusinessHours:             get("BUSINESS_HOURS", defaultHours),
		DefaultRegion:             strings.ToUpper(get("DEFAULT_REGION", "US")),
		EvalSuites:                get("EVAL_SUITES", "evals/suites"),
		JudgeModel:                get("JUDGE_MODEL", ""),
	}
	if c.TwilioAccountSID == "" {
		if c.TwilioAuthToken != "" {
			return c, fmt.Errorf("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not")
		}
		c.Sandbox = true
		c.TwilioAccountSID = sandboxAccountSID
		c.TwilioAuthToken = sandboxAuthToken
		if c.TwilioFromNumber == "" && c.TwilioMessagingServiceSID == "" {
			c.TwilioFromNumber = sandboxFromNumber
		}
	} else if c.TwilioAuthToken == "" {
		return c, fmt.Errorf("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not")
	}
	if c.TwilioFromNumber == "" && c.TwilioMessagingServiceSID == "" {
		return c, fmt.Errorf("set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID to send SMS")
	}
	if c.TwilioAPIBase == "" && !c.Sandbox {
		c.TwilioAPIBase = "https://api.twilio.com"
	}
	if c.TwilioAPIBase != "" {
		if u, err := url.Parse(c.TwilioAPIBase); err != nil || u.Scheme == "" || u.Host == "" {
			return c, fmt.Errorf("TWILIO_API_BASE %q is not an absolute URL", c.TwilioAPIBase)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || u.Scheme == "" || u.Host == "" {
			return c, fmt.Errorf("PUBLIC_URL %q is not an absolute URL", c.PublicURL)
		}
	}
	if c.SandboxMailURL != "" {
		if u, err := url.Parse(c.SandboxMailURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("SANDBOX_MAIL_URL %q is not an http(s) URL", c.SandboxMailURL)
		}
	}

	c.LLMProvider = get("LLM_PROVIDER", "")
	if c.LLMProvider == "" {
		c.LLMProvider = "offline"
		if c.OpenAIAPIKey != "" {
			c.LLMProvider = "openai"
		}
	}
	if c.LLMProvider != "openai" && c.LLMProvider != "offline" {
		return c, fmt.Errorf("LLM_PROVIDER %q: want openai or offline", c.LLMProvider)
	}
	c.EmbeddingProvider = get("EMBEDDING_PROVIDER", "")
	if c.EmbeddingProvider == "" {
		c.EmbeddingProvider = "local"
		if c.LLMProvider == "openai" && c.OpenAIAPIKey != "" {
			c.EmbeddingProvider = "openai"
		}
	}
	if c.EmbeddingProvider != "openai" && c.EmbeddingProvider != "local" {
		return c, fmt.Errorf("EMBEDDING_PROVIDER %q: want openai or local", c.EmbeddingProvider)
	}
	if c.EmbeddingProvider == "openai" && c.OpenAIAPIKey == "" {
		return c, fmt.Errorf("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY")
	}
	sched, err := hours.Parse(c.BusinessHours, c.BusinessTimezone)
	if err != nil {
		return c, fmt.Errorf("BUSINESS_HOURS %q in BUSINESS_TIMEZONE %q: %w", c.BusinessHours, c.BusinessTimezone, err)
	}
	c.Hours = sched
	debounce, err := time.ParseDuration(get("REPLY_DEBOUNCE", "2s"))
	if err != nil || debounce < 0 || debounce > time.Minute {
		return c, fmt.Errorf("REPLY_DEBOUNCE %q: want a duration from 0s to 1m, e.g. 2s", get("REPLY_DEBOUNCE", ""))
	}
	c.ReplyDebounce = debounce
	inWindow, err := strconv.ParseBool(get("FIRST_TOUCH_IN_WINDOW", "false"))
	if err != nil {
		return c, fmt.Errorf("FIRST_TOUCH_IN_WINDOW %q: want true or false", get("FIRST_TOUCH_IN_WINDOW", ""))
	}
	c.FirstTouchInWindow = inWindow
	defRate := "1" // a US long code
	if c.Sandbox || c.TwilioMessagingServiceSID != "" {
		defRate = "0" // the sandbox has no limit; a Messaging Service queues at Twilio
	}
	smsRate, err := strconv.ParseFloat(get("SMS_RATE", defRate), 64)
	if err != nil || smsRate < 0 || smsRate > 1000 {
		return c, fmt.Errorf("SMS_RATE %q: want segments per second from 0 (no limit) to 1000", get("SMS_RATE", ""))
	}
	c.SMSRate = smsRate
	if c.OptOutConfirmations, err = turn.ParseConfirmations(get("SMS_OPT_OUT_CONFIRMATIONS", "twilio")); err != nil {
		return c, fmt.Errorf("SMS_OPT_OUT_CONFIRMATIONS %q: want twilio (Twilio's default opt-out handling answers STOP, START and HELP) or self (the product does)",
			get("SMS_OPT_OUT_CONFIRMATIONS", ""))
	}
	for _, p := range []struct {
		key, def string
		dest     *int
	}{{"DATABASE_WEB_CONNS", "10", &c.DatabaseWebConns}, {"DATABASE_WORKER_CONNS", "4", &c.DatabaseWorkerConns}} {
		n, err := strconv.Atoi(get(p.key, p.def))
		if err != nil || n < 2 || n > 500 {
			return c, fmt.Errorf("%s %q: want a number of connections from 2 to 500", p.key, get(p.key, ""))
		}
		*p.dest = n
	}
	c.VoiceName = get("VOICE_NAME", "Polly.Joanna")
	c.VoiceLanguage = get("VOICE_LANGUAGE", "en-US")
	budget, err := time.ParseDuration(get("VOICE_TURN_BUDGET", "4s"))
	if err != nil || budget < 500*time.Millisecond || budget > 14*time.Second {
		// Twilio waits 15 s for a webhook.
		return c, fmt.Errorf("VOICE_TURN_BUDGET %q: want a duration from 500ms to 14s, e.g. 4s", get("VOICE_TURN_BUDGET", ""))
	}
	c.VoiceTurnBudget = budget
	conf, err := strconv.ParseFloat(get("VOICE_MIN_CONFIDENCE", "0.5"), 64)
	if err != nil || conf < 0 || conf > 1 {
		return c, fmt.Errorf("VOICE_MIN_CONFIDENCE %q: want a number from 0 to 1", get("VOICE_MIN_CONFIDENCE", ""))
	}
	c.VoiceMinConfidence = conf
	switch c.VoiceMode = strings.ToLower(get("VOICE_MODE", "gather")); c.VoiceMode {
	case "gather", "relay":
	default:
		return c, fmt.Errorf("VOICE_MODE %q: want gather or relay", get("VOICE_MODE", ""))
	}
	c.MetricsToken = secret(get("METRICS_TOKEN", ""))
	for _, k := range strings.Split(getenv("API_KEYS"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.APIKeys = append(c.APIKeys, secret(k))
		}
	}
	if err := loadLeadForms(get, &c); err != nil {
		return c, err
	}
	if err := loadHubSpot(get, &c); err != nil {
		return c, err
	}
	if err := loadEmail(get, &c); err != nil {
		return c, err
	}
	return c, nil
}
