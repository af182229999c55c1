// Package web is the HTTP face of the product: the Gin router, the JSON API
// under /api/v1 with its bearer keys, Twilio's webhooks, health checks, and
// the console (html/template pages and static assets embedded in the
// binary). Handlers are thin: they parse, call one domain function, and
// render; every domain error becomes an HTTP status in one place (errors.go).
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels/twilio"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/hours"
	"github.com/leadagent/leadagent/leadforms"
	"github.com/leadagent/leadagent/prompts"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config wires the router.
type Config struct {
	DB       *pgxpool.Pool
	Webhooks *twilio.Webhooks
	// Voice serves Twilio's Voice webhooks; nil answers calls with 404.
	Voice *twilio.Voice
	// Sandbox, when set, is the fake Twilio REST API, mounted at /sandbox.
	Sandbox http.Handler
	// SandboxOutbox lists what the sandbox "sent" (the Sandbox page); nil
	// hides the page.
	SandboxOutbox SandboxOutbox
	// SandboxMailURL is where the emails the demo sends can be read (the
	// web inbox of the SMTP server make run starts); the Sandbox page
	// links it. "" links nothing.
	SandboxMailURL string
	// Simulate texts the server as a lead (the console's simulator); nil
	// hides the simulator.
	Simulate func(ctx context.Context, baseURL, from, body string) error
	// APIKeys are accepted as "Authorization: Bearer KEY" on /api/v1.
	APIKeys []string
	// Reps carries out reps' actions (the inbox).
	Reps RepDesk
	// Leads records leads from forms and ad platforms (the inbox).
	Leads LeadIntake
	// GoogleAdsForms checks Google Ads lead form webhooks; with none set
	// up POST /leads/google-ads answers 404.
	GoogleAdsForms leadforms.GoogleForms
	// Facebook checks Facebook Lead Ads webhooks; nil answers 404.
	Facebook *FacebookLeadAds
	// HubSpot checks HubSpot's webhooks and links contacts to their
	// HubSpot records; nil answers POST /hubspot/webhook with 404.
	HubSpot *HubSpot
	// Live streams conversation changes to open consoles; nil turns live
	// updates off.
	Live *Live
	// Hours are the business hours until an admin sets them.
	Hours hours.Schedule
	// SecureCookies marks session cookies Secure even when the request
	// does not look like HTTPS (PUBLIC_URL is https).
	SecureCookies bool
	// PublicURL is the server's address as browsers reach it: the one-time
	// links an admin passes on start with it ("" uses the request's host).
	PublicURL string
	// DemoLogin, when set, is shown on the login page (the sandbox demo).
	DemoLogin    string
	BusinessName string
	// Answering says which agent answers leads now (the Prompts page).
	Answering Answering
	// PromptVars are the business details the prompts are rendered with
	// (the Prompts page's preview).
	PromptVars prompts.Vars
	// Region reads phone numbers typed without a country code.
	Region string
	// EvalSuites is the folder whose *.yaml eval suites the console offers.
	EvalSuites string
	// StartEval records a run of the suite file at path (one the console
	// listed in EvalSuites) with a version of the sms prompt ("" for the
	// active one), queues the job that plays it, and returns the run's id.
	// nil leaves the evals pages read-only.
	StartEval func(ctx context.Context, path, prompt string) (int64, error)
	// WebhookSender sends webhook test events and replays; nil answers
	// those with 503 (endpoints are still managed).
	WebhookSender WebhookSender
	// Metrics serves GET /metrics (Prometheus); nil answers 404.
	Metrics http.Handler
	// MetricsToken, when set, is the bearer token /metrics asks for
	// ("Authorization: Bearer TOKEN"); empty leaves /metrics open.
	MetricsToken string
	// Email is the email channel's webhook and unsubscribe pages.
	Email EmailConfig
	// Logins throttles console sign-ins; nil for one with the default
	// bounds. It is the process's: one per server.
	Logins *auth.Throttle
	Logger *slog.Logger
}

// Server holds the parsed templates and dependencies of the handlers.
type Server struct {
	cfg    Config
	pages  *template.Template
	logger *slog.Logger
	logins *auth.Throttle
	// events reads the timeline's events of every kind.
	events crm.Kinds
}

// proxyNetworks are the peers whose X-Forwarded-For names the client: a
// proxy on this machine or in a private network. Anyone else could write
// any address there, and the login throttle counts by address.
var proxyNetworks = []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}

// New parses the embedded templates (a broken template fails here, at
// start) and returns the router.
func New(cfg Config) (http.Handler, error) {
	pages, err := template.New("").Funcs(templateFuncs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	events, err := eventKinds()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: pages, events: events, logger: cfg.Logger, logins: cfg.Logins}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.logins == nil {
		s.logins = auth.NewThrottle(auth.ThrottleConfig{})
	}
	if s.cfg.Region == "" {
		s.cfg.Region = "US"
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(proxyNetworks); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.Use(gin.Recovery(), s.accessLog())

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)
	r.GET("/metrics", s.metrics)

	tw := r.Group("/twilio")
	tw.POST("/sms", gin.WrapF(cfg.Webhooks.SMS))
	tw.POST("/sms/status", gin.WrapF(cfg.Webhooks.SMSStatus))
	if v := cfg.Voice; v != nil {
		tw.POST("/voice", gin.WrapF(v.Call))
		tw.POST("/voice/gather", gin.WrapF(v.Gather))
		tw.POST("/voice/whisper", gin.WrapF(v.Whisper))
		tw.POST("/voice/dial", gin.WrapF(v.DialEnded))
		tw.POST("/voice/status", gin.WrapF(v.Status))
		tw.GET("/relay", gin.WrapF(v.Relay)) // ConversationRelay's WebSocket
		tw.POST("/voice/relay-end", gin.WrapF(v.RelayEnd))
	}

	s.leadFormRoutes(r)
	r.POST("/hubspot/webhook", s.hubspotWebhook)
	r.GET("/email/unsubscribe", s.emailUnsubscribePage)
	r.POST("/email/unsubscribe", s.emailUnsubscribe)
	r.POST("/email/inbound", s.emailInbound)

	api := r.Group("/api/v1", s.requireAPIKey)
	api.POST("/leads", s.createLead)
	api.GET("/conversations", s.listConversations)
	api.GET("/conversations/:id", s.getConversation)
	api.POST("/conversations/:id/takeover", s.apiAction(doTakeover))
	api.POST("/conversations/:id/reply", s.apiAction(doReply))
	api.POST("/conversations/:id/note", s.apiAction(doNote))
	api.POST("/conversations/:id/handback", s.apiAction(doHandback))
	api.POST("/conversations/:id/close", s.apiAction(doClose))
	api.GET("/reports/summary", s.reportsSummary)
	api.GET("/contacts/:id/evidence", s.apiEvidence)
	api.POST("/webhook-endpoints", s.createWebhookEndpoint)
	api.GET("/webhook-endpoints", s.listWebhookEndpoints)
	api.GET("/webhook-endpoints/:id/deliveries", s.webhookDeliveries)
	api.DELETE("/webhook-endpoints/:id", s.deleteWebhookEndpoint)
	api.POST("/webhook-endpoints/:id/test", s.testWebhookEndpoint)
	api.POST("/webhook-deliveries/:id/replay", s.replayWebhookDelivery)

	if cfg.Sandbox != nil {
		r.Any("/sandbox/*path", gin.WrapH(http.StripPrefix("/sandbox", cfg.Sandbox)))
	}

	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	r.StaticFS("/static", http.FS(static))
	r.GET("/login", s.consoleLogin)
	r.POST("/login", cleanForm, s.consoleSignIn)
	r.POST("/logout", s.consoleSignOut)
	r.GET("/login/link", s.consoleLinkPage)
	r.POST("/login/link", cleanForm, s.consoleUseLink)

	console := r.Group("/", cleanForm, s.requireLogin, s.requireCSRF)
	console.GET("/", s.consoleInbox)
	console.GET("/console/inbox", s.consoleInboxList)
	console.GET("/console/events", s.consoleEvents)
	console.GET("/console/c/:id", s.consoleConversation)
	console.GET("/console/c/:id/live", s.consoleConversationPart("live"))
	console.POST("/console/c/:id/takeover", s.consoleAction(consoleTakeover))
	console.POST("/console/c/:id/reply", s.consoleAction(consoleReply))
	console.POST("/console/c/:id/note", s.consoleAction(consoleNote))
	console.POST("/console/c/:id/handback", s.consoleAction(consoleHandback))
	console.POST("/console/c/:id/close", s.consoleAction(consoleClose))
	console.GET("/console/reps", s.consoleReps)
	console.POST("/console/reps/:id/duty", s.consoleRepDuty)
	console.GET("/console/simulator", s.consoleSimulator)
	console.GET("/console/sandbox", s.consoleSandbox)
	console.GET("/console/thread", s.consoleThread)
	console.POST("/console/simulate", s.consoleSimulate)
	console.GET("/console/reports", s.consoleReports)
	console.GET("/console/reports.csv", s.consoleReportsCSV)
	console.GET("/console/contacts/:id/evidence", s.consoleEvidence)
	console.GET("/console/contacts/:id/evidence.json", s.consoleEvidenceJSON)

	admin := console.Group("/console", s.requireAdmin)
	admin.POST("/reps", s.consoleAddRep)
	admin.GET("/logins", s.consoleLogins)
	admin.GET("/webhooks", s.consoleWebhooks)
	admin.POST("/webhooks", s.consoleAddWebhook)
	admin.POST("/webhooks/:id/delete", s.consoleWebhookAction(consoleDeleteWebhook))
	admin.POST("/webhooks/:id/enable", s.consoleWebhookAction(consoleEnableWebhook))
	admin.POST("/webhooks/:id/test", s.consoleWebhookAction(consoleTestWebhook))
	admin.POST("/webhooks/deliveries/:id/replay", s.consoleWebhookAction(consoleReplayWebhook))
	admin.POST("/logins", s.consoleInvite)
	admin.POST("/logins/:id/disable", s.consoleSetDisabled(true))
	admin.POST("/logins/:id/enable", s.consoleSetDisabled(false))
	admin.POST("/logins/:id/reset", s.consoleResetLink)
	admin.POST("/logins/:id/role", s.consoleSetRole)
	admin.POST("/hours", s.consoleSaveHours)
	admin.GET("/rules", s.consoleRules)
	admin.POST("/rules", s.consoleSaveRules)
	admin.POST("/rules/activate", s.activateVersion("/console/rules", handoff.ActivateRules))
	admin.GET("/cadence", s.consoleCadence)
	admin.POST("/cadence", s.consoleSaveCadence)
	admin.POST("/cadence/activate", s.activateVersion("/console/cadence", cadence.Activate))
	admin.GET("/prompts", s.consolePrompts)
	admin.POST("/prompts", s.consoleCreatePrompt)
	admin.POST("/prompts/activate", s.consoleActivatePrompt)
	admin.GET("/evals", s.consoleEvals)
	admin.POST("/evals", s.consoleStartEval)
	admin.GET("/evals/runs/:id", s.consoleEvalRun)
	admin.GET("/evals/runs/:id/progress", s.consoleEvalRunProgress)
	admin.GET("/evals/compare", s.consoleEvalCompare)
	r.NoRoute(func(c *gin.Context) { abortError(c, http.StatusNotFound, "no such endpoint") })
	return r, nil
}

func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.DB.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// requireAPIKey accepts "Authorization: Bearer KEY" for any configured key.
// With no keys configured the API answers 401 to everyone.
func (s *Server) requireAPIKey(c *gin.Context) {
	key, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || !s.validKey(strings.TrimSpace(key)) {
		c.Header("WWW-Authenticate", `Bearer realm="leadagent"`)
		abortError(c, http.StatusUnauthorized, "missing or unknown API key")
		return
	}
	c.Next()
}

func (s *Server) validKey(key string) bool {
	return oneOf(key, s.cfg.APIKeys)
}

// oneOf reports whether key is one of keys, in constant time.
func oneOf(key string, keys []string) bool {
	if key == "" {
		return false
	}
	found := 0
	for _, k := range keys {
		found |= subtle.ConstantTimeCompare([]byte(k), []byte(key))
	}
	return found == 1
}

// cleanForm makes a console form's values text PostgreSQL can store:
// bytes that are not UTF-8 become U+FFFD and NULs go, so an odd byte
// costs a character, not the request. Passwords are compared, never
// stored, and stay as typed.
func cleanForm(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	// gin reads the form the same way later, from what this parsed.
	if err := c.Request.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		abortError(c, http.StatusBadRequest, "unreadable form body")
		return
	}
	for _, form := range []url.Values{c.Request.PostForm, c.Request.Form} {
		for name, values := range form {
			if name == "password" {
				continue
			}
			for i, v := range values {
				values[i] = crm.CleanText(v)
			}
		}
	}
	c.Next()
}

func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		if c.Request.URL.Path == "/healthz" || strings.HasPrefix(c.Request.URL.Path, "/static/") {
			return
		}
		s.logger.Debug("http", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "ms", float64(time.Since(start).Microseconds())/1000)
	}
}
