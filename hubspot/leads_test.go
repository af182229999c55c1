package hubspot

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/inbox"
)

// withInbox records HubSpot's contacts through the inbox's ReceiveLead,
// the path POST /api/v1/leads takes.
func withInbox(t *testing.T, consentProperty string) func(*Config) {
	return func(c *Config) {
		ib, err := inbox.New(inbox.Config{DB: c.DB, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		c.SMSConsentProperty = consentProperty
		c.ReceiveLead = func(ctx context.Context, in crm.NewLead) (string, error) {
			out, err := ib.ReceiveLead(ctx, in)
			return out.Lead.ContactID, err
		}
	}
}

func created(id string, occurred time.Time) WebhookEvent {
	var n int64
	for _, r := range id {
		n = n*10 + int64(r-'0')
	}
	return WebhookEvent{EventID: 1, SubscriptionID: 2, PortalID: 3, AppID: 4, OccurredAt: occurred.UnixMilli(),
		SubscriptionType: "contact.creation", ObjectID: n, ChangeFlag: "CREATED", ChangeSource: "CRM"}
}

func TestHubSpotContactBecomesALead(t *testing.T) {
	t.Parallel()
	b := setup(t, withInbox(t, "sms_opt_in"))
	plain := b.hs.addContact(map[string]string{"email": "kim@example.com", "phone": "(970) 555-0150", "firstname": "Kim", "lastname": "Lee"})
	agreed := b.hs.addContact(map[string]string{"mobilephone": "+19705550151", "firstname": "Ana", "sms_opt_in": "true"})
	occurred := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	must(t, b.sink.QueueCreated(b.ctx, []WebhookEvent{created(plain, occurred), created(agreed, occurred)}))
	for _, e := range b.await(t, 2) {
		if e.Kind != river.EventKindJobCompleted {
			t.Fatalf("job: %s %v", e.Kind, e.Job.Errors)
		}
	}
	gets := of(b.hs.take(), http.MethodGet, "/crm/v3/objects/contacts/")
	if len(gets) != 2 || gets[0].Path != "/crm/v3/objects/contacts/"+plain ||
		gets[0].Query != "properties=email%2Cphone%2Cmobilephone%2Cfirstname%2Clastname%2Csms_opt_in" {
		t.Fatalf("fetches: %+v", gets)
	}
	for _, tt := range []struct {
		id, phone, name, email string
		consent                bool
	}{{plain, "+19705550150", "Kim Lee", "kim@example.com", false}, {agreed, "+19705550151", "Ana", "", true}} {
		lead, err := crm.LeadByExternalID(b.ctx, b.db, "hubspot:"+tt.id)
		must(t, err)
		c, err := crm.GetContact(b.ctx, b.db, lead.ContactID)
		must(t, err)
		if lead.Source != LeadSource || lead.SMSConsent != tt.consent || c.Phone != tt.phone || c.Name != tt.name || c.Email != tt.email {
			t.Errorf("hubspot %s: lead %+v, contact %+v", tt.id, lead, c)
		}
		st, err := StateOf(b.ctx, b.db, lead.ContactID)
		must(t, err)
		if st.HubSpotID != tt.id {
			t.Errorf("hubspot %s: state %+v", tt.id, st)
		}
	}

	// HubSpot delivers the same creation again: no second job.
	must(t, b.sink.QueueCreated(b.ctx, []WebhookEvent{created(plain, occurred)}))
	var n int
	must(t, b.db.QueryRow(b.ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, ContactCreatedArgs{}.Kind()).Scan(&n))
	if n != 2 {
		t.Errorf("%d jobs after a repeated delivery, want 2", n)
	}
}

func TestEchoOfOurOwnContactIsIgnored(t *testing.T) {
	t.Parallel()
	b := setup(t, withInbox(t, ""))
	rec := b.lead(t, crm.NewLead{Phone: "+19705550142", Name: "Dana Reyes", Source: "web"})
	b.sync(t)
	st, err := StateOf(b.ctx, b.db, rec.Contact.ID)
	must(t, err)
	b.hs.take()

	// HubSpot announces the contact our sync created.
	must(t, b.sink.QueueCreated(b.ctx, []WebhookEvent{created(st.HubSpotID, time.Now())}))
	if e := b.await(t, 1)[0]; e.Kind != river.EventKindJobCompleted {
		t.Fatalf("echo: %s %v", e.Kind, e.Job.Errors)
	}
	if got := b.hs.take(); len(got) != 0 {
		t.Errorf("the echo asked HubSpot: %+v", got)
	}
	if _, err := crm.LeadByExternalID(b.ctx, b.db, "hubspot:"+st.HubSpotID); err == nil {
		t.Error("the echo was recorded as a lead")
	}
}

func TestDeletedHubSpotContactIsNotRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, withInbox(t, ""))
	must(t, b.sink.QueueCreated(b.ctx, []WebhookEvent{created("99999", time.Now())}))
	if e := b.await(t, 1)[0]; e.Kind != river.EventKindJobCancelled {
		t.Fatalf("job: %s", e.Kind)
	}
}
