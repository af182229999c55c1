package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hubspot"
	"github.com/leadagent/leadagent/web"
	"github.com/leadagent/leadagent/webhooks"
)

// hubspotConfig is HubSpot's part of Config: the private app's token
// turns the sync on.
type hubspotConfig struct {
	Token              secret
	APIBase            string
	ClientSecret       secret
	CloseAs            string
	SMSConsentProperty string
	PortalID           string
}

// on reports whether HubSpot is set up.
func (h hubspotConfig) on() bool { return h.Token != "" }

// loadHubSpot reads HubSpot's settings into c.
func loadHubSpot(get func(key, def string) string, c *Config) error {
	h := hubspotConfig{
		Token:              secret(get("HUBSPOT_TOKEN", "")),
		APIBase:            strings.TrimRight(get("HUBSPOT_API_BASE", hubspot.DefaultAPIBase), "/"),
		ClientSecret:       secret(get("HUBSPOT_CLIENT_SECRET", "")),
		CloseAs:            strings.ToLower(get("HUBSPOT_CLOSE_AS", hubspot.CloseAsLifecycle)),
		SMSConsentProperty: get("HUBSPOT_SMS_CONSENT_PROPERTY", ""),
		PortalID:           get("HUBSPOT_PORTAL_ID", ""),
	}
	if u, err := url.Parse(h.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("HUBSPOT_API_BASE %q is not an absolute http(s) URL", h.APIBase)
	}
	if h.CloseAs != hubspot.CloseAsLifecycle && h.CloseAs != hubspot.CloseAsDeal {
		return fmt.Errorf("HUBSPOT_CLOSE_AS %q: want lifecycle or deal", h.CloseAs)
	}
	if h.ClientSecret != "" && !h.on() {
		return errors.New("HUBSPOT_CLIENT_SECRET is set but HUBSPOT_TOKEN is not: the webhook's contacts are fetched with the token")
	}
	c.HubSpot = h
	return nil
}

// newHubSpot is the HubSpot sync the configuration describes, queueing
// with an insert-only River client on db; nil without HUBSPOT_TOKEN.
// receive records a HubSpot contact as a lead (the inbox's ReceiveLead).
func newHubSpot(cfg Config, db *pgxpool.Pool, receive hubspot.LeadReceiver, logger *slog.Logger) (*hubspot.Sink, error) {
	if !cfg.HubSpot.on() {
		return nil, nil
	}
	jobs, err := river.NewClient(riverpgxv5.New(db), &river.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("hubspot: river client: %w", err)
	}
	consoleURL := cfg.PublicURL
	if consoleURL == "" {
		consoleURL = loopbackURL(cfg.ListenAddr)
	}
	return hubspot.New(hubspot.Config{DB: db, Jobs: jobs,
		Client:  &hubspot.Client{Base: cfg.HubSpot.APIBase, Token: cfg.HubSpot.Token.Reveal(), HTTP: &http.Client{Timeout: 30 * time.Second}},
		CloseAs: cfg.HubSpot.CloseAs, SMSConsentProperty: cfg.HubSpot.SMSConsentProperty, ConsoleURL: consoleURL,
		ReceiveLead: receive, Logger: logger})
}

// hubspotWorkers adds the sync's workers; none without HubSpot.
func hubspotWorkers(s *hubspot.Sink) func(*river.Workers) {
	return func(w *river.Workers) {
		if s != nil {
			s.AddWorkers(w)
		}
	}
}

// hubspotSinks is HubSpot as a consumer of the outbox: none without it.
func hubspotSinks(s *hubspot.Sink) []webhooks.Sink {
	if s == nil {
		return nil
	}
	return []webhooks.Sink{{Name: "hubspot", Events: hubspot.Events(), Enqueue: s.Enqueue}}
}

// hubspotWeb is HubSpot's side of the server; nil without HubSpot.
func hubspotWeb(cfg Config, s *hubspot.Sink) *web.HubSpot {
	if s == nil {
		return nil
	}
	return &web.HubSpot{ClientSecret: cfg.HubSpot.ClientSecret.Reveal(), Queue: s, PortalID: cfg.HubSpot.PortalID}
}

const hubspotUsage = `usage:
  leadagent hubspot resync --contact ID   write one contact to HubSpot again, with its texts not logged yet
  leadagent hubspot resync --all          the same for every contact
The workers of a running server do the syncing; nothing is logged twice.`

// runHubSpot queues resyncs of contacts to HubSpot.
func runHubSpot(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "resync" {
		return usageError{msg: hubspotUsage}
	}
	fs := flag.NewFlagSet("hubspot resync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	contact := fs.String("contact", "", "the contact's id")
	all := fs.Bool("all", false, "every contact")
	pos, err := parseFlagsAnywhere(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 || (*contact == "") == !*all {
		return usageError{msg: hubspotUsage}
	}
	if !cfg.HubSpot.on() {
		return errors.New("HUBSPOT_TOKEN is not set: HubSpot sync is off")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	sink, err := newHubSpot(cfg, db, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	n, err := sink.Resync(ctx, *contact)
	if errors.Is(err, crm.ErrNotFound) {
		return usageError{msg: fmt.Sprintf("no contact %q", *contact)}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "queued %d contact(s) for resync with HubSpot\n", n)
	return nil
}
