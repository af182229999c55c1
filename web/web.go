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
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/channels/twilio"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config wires the router.
type Config struct {
	DB       *pgxpool.Pool
	Webhooks *twilio.Webhooks
	// Sandbox, when set, is the fake Twilio REST API, mounted at /sandbox.
	Sandbox http.Handler
	// Simulate texts the server as a lead (the console's simulator); nil
	// hides the simulator.
	Simulate func(ctx context.Context, baseURL, from, body string) error
	// APIKeys are accepted as "Authorization: Bearer KEY" on /api/v1.
	APIKeys []string
	// OpenConsole serves the console without credentials (the sandbox
	// demo). Otherwise the console asks for HTTP Basic auth with an API key
	// as the password until rep logins exist.
	OpenConsole  bool
	BusinessName string
	// Region reads phone numbers typed without a country code.
	Region string
	Logger *slog.Logger
}

// Server holds the parsed templates and dependencies of the handlers.
type Server struct {
	cfg    Config
	pages  *template.Template
	logger *slog.Logger
}

// New parses the embedded templates (a broken template fails here, at
// start) and returns the router.
func New(cfg Config) (http.Handler, error) {
	pages, err := template.New("").Funcs(templateFuncs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	s := &Server{cfg: cfg, pages: pages, logger: cfg.Logger}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.cfg.Region == "" {
		s.cfg.Region = "US"
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), s.accessLog())

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)

	tw := r.Group("/twilio")
	tw.POST("/sms", gin.WrapF(cfg.Webhooks.SMS))
	tw.POST("/sms/status", gin.WrapF(cfg.Webhooks.SMSStatus))

	api := r.Group("/api/v1", s.requireAPIKey)
	api.GET("/conversations", s.listConversations)
	api.GET("/conversations/:id", s.getConversation)

	if cfg.Sandbox != nil {
		r.Any("/sandbox/*path", gin.WrapH(http.StripPrefix("/sandbox", cfg.Sandbox)))
	}

	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	r.StaticFS("/static", http.FS(static))
	console := r.Group("/", s.requireConsole, s.sameOrigin)
	console.GET("/", s.consoleHome)
	console.GET("/console/conversations", s.consoleConversations)
	console.GET("/console/thread", s.consoleThread)
	console.POST("/console/simulate", s.consoleSimulate)
	console.GET("/console/prompts", s.consolePrompts)
	console.POST("/console/prompts", s.consoleCreatePrompt)
	console.POST("/console/prompts/activate", s.consoleActivatePrompt)
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

func (s *Server) requireConsole(c *gin.Context) {
	if s.cfg.OpenConsole {
		c.Next()
		return
	}
	_, pass, ok := c.Request.BasicAuth()
	if !ok || !s.validKey(pass) {
		c.Header("WWW-Authenticate", `Basic realm="leadagent console"`)
		abortError(c, http.StatusUnauthorized, "console needs an API key as the password")
		return
	}
	c.Next()
}

func (s *Server) validKey(key string) bool {
	if key == "" {
		return false
	}
	found := 0
	for _, k := range s.cfg.APIKeys {
		found |= subtle.ConstantTimeCompare([]byte(k), []byte(key))
	}
	return found == 1
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
