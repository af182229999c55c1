package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hubspot"
	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/inbox/budget"
	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/reports"
	"github.com/leadagent/leadagent/turn"
	"github.com/leadagent/leadagent/web"
	"github.com/leadagent/leadagent/webhooks"
)

// app is the wired product: everything serve and worker run.
type app struct {
	cfg Config
	// db serves requests; workerDB (nil in a web-only process) the jobs.
	db       *pgxpool.Pool
	workerDB *pgxpool.Pool
	inbox    *inbox.Inbox
	// hooks delivers webhooks out; its Run dispatches the outbox where
	// jobs are worked.
	hooks *webhooks.Webhooks
	// hubspot syncs the outbox's public events to HubSpot; nil without
	// HUBSPOT_TOKEN.
	hubspot *hubspot.Sink
	sandbox *sandbox.Server // nil with a real Twilio account
	handler http.Handler
	// live streams conversation changes to the consoles this process serves.
	live   *web.Live
	logger *slog.Logger
}

// speechHints returns the business's vocabulary for the speech
// recognizer, read from the knowledge once a minute at most.
func speechHints(ctx context.Context, kb *knowledge.Base, logger *slog.Logger) func() string {
	var mu sync.Mutex
	var hints string
	var read time.Time
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(read) < time.Minute {
			return hints
		}
		read = time.Now()
		words, err := kb.Vocabulary(ctx, "", 100)
		if err != nil {
			logger.Warn("speech hints", "err", err)
			return hints
		}
		hints = strings.Join(words, ", ")
		return hints
	}
}

// newDesk is the handoff desk the configuration describes: business hours,
// the business's name, and links in reps' texts to PUBLIC_URL, else this
// machine's address.
func newDesk(cfg Config) *handoff.Desk {
	consoleURL := cfg.PublicURL
	if consoleURL == "" {
		consoleURL = loopbackURL(cfg.ListenAddr)
	}
	return handoff.NewDesk(handoff.DeskConfig{Hours: cfg.Hours, BusinessName: cfg.BusinessName, BusinessPhone: cfg.BusinessPhone,
		ConsoleURL: consoleURL, Admins: adminReps})
}

// adminReps are the reps admin logins act as, for the SLA's last step.
func adminReps(ctx context.Context, db crm.DB) ([]crm.Rep, error) {
	ids, err := auth.AdminRepIDs(ctx, db)
	if err != nil {
		return nil, err
	}
	reps := make([]crm.Rep, 0, len(ids))
	for _, id := range ids {
		r, err := crm.GetRep(ctx, db, id)
		if err != nil {
			return nil, err
		}
		if r.Active {
			reps = append(reps, r)
		}
	}
	return reps, nil
}

// retriever adapts the knowledge base to what the agent asks of it.
// retriever is the agent's view of the business's knowledge: search, and
// word counts for weighing a lead's words.
func retriever(kb *knowledge.Base) knowledge.NamespaceRetriever {
	return knowledge.NamespaceRetriever{Base: kb, Namespace: knowledge.DefaultNamespace}
}

func newLogger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// loopbackURL is the server's own base URL as seen from this machine.
func loopbackURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// buildApp wires the product from cfg. db serves requests; workerDB, the
// River jobs, which this process works unless it is nil.
func buildApp(ctx context.Context, cfg Config, db, workerDB *pgxpool.Pool, logger *slog.Logger) (*app, error) {
	workers := workerDB != nil
	a := &app{cfg: cfg, db: db, workerDB: workerDB, logger: logger, live: web.NewLive(db, logger)}
	kb, err := newKnowledgeBase(cfg, db)
	if err != nil {
		return nil, err
	}
	responder, err := newResponder(cfg, db, retriever(kb), logger)
	if err != nil {
		return nil, err
	}

	self := loopbackURL(cfg.ListenAddr)
	apiBase := cfg.TwilioAPIBase
	if cfg.Sandbox {
		a.sandbox = sandbox.New(sandbox.Config{
			AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken.Reveal(),
			PoolNumber: cfg.TwilioFromNumber, StepDelay: 200 * time.Millisecond, Logger: logger,
		})
		if apiBase == "" {
			apiBase = self + "/sandbox"
		}
	}
	sender, err := twilio.NewSender(twilio.SenderConfig{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken.Reveal(),
		FromNumber: cfg.TwilioFromNumber, MessagingServiceSID: cfg.TwilioMessagingServiceSID, APIBase: apiBase,
	})
	if err != nil {
		return nil, err
	}
	// The budget is the sending number's: a Messaging Service, or the
	// number itself.
	sendingNumber := cfg.TwilioFromNumber
	if cfg.TwilioMessagingServiceSID != "" {
		sendingNumber = cfg.TwilioMessagingServiceSID
	}
	sendBudget, err := budget.New(sendingNumber, cfg.SMSRate, max(1, int(cfg.SMSRate)))
	if err != nil {
		return nil, err
	}
	publicBase := publicBaseOf(cfg)
	statusCallback := ""
	if publicBase != "" {
		statusCallback = publicBase + "/twilio/sms/status"
	} else {
		logger.Warn("PUBLIC_URL is not set: delivery status callbacks are off")
	}
	desk := newDesk(cfg)
	evalRunners := consoleEvalRunners(cfg, db, kb)
	// HubSpot's new contacts become leads through the inbox, made below,
	// redacted as POST /api/v1/leads redacts a form's free text.
	receiveLead := func(ctx context.Context, in crm.NewLead) (string, error) {
		in.Redact(agent.Redact)
		out, err := a.inbox.ReceiveLead(ctx, in)
		return out.Lead.ContactID, err
	}
	if a.hubspot, err = newHubSpot(cfg, db, receiveLead, logger); err != nil {
		return nil, err
	}
	// The outbox's events go to the webhook endpoints and, when it is
	// configured, to HubSpot, in the transaction that takes them.
	if a.hooks, err = newWebhooks(db, logger, hubspotSinks(a.hubspot)...); err != nil {
		return nil, err
	}
	// The unsubscribe link needs a base: the sandbox's own address in the
	// demo, where the lead is the person at the console.
	mailer, err := cfg.Email.sender(publicBase)
	if err != nil {
		return nil, err
	}
	a.inbox, err = inbox.New(inbox.Config{
		DB: db, WorkerDB: workerDB, Agent: responder, Knowledge: retriever(kb), Sender: sender, Email: mailer, Budget: sendBudget, Desk: desk,
		Voice:          inbox.VoiceConfig{Budget: cfg.VoiceTurnBudget, MinConfidence: cfg.VoiceMinConfidence, BusinessNumber: cfg.TwilioFromNumber},
		Business:       inbox.Business{Name: cfg.BusinessName, Phone: cfg.BusinessPhone},
		Confirmations:  cfg.OptOutConfirmations,
		Region:         cfg.DefaultRegion,
		StatusCallback: statusCallback, Workers: workers, Logger: logger, Debounce: cfg.ReplyDebounce,
		Redact: agent.Redact, MoreWorkers: moreWorkers(consoleEvalWorkers(db, evalRunners, logger), webhookWorkers(a.hooks),
			hubspotWorkers(a.hubspot)),
		FirstTouchInWindow: cfg.FirstTouchInWindow,
		Facebook:           facebookGraph(cfg),
		RespondWorkers:     respondWorkers(cfg),
	})
	if err != nil {
		return nil, err
	}

	// Every text the server gets comes through Twilio: with the sandbox
	// standing in for it, on a number with Twilio's default opt-out
	// handling, the sandbox answers STOP, START and HELP as Twilio would,
	// so the demo shows what a lead sees.
	var sms channels.Receiver = a.inbox
	if a.sandbox != nil && cfg.OptOutConfirmations == turn.ConfirmByTwilio {
		sms = a.sandbox.WithOptOutHandling(a.inbox)
	}
	webCfg := web.Config{
		DB: db,
		Webhooks: &twilio.Webhooks{Receiver: sms, Validator: twilio.NewValidator(cfg.TwilioAuthToken.Reveal(), cfg.PublicURL),
			Logger: logger},
		Voice: &twilio.Voice{Receiver: a.inbox, Validator: twilio.NewValidator(cfg.TwilioAuthToken.Reveal(), cfg.PublicURL),
			VoiceName: cfg.VoiceName, Language: cfg.VoiceLanguage, Hints: speechHints(ctx, kb, logger), Logger: logger},
		APIKeys:       reveal(cfg.APIKeys),
		MetricsToken:  cfg.MetricsToken.Reveal(),
		Reps:          a.inbox,
		Leads:         a.inbox,
		WebhookSender: a.hooks,
		Live:          a.live,
		Hours:         cfg.Hours,
		SecureCookies: strings.HasPrefix(cfg.PublicURL, "https://"),
		PublicURL:     cfg.PublicURL,
		BusinessName:  cfg.BusinessName,
		Answering:     answering(cfg),
		PromptVars:    promptsVars(cfg),
		Region:        cfg.DefaultRegion,
		Logger:        logger,
	}
	webCfg.GoogleAdsForms, webCfg.Facebook = cfg.GoogleAdsForms, facebookWebhook(cfg, a.inbox)
	webCfg.HubSpot = hubspotWeb(cfg, a.hubspot)
	webCfg.Email = emailWeb(cfg, a.inbox)
	if cfg.VoiceMode == "relay" {
		base := cfg.PublicURL
		if base == "" {
			base = self
		}
		// https://host → wss://host, http://host → ws://host
		webCfg.Voice.RelayURL = "ws" + strings.TrimPrefix(base, "http") + "/twilio/relay"
	}
	if webCfg.Metrics, err = newMetrics(db, logger); err != nil {
		return nil, err
	}
	webCfg.EvalSuites, webCfg.StartEval = cfg.EvalSuites, consoleStartEval(db, evalRunners, a.inbox)
	if a.sandbox != nil {
		webCfg.DemoLogin = demoLoginHint
		webCfg.Sandbox = a.sandbox
		webCfg.SandboxOutbox = a.sandbox
		webCfg.SandboxMailURL = cfg.SandboxMailURL
		webCfg.Simulate = func(ctx context.Context, baseURL, from, body string) error {
			lead := sandbox.Lead{ServerURL: baseURL, PublicURL: cfg.PublicURL, AuthToken: cfg.TwilioAuthToken.Reveal(),
				AccountSID: cfg.TwilioAccountSID, From: from, To: cfg.TwilioFromNumber}
			_, err := lead.Text(ctx, body)
			return err
		}
	}
	if a.handler, err = web.New(webCfg); err != nil {
		return nil, err
	}
	return a, nil
}

// newMetrics builds the one Prometheus registry of the process: the
// product's figures, read from the shared database at scrape time (so every
// replica reports the same totals), and this process's Go runtime and OS
// process metrics. A failed query still serves the rest of the scrape.
func newMetrics(db *pgxpool.Pool, logger *slog.Logger) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		reports.NewCollector(db),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(logger.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
	}), nil
}

func reveal(keys []secret) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Reveal()
	}
	return out
}

// close releases what buildApp started.
func (a *app) close() {
	if a.sandbox != nil {
		a.sandbox.Close()
	}
}

func describe(cfg Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "llm=%s embeddings=%s", cfg.LLMProvider, cfg.EmbeddingProvider)
	if cfg.Sandbox {
		b.WriteString(" twilio=sandbox")
	} else {
		fmt.Fprintf(&b, " twilio=%s", cfg.TwilioAPIBase)
	}
	return b.String()
}

// publicBaseOf is the address links and callbacks are made from:
// PUBLIC_URL, or with the sandbox the server's own address.
func publicBaseOf(cfg Config) string {
	if cfg.PublicURL == "" && cfg.Sandbox {
		return loopbackURL(cfg.ListenAddr)
	}
	return cfg.PublicURL
}
