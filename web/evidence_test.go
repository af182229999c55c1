package web_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
)

// evidenceLead posts a lead with its consent's version and page, then the
// lead sends STOP, START, a rep's reply goes out and is delivered, and the
// lead opts out in plain words: everything the evidence must show.
func evidenceLead(t *testing.T, b *testBundle) (contactID, convID string, rep crm.Rep) {
	t.Helper()
	rep = b.rep(t, "Riley Rep", "+19705550199")
	status, out := b.api(t, http.MethodPost, "/api/v1/leads", `{"phone": "(970) 555-3101", "name": "Dana Reyes", "source": "facebook_ad",
		"message": "how much is a tune-up?", "consent": {"sms": true, "text": "I agree to texts from Summit. Reply STOP to opt out.",
		"captured_at": "2026-11-30T22:04:05Z", "ip": "203.0.113.7", "version": "2026-11-form-v3",
		"page_url": "https://summit.example/quote?utm_source=fb"}}`)
	if status != http.StatusCreated {
		t.Fatalf("post lead: %d %v", status, out)
	}
	contactID, convID = out["contact_id"].(string), out["conversation_id"].(string)
	receive := func(sid, body string) {
		t.Helper()
		if err := b.inbox.Receive(b.ctx, channels.Inbound{Channel: channels.SMS, ProviderSID: sid, From: "+19705553101",
			To: "+19705550100", Body: body, ReceivedAt: time.Now()}); err != nil {
			t.Fatalf("receive %q: %v", body, err)
		}
	}
	receive("SMev-stop", "Stop.")
	receive("SMev-start", "start")
	if status, out := b.api(t, http.MethodPost, "/api/v1/conversations/"+convID+"/takeover", `{"rep_id": "`+rep.ID+`"}`); status != http.StatusOK {
		t.Fatalf("takeover: %d %v", status, out)
	}
	status, out = b.api(t, http.MethodPost, "/api/v1/conversations/"+convID+"/reply", `{"text": "Hi Dana, a tune-up is $129.", "rep_id": "`+rep.ID+`"}`)
	if status != http.StatusOK {
		t.Fatalf("reply: %d %v", status, out)
	}
	// The send job's part (this inbox runs no workers): Twilio accepts the
	// reply, then reports it delivered.
	var replyID string
	if err := b.db.QueryRow(b.ctx, `SELECT id::text FROM messages WHERE conversation_id = $1 AND author = 'rep'`, convID).Scan(&replyID); err != nil {
		t.Fatal(err)
	}
	if _, err := crm.MarkSent(b.ctx, b.db, replyID, "SMev-reply", "queued", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := b.inbox.DeliveryStatus(b.ctx, channels.DeliveryReport{ProviderSID: "SMev-reply", Status: "delivered"}); err != nil {
		t.Fatal(err)
	}
	receive("SMev-words", "please stop texting me")
	return contactID, convID, rep
}

// TestConsentEvidenceAPI is GET /api/v1/contacts/{id}/evidence: every
// consent, opt-out, opt-in and message, with times and words; 401 without
// a key, 404 for an unknown contact, 400 for an id that cannot be one.
func TestConsentEvidenceAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	contactID, convID, _ := evidenceLead(t, b)

	status, raw := b.get(t, "/api/v1/contacts/"+contactID+"/evidence", apiKey)
	if status != http.StatusOK {
		t.Fatalf("evidence: %d %s", status, raw)
	}
	var ev crm.Evidence
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("evidence: %v\n%s", err, raw)
	}
	for _, field := range []string{`"generated_at"`, `"contact"`, `"consents"`, `"opt_changes"`, `"messages"`, `"page_url"`,
		`"version"`, `"delivery_reports"`, `"recorded_at"`, `"captured_at"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("the JSON has no %s field:\n%s", field, raw)
		}
	}
	if ev.Contact.ID != contactID || ev.Contact.Phone != "+19705553101" || !ev.Contact.OptedOut || ev.Contact.OptedOutAt == nil {
		t.Errorf("contact = %+v", ev.Contact)
	}
	if len(ev.Consents) != 1 {
		t.Fatalf("consents = %+v", ev.Consents)
	}
	c := ev.Consents[0]
	if c.Text != "I agree to texts from Summit. Reply STOP to opt out." || c.Version != "2026-11-form-v3" ||
		c.PageURL != "https://summit.example/quote?utm_source=fb" || c.Source != "facebook_ad" || c.IP != "203.0.113.7" ||
		!c.Granted || c.Channel != "sms" || !c.CapturedAt.Equal(time.Date(2026, 11, 30, 22, 4, 5, 0, time.UTC)) || c.RecordedAt.IsZero() {
		t.Errorf("consent = %+v", c)
	}

	want := []struct{ kind, method, words, keyword string }{
		{crm.OptOutChange, crm.OptByKeyword, "Stop.", "STOP"},
		{crm.OptInChange, crm.OptByKeyword, "start", "START"},
		{crm.OptOutChange, crm.OptByWords, "please stop texting me", ""},
	}
	if len(ev.OptChanges) != len(want) {
		t.Fatalf("opt changes = %+v", ev.OptChanges)
	}
	for i, w := range want {
		g := ev.OptChanges[i]
		if g.Kind != w.kind || g.Method != w.method || g.Words != w.words || g.Keyword != w.keyword || g.MessageID == "" ||
			g.ConversationID != convID || g.At.IsZero() || g.RecordedAt.IsZero() {
			t.Errorf("opt change %d = %+v, want %+v", i, g, w)
		}
	}
	if ev.OptChanges[2].Phrase == "" {
		t.Errorf("the plain-words opt-out names no phrase: %+v", ev.OptChanges[2])
	}
	if !ev.OptChanges[0].At.Before(ev.OptChanges[1].At) || !ev.OptChanges[1].At.Before(ev.OptChanges[2].At) {
		t.Errorf("opt changes out of order: %+v", ev.OptChanges)
	}

	var reply *crm.EvidenceMessage
	inbound := map[string]bool{}
	for i, m := range ev.Messages {
		if m.CreatedAt.IsZero() || m.Direction == "" || m.Author == "" || m.Status == "" {
			t.Errorf("message %d lacks its time, direction, author or status: %+v", i, m)
		}
		if m.Direction == crm.Inbound {
			inbound[m.Body] = true
		}
		if m.Author == crm.AuthorRep {
			reply = &ev.Messages[i]
		}
	}
	for _, body := range []string{"Stop.", "start", "please stop texting me"} {
		if !inbound[body] {
			t.Errorf("no inbound %q in %+v", body, ev.Messages)
		}
	}
	if reply == nil || reply.Body != "Hi Dana, a tune-up is $129." || reply.Direction != crm.Outbound || reply.Status != "delivered" ||
		reply.SentAt == nil || len(reply.DeliveryReports) != 1 || reply.DeliveryReports[0].Status != "delivered" {
		t.Errorf("the rep's reply = %+v", reply)
	}

	for _, tc := range []struct {
		path, key string
		want      int
	}{
		{"/api/v1/contacts/" + contactID + "/evidence", "", http.StatusUnauthorized},
		{"/api/v1/contacts/" + contactID + "/evidence", "wrong", http.StatusUnauthorized},
		{"/api/v1/contacts/00000000-0000-4000-8000-000000000000/evidence", apiKey, http.StatusNotFound},
		{"/api/v1/contacts/not-a-contact/evidence", apiKey, http.StatusBadRequest},
	} {
		if status, raw := b.get(t, tc.path, tc.key); status != tc.want || !strings.Contains(string(raw), `"error"`) {
			t.Errorf("GET %s (key %q): %d %s; want %d with an error", tc.path, tc.key, status, raw, tc.want)
		}
	}
}

// TestConsentEvidenceBadPageURL is a lead whose consent names a page that
// is not an http(s) URL: 422 naming the field, and nothing written.
func TestConsentEvidenceBadPageURL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, page := range []string{"summit.example/quote", "ftp://summit.example/", "javascript:alert(1)"} {
		status, out := b.api(t, http.MethodPost, "/api/v1/leads", `{"phone": "+19705553102", "consent": {"sms": true, "text": "ok",
			"captured_at": "2026-11-30T22:04:05Z", "page_url": "`+page+`"}}`)
		if status != http.StatusUnprocessableEntity || !strings.HasPrefix(out["error"].(string), "consent.page_url:") {
			t.Errorf("page_url %q: %d %v; want 422 naming consent.page_url", page, status, out)
		}
	}
	var n int
	if err := b.db.QueryRow(b.ctx, `SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM consents)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows written: %d (%v)", n, err)
	}
}

// TestConsentEvidenceConsole is the evidence as a rep reads it: linked
// from the conversation, a page with every item, and the JSON as a file.
func TestConsentEvidenceConsole(t *testing.T) {
	t.Parallel()
	b := setup(t)
	contactID, convID, rep := evidenceLead(t, b)
	br := b.login(t, "riley@example.com", auth.RoleRep, rep.ID)

	evidence := "/console/contacts/" + contactID + "/evidence"
	conv := br.get(t, "/console/c/"+convID)
	if conv.status != http.StatusOK || !strings.Contains(conv.body, `href="`+evidence+`">Consent evidence</a>`) {
		t.Fatalf("the conversation links no evidence: %d\n%s", conv.status, conv.body)
	}
	p := br.get(t, evidence)
	if p.status != http.StatusOK {
		t.Fatalf("evidence page: %d\n%s", p.status, p.body)
	}
	body := html.UnescapeString(p.body)
	for _, want := range []string{
		"Consent evidence: Dana Reyes", "+19705553101",
		"I agree to texts from Summit. Reply STOP to opt out.", "2026-11-form-v3", "https://summit.example/quote?utm_source=fb",
		"facebook_ad", "203.0.113.7", "2026-11-30 22:04:05 UTC",
		"“Stop.”", "keyword STOP", "opted in", "“start”", "“please stop texting me”", "plain words",
		"Hi Dana, a tune-up is $129.", "delivered", "from the lead", "to the lead",
		`href="/console/contacts/` + contactID + `/evidence.json"`, "Download JSON",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the evidence page lacks %q", want)
		}
	}

	req, err := http.NewRequest(http.MethodGet, b.srv.URL+evidence+".json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := br.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ev crm.Evidence
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &ev) != nil || ev.Contact.ID != contactID || len(ev.OptChanges) != 3 {
		t.Fatalf("download: %d %s", resp.StatusCode, raw)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="consent-evidence-`) ||
		!strings.HasSuffix(cd, `.json"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}

	// Signed out, the page and the file send the browser to sign in.
	anon := b.browser(t)
	for _, path := range []string{evidence, evidence + ".json"} {
		if p := anon.get(t, path); p.url.Path != "/login" || strings.Contains(p.body, "2026-11-form-v3") {
			t.Errorf("%s signed out: %d at %s", path, p.status, p.url)
		}
	}
	if p := br.get(t, "/console/contacts/00000000-0000-4000-8000-000000000000/evidence"); p.status != http.StatusNotFound {
		t.Errorf("an unknown contact's evidence: %d", p.status)
	}
}
