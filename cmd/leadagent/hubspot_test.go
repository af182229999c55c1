package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/crm"
)

func TestHubSpotConfig(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := LoadConfig(env())
	if err != nil {
		t.Fatal(err)
	}
	if c.HubSpot.on() || c.HubSpot.APIBase != "https://api.hubapi.com" || c.HubSpot.CloseAs != "lifecycle" {
		t.Errorf("defaults: %+v", c.HubSpot)
	}
	c, err = LoadConfig(env("HUBSPOT_TOKEN", "pat-na1-secret", "HUBSPOT_CLIENT_SECRET", "cs-secret", "HUBSPOT_API_BASE", "http://127.0.0.1:9/",
		"HUBSPOT_CLOSE_AS", "Deal", "HUBSPOT_SMS_CONSENT_PROPERTY", "sms_opt_in", "HUBSPOT_PORTAL_ID", "4432"))
	if err != nil {
		t.Fatal(err)
	}
	h := c.HubSpot
	if !h.on() || h.APIBase != "http://127.0.0.1:9" || h.CloseAs != "deal" || h.SMSConsentProperty != "sms_opt_in" || h.PortalID != "4432" ||
		h.Token.Reveal() != "pat-na1-secret" || h.ClientSecret.Reveal() != "cs-secret" {
		t.Errorf("parsed: %+v", h)
	}
	if printed := fmt.Sprintf("%+v %#v", c, c); strings.Contains(printed, "pat-na1-secret") || strings.Contains(printed, "cs-secret") {
		t.Error("a HubSpot secret prints")
	}
	for _, bad := range [][]string{
		{"HUBSPOT_CLOSE_AS", "stage"},
		{"HUBSPOT_API_BASE", "api.hubapi.com"},
		{"HUBSPOT_CLIENT_SECRET", "cs-secret"},
	} {
		if _, err := LoadConfig(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: %v", bad[0], bad[1], err)
		}
	}
}

func TestHubSpotResyncUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"sync"}, {"resync"}, {"resync", "--all", "--contact", "x"}, {"resync", "extra", "--all"}} {
		var u usageError
		if err := runHubSpot(context.Background(), Config{}, args, io.Discard); !errors.As(err, &u) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	if err := runHubSpot(context.Background(), Config{}, []string{"resync", "--all"}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "HUBSPOT_TOKEN") {
		t.Errorf("without a token: %v", err)
	}
}

func TestHubSpotResyncQueues(t *testing.T) {
	t.Parallel()
	d := newCLIDB(t)
	cfg := d.cfg
	cfg.HubSpot = hubspotConfig{Token: "pat-test", APIBase: "http://127.0.0.1:9", CloseAs: "lifecycle"}
	ctx := context.Background()
	c, err := crm.ContactByPhone(ctx, d.pool, "+19705550142", "US")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runHubSpot(ctx, cfg, []string{"resync", "--contact", c.ID}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "queued 1 contact(s) for resync with HubSpot\n" {
		t.Errorf("printed %q", got)
	}
	var u usageError
	if err := runHubSpot(ctx, cfg, []string{"resync", "--contact", "0f1e2d3c-aaaa-4bbb-8ccc-000000000000"}, io.Discard); !errors.As(err, &u) {
		t.Errorf("unknown contact: %v", err)
	}
	var n int
	if err := d.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'hubspot_resync' AND args->>'contact_id' = $1`, c.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("resync jobs: %d, %v", n, err)
	}
}
