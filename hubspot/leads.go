package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/crm"
)

// LeadSource is the source of the leads HubSpot's new contacts become.
const LeadSource = "hubspot"

// ContactCreatedArgs is the job that brings a contact created in HubSpot
// in as a lead. The webhook only queues it, so HubSpot is answered at
// once and an outage of its API delays the lead instead of losing it.
type ContactCreatedArgs struct {
	HubSpotID string `json:"hubspot_id"`
	PortalID  int64  `json:"portal_id,omitempty"`
	// OccurredAt is when HubSpot created it, in ms since the epoch.
	OccurredAt int64 `json:"occurred_at,omitempty"`
}

func (ContactCreatedArgs) Kind() string { return "hubspot_contact_created" }

// InsertOpts: one job a contact however often HubSpot announces it.
func (ContactCreatedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueCreated queues the jobs for the contacts a webhook announced, in
// one insert: all of them or, on error, none (HubSpot then delivers
// again).
func (s *Sink) QueueCreated(ctx context.Context, events []WebhookEvent) error {
	if len(events) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(events))
	for i, e := range events {
		params[i] = river.InsertManyParams{Args: ContactCreatedArgs{HubSpotID: strconv.FormatInt(e.ObjectID, 10),
			PortalID: e.PortalID, OccurredAt: e.OccurredAt}}
	}
	if _, err := s.cfg.Jobs.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("queue %d hubspot contacts: %w", len(events), err)
	}
	return nil
}

type contactCreatedWorker struct {
	river.WorkerDefaults[ContactCreatedArgs]
	s *Sink
}

// Work skips a contact we created ourselves (the echo of a sync), fetches
// the contact and records it as every lead is, then keeps its HubSpot id.
func (w *contactCreatedWorker) Work(ctx context.Context, job *river.Job[ContactCreatedArgs]) error {
	s, id := w.s, job.Args.HubSpotID
	if s.cfg.ReceiveLead == nil {
		return river.JobCancel(fmt.Errorf("hubspot contact %s: this process records no leads", id))
	}
	known, err := knownHubSpotID(ctx, s.cfg.DB, id)
	if err != nil || known {
		return err
	}
	// HubSpot may announce a contact our sync is creating before its id
	// is saved: wait for the saves, then look again.
	if busy, err := creating(ctx, s.cfg.DB, s.cfg.Now()); err != nil || busy {
		if err != nil {
			return err
		}
		return river.JobSnooze(busyWait)
	}
	props := []string{"email", "phone", "mobilephone", "firstname", "lastname"}
	if s.cfg.SMSConsentProperty != "" {
		props = append(props, s.cfg.SMSConsentProperty)
	}
	c, err := s.cfg.Client.GetContact(ctx, id, props)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests:
		return river.JobSnooze(apiErr.RetryAfter)
	case errors.As(err, &apiErr) && !apiErr.Temporary():
		return river.JobCancel(fmt.Errorf("hubspot contact %s: %w", id, err))
	case err != nil:
		return fmt.Errorf("hubspot contact %s: %w", id, err)
	}
	at := s.cfg.Now()
	if job.Args.OccurredAt > 0 {
		at = time.UnixMilli(job.Args.OccurredAt)
	}
	contactID, err := s.cfg.ReceiveLead(ctx, leadOf(c, s.cfg.SMSConsentProperty, at))
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) {
		s.cfg.Logger.Warn("hubspot contact not recorded as a lead", "hubspot_id", id, "err", err)
		return river.JobCancel(fmt.Errorf("hubspot contact %s: %w", id, err))
	}
	if err != nil {
		return fmt.Errorf("hubspot contact %s: %w", id, err)
	}
	if err := linkIfUnlinked(ctx, s.cfg.DB, contactID, id, s.cfg.Now()); err != nil {
		return err
	}
	s.cfg.Logger.Info("hubspot contact recorded as a lead", "hubspot_id", id, "contact_id", contactID)
	return nil
}

// leadOf is a HubSpot contact as a lead: its mobile phone (else its
// phone), name and email; with SMS consent only when consentProperty is
// set and true on the contact.
func leadOf(c Contact, consentProperty string, at time.Time) crm.NewLead {
	p := c.Properties
	phone := strings.TrimSpace(p["mobilephone"])
	if phone == "" {
		phone = strings.TrimSpace(p["phone"])
	}
	in := crm.NewLead{Phone: phone, Email: strings.TrimSpace(p["email"]), Source: LeadSource,
		Name:       strings.TrimSpace(strings.TrimSpace(p["firstname"]) + " " + strings.TrimSpace(p["lastname"])),
		ExternalID: "hubspot:" + c.ID, ReceivedAt: at}
	if consentProperty != "" && truthy(p[consentProperty]) {
		in.Consent = &crm.Consent{SMS: true, CapturedAt: at, Source: LeadSource,
			Text: "HubSpot contact property " + consentProperty + " = " + strings.TrimSpace(p[consentProperty])}
	}
	return in
}

// truthy reads a HubSpot boolean or checkbox property.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "y", "1", "on", "checked", "opted_in", "opt_in":
		return true
	}
	return false
}
