package hubspot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
)

// event is a public event's payload as crm's outbox writes it, the parts
// HubSpot's sync reads.
type event struct {
	Type      string    `json:"type"`
	Version   int       `json:"version"`
	Timestamp time.Time `json:"timestamp"`
	Data      eventData `json:"data"`
}

type eventData struct {
	Contact      eventContact       `json:"contact"`
	Conversation *eventConversation `json:"conversation"`
	Message      *eventMessage      `json:"message"`
	Call         *eventCall         `json:"call"`
	Handoff      *eventHandoff      `json:"handoff"`
	Outcome      string             `json:"outcome"`
	By           string             `json:"by"`
}

type eventContact struct {
	ID    string `json:"id"`
	Phone string `json:"phone"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type eventRep struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type eventConversation struct {
	ID          string    `json:"id"`
	Channel     string    `json:"channel"`
	AssignedRep *eventRep `json:"assigned_rep"`
}

type eventMessage struct {
	ID        string    `json:"id"`
	Direction string    `json:"direction"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	Channel   string    `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
}

type eventCall struct {
	ID              string `json:"id"`
	SID             string `json:"sid"`
	DurationSeconds int    `json:"duration_seconds"`
	Status          string `json:"status"`
	Outcome         string `json:"outcome"`
}

type eventHandoff struct {
	// ID is the handoff's number (0 when the event has none).
	ID      int64     `json:"id"`
	Reason  string    `json:"reason"`
	Detail  string    `json:"detail"`
	Summary string    `json:"summary"`
	Rep     *eventRep `json:"rep"`
}

// parseEvent reads a payload; one without a contact cannot be synced.
func parseEvent(eventType string, payload []byte) (event, error) {
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		return event{}, fmt.Errorf("hubspot: read %s payload: %w", eventType, err)
	}
	if e.Type == "" {
		e.Type = eventType
	}
	if e.Data.Contact.ID == "" {
		return event{}, fmt.Errorf("hubspot: %s payload has no contact", eventType)
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = time.Now()
	}
	return e, nil
}

// synced lists the public events HubSpot's sync acts on: every one, as
// each may carry a contact's change. An unknown type is not queued.
var synced = []string{
	crm.PublicLeadCreated, crm.PublicLeadMerged, crm.PublicMessageReceived, crm.PublicMessageSent,
	crm.PublicCallCompleted, crm.PublicHandoffOpened, crm.PublicHandoffClaimed, crm.PublicConversationBack,
	crm.PublicConversationClosed, crm.PublicContactOptedOut, crm.PublicContactOptedIn,
}

// Syncs reports whether the sink queues events of this type.
func Syncs(eventType string) bool { return slices.Contains(synced, eventType) }

// Events are the public event types the sync writes to HubSpot: its
// subscription to the outbox.
func Events() []string { return slices.Clone(synced) }

// splitName splits a full name into HubSpot's first and last name: the
// last word is the last name.
func splitName(name string) (first, last string) {
	f := strings.Fields(name)
	switch len(f) {
	case 0:
		return "", ""
	case 1:
		return f[0], ""
	}
	return strings.Join(f[:len(f)-1], " "), f[len(f)-1]
}

// contactProps are the properties a contact of ours writes; empty values
// are left out, so a sync never blanks what the business typed in HubSpot.
func contactProps(c eventContact) map[string]string {
	p := map[string]string{}
	if c.Email != "" {
		p["email"] = c.Email
	}
	if c.Phone != "" {
		p["phone"] = c.Phone
	}
	first, last := splitName(c.Name)
	if first != "" {
		p["firstname"] = first
	}
	if last != "" {
		p["lastname"] = last
	}
	return p
}

// propsHash is a stable hash of properties: an unchanged contact is not
// written twice.
func propsHash(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, p[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// hsTime is a time as HubSpot's hs_timestamp takes it.
func hsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// author says who wrote a message, for its logged body.
func author(m eventMessage, rep *eventRep) string {
	switch m.Author {
	case crm.AuthorLead:
		return "Lead"
	case crm.AuthorAI:
		return "Agent"
	case crm.AuthorRep:
		if rep != nil && rep.Name != "" {
			return "Rep (" + rep.Name + ")"
		}
		return "Rep"
	}
	return "System"
}

// communicationProps is a text as a HubSpot communication (SMS).
func communicationProps(m eventMessage, rep *eventRep) map[string]string {
	return map[string]string{
		"hs_communication_channel_type": "SMS",
		"hs_communication_logged_from":  "CRM",
		"hs_communication_body":         author(m, rep) + ": " + m.Body,
		"hs_timestamp":                  hsTime(m.CreatedAt),
	}
}

// callProps is a call as a HubSpot call.
func callProps(c eventCall, k crm.Call, at time.Time, transcript string) map[string]string {
	direction := "INBOUND"
	if k.Direction == "outbound" || strings.HasPrefix(k.Direction, "outbound") {
		direction = "OUTBOUND"
	}
	body := "Outcome: " + crm.Words(c.Outcome)
	if transcript != "" {
		body += "\n\n" + transcript
	}
	p := map[string]string{
		"hs_timestamp":      hsTime(at),
		"hs_call_title":     "Call with the after-hours agent",
		"hs_call_body":      body,
		"hs_call_direction": direction,
		"hs_call_duration":  strconv.Itoa(c.DurationSeconds * 1000),
		"hs_call_status":    callStatus(c.Status),
	}
	if k.From != "" {
		p["hs_call_from_number"] = k.From
	}
	if k.To != "" {
		p["hs_call_to_number"] = k.To
	}
	return p
}

// maxTranscript bounds a call's transcript in its HubSpot body.
const maxTranscript = 20000

// transcriptOf is what was said on a call, a line a turn.
func transcriptOf(said []crm.Message) string {
	var b strings.Builder
	for _, m := range said {
		who := "Agent"
		switch m.Author {
		case crm.AuthorLead:
			who = "Caller"
		case crm.AuthorRep:
			who = "Rep"
		}
		line := who + ": " + m.Body + "\n"
		if b.Len()+len(line) > maxTranscript {
			b.WriteString("…\n")
			break
		}
		b.WriteString(line)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// callStatus is a Twilio call status as HubSpot's hs_call_status.
func callStatus(s string) string {
	switch s {
	case "busy":
		return "BUSY"
	case "no-answer":
		return "NO_ANSWER"
	case "failed":
		return "FAILED"
	case "canceled":
		return "CANCELED"
	case "in-progress":
		return "IN_PROGRESS"
	}
	return "COMPLETED"
}

// taskProps is a handoff as a HubSpot task for the rep's owner ("" for
// none matched).
func taskProps(e event, ownerID, consoleURL string) map[string]string {
	h := e.Data.Handoff
	who := e.Data.Contact.Name
	if who == "" {
		who = e.Data.Contact.Phone
	}
	subject := "Follow up with " + who
	if h.Reason != "" {
		subject += ": " + crm.Words(h.Reason)
	}
	var body []string
	if h.Summary != "" {
		body = append(body, h.Summary)
	}
	if h.Detail != "" {
		body = append(body, "Why: "+h.Detail)
	}
	body = append(body, "Phone: "+e.Data.Contact.Phone)
	if consoleURL != "" && e.Data.Conversation != nil {
		body = append(body, "Conversation: "+strings.TrimRight(consoleURL, "/")+"/console/c/"+e.Data.Conversation.ID)
	}
	if ownerID == "" && h.Rep != nil && h.Rep.Name != "" {
		body = append(body, "For "+h.Rep.Name+" (no HubSpot owner matched)")
	}
	p := map[string]string{
		"hs_timestamp":     hsTime(e.Timestamp),
		"hs_task_subject":  subject,
		"hs_task_body":     strings.Join(body, "\n"),
		"hs_task_status":   "NOT_STARTED",
		"hs_task_priority": "HIGH",
		"hs_task_type":     "CALL",
	}
	if ownerID != "" {
		p["hubspot_owner_id"] = ownerID
	}
	return p
}

// Close modes (HUBSPOT_CLOSE_AS).
const (
	CloseAsLifecycle = "lifecycle"
	CloseAsDeal      = "deal"
)

// closeResult is how a close outcome reads in HubSpot: won, lost, or
// neither (a spam, a wrong number); stage is the lifecycle stage a close
// moves the contact to in lifecycle mode ("" leaves it).
type closeResult struct {
	won, lost bool
	stage     string
}

// closeOf maps a close outcome (handoff.CloseOutcomes).
func closeOf(outcome string) closeResult {
	switch outcome {
	case "booked":
		return closeResult{won: true, stage: "customer"}
	case "quoted":
		return closeResult{stage: "opportunity"}
	case "not_interested", "no_response":
		return closeResult{lost: true}
	}
	return closeResult{}
}

// dealProps is a close as a HubSpot deal.
func dealProps(e event, won bool) map[string]string {
	who := e.Data.Contact.Name
	if who == "" {
		who = e.Data.Contact.Phone
	}
	stage := "closedlost"
	if won {
		stage = "closedwon"
	}
	return map[string]string{
		"dealname":  who + " (" + crm.Words(e.Data.Outcome) + ")",
		"pipeline":  "default",
		"dealstage": stage,
		"closedate": hsTime(e.Timestamp),
	}
}

// closeLocalID names a close: the conversation and when.
func closeLocalID(e event) string {
	conv := ""
	if e.Data.Conversation != nil {
		conv = e.Data.Conversation.ID
	}
	return conv + "@" + e.Timestamp.UTC().Format(time.RFC3339Nano)
}

// handoffLocalID names a handoff: its number, else the conversation and
// when.
func handoffLocalID(e event) string {
	if h := e.Data.Handoff; h != nil && h.ID != 0 {
		return strconv.FormatInt(h.ID, 10)
	}
	return closeLocalID(e)
}
