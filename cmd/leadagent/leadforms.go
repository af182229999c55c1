package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/leadagent/leadagent/inbox"
	"github.com/leadagent/leadagent/leadforms"
	"github.com/leadagent/leadagent/web"
)

// reGraphVersion is a Graph API version: v19.0.
var reGraphVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,3}$`)

// loadLeadForms reads the ad platforms' settings into c: the Google Ads
// lead forms' keys, and Facebook Lead Ads' verify token, app secret,
// page token and Graph API. A platform is on when its settings are there;
// half of Facebook's is an error that names what is missing.
func loadLeadForms(get func(key, def string) string, c *Config) error {
	forms, err := leadforms.ParseGoogleForms(get("GOOGLE_ADS_LEAD_KEYS", ""))
	if err != nil {
		return fmt.Errorf("GOOGLE_ADS_LEAD_KEYS: %w (want form_id=key[:consent_column],… or *=key)", err)
	}
	c.GoogleAdsForms = forms
	c.FacebookVerifyToken = secret(get("FACEBOOK_VERIFY_TOKEN", ""))
	c.FacebookAppSecret = secret(get("FACEBOOK_APP_SECRET", ""))
	c.FacebookPageToken = secret(get("FACEBOOK_PAGE_TOKEN", ""))
	c.FacebookGraphBase = strings.TrimRight(get("FACEBOOK_GRAPH_BASE", "https://graph.facebook.com"), "/")
	c.FacebookGraphVersion = get("FACEBOOK_GRAPH_VERSION", "v19.0")
	c.FacebookSMSConsentCheckbox = get("FACEBOOK_SMS_CONSENT_CHECKBOX", "")
	var set, missing []string
	for _, s := range []struct {
		name  string
		value secret
	}{{"FACEBOOK_VERIFY_TOKEN", c.FacebookVerifyToken}, {"FACEBOOK_APP_SECRET", c.FacebookAppSecret}, {"FACEBOOK_PAGE_TOKEN", c.FacebookPageToken}} {
		if s.value == "" {
			missing = append(missing, s.name)
		} else {
			set = append(set, s.name)
		}
	}
	if len(set) > 0 && len(missing) > 0 {
		return fmt.Errorf("facebook lead ads: %s set but %s not: set all three, or none", strings.Join(set, " and "),
			strings.Join(missing, " and "))
	}
	if u, err := url.Parse(c.FacebookGraphBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("FACEBOOK_GRAPH_BASE %q is not an absolute http(s) URL", c.FacebookGraphBase)
	}
	if !reGraphVersion.MatchString(c.FacebookGraphVersion) {
		return fmt.Errorf("FACEBOOK_GRAPH_VERSION %q: want a Graph API version like v19.0", c.FacebookGraphVersion)
	}
	return nil
}

// facebookOn reports whether Facebook Lead Ads is set up.
func (c Config) facebookOn() bool { return c.FacebookPageToken != "" }

// facebookGraph is what fetches Facebook's leads for the inbox's jobs;
// nil when Facebook is not set up.
func facebookGraph(c Config) inbox.FacebookLeads {
	if !c.facebookOn() {
		return nil
	}
	return &leadforms.Graph{Base: c.FacebookGraphBase, Version: c.FacebookGraphVersion, PageToken: c.FacebookPageToken.Reveal(),
		AppSecret: c.FacebookAppSecret.Reveal(), ConsentCheckbox: c.FacebookSMSConsentCheckbox}
}

// facebookWebhook checks Facebook's webhooks and queues their leads on
// ib; nil when Facebook is not set up.
func facebookWebhook(c Config, ib *inbox.Inbox) *web.FacebookLeadAds {
	if !c.facebookOn() {
		return nil
	}
	return &web.FacebookLeadAds{VerifyToken: c.FacebookVerifyToken.Reveal(), AppSecret: c.FacebookAppSecret.Reveal(), Queue: ib}
}
