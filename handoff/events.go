package handoff

import (
	"fmt"
	"time"

	"github.com/leadagent/leadagent/crm"
)

// Timeline event kinds the desk writes, each with its crm.Detail type
// below. The JSON keys are the stored contract: old rows read with them.
const (
	EventHandoff     = "handoff"
	EventRepNotified = "rep_notified"
	EventNoRepOnDuty = "no_rep_on_duty"
	EventSLANextRep  = "sla_next_rep"
	EventSLAAdmins   = "sla_admins"
	EventTakenOver   = "taken_over"
	EventHandedBack  = "handed_back"
	EventClosed      = "closed"
	EventNote        = "note"
	EventRepAssigned = "rep_assigned"
	// EventRepReplied is recorded by the inbox, which sends the reply.
	EventRepReplied = "rep_replied"
)

// EventTypes lists the kinds handoff owns, for a crm.Kinds reader.
func EventTypes() []crm.EventType {
	return []crm.EventType{
		crm.TypeOf[HandedOff](), crm.TypeOf[RepNotified](), crm.TypeOf[NoRepOnDuty](), crm.TypeOf[SLANextRep](),
		crm.TypeOf[SLAAdmins](), crm.TypeOf[TakenOver](), crm.TypeOf[HandedBack](), crm.TypeOf[Closed](),
		crm.TypeOf[Note](), crm.TypeOf[RepAssigned](), crm.TypeOf[RepReplied](),
	}
}

// HandedOff: the conversation was handed to a person, why, and the
// summary the rep was sent.
type HandedOff struct {
	HandoffID    int64  `json:"handoff_id"`
	Reason       string `json:"reason"`
	Detail       string `json:"detail"`
	Summary      string `json:"summary"`
	RulesVersion int    `json:"rules_version"`
}

func (HandedOff) EventKind() string { return EventHandoff }
func (d HandedOff) Describe() string {
	return fmt.Sprintf("Handed off: %s (%s)", ReasonLabel(d.Reason), d.Detail)
}

// RepNotified: a rep was texted; Notify is why (NotifyHandoff,
// NotifyLeadMessage, ...).
type RepNotified struct {
	HandoffID      int64  `json:"handoff_id,omitempty"`
	Rep            string `json:"rep"`
	RepID          string `json:"rep_id"`
	Notify         string `json:"kind"`
	NotificationID string `json:"notification_id"`
	LeadID         string `json:"lead_id,omitempty"`
}

func (RepNotified) EventKind() string { return EventRepNotified }

func (d RepNotified) Describe() string {
	switch d.Notify {
	case NotifyLeadMessage:
		return d.Rep + " was texted that the lead wrote"
	case NotifyNextRep:
		return d.Rep + " was texted: still unclaimed"
	case NotifyAdmin:
		return d.Rep + " (admin) was texted: SLA missed"
	case NotifyNewLead:
		return d.Rep + " was texted to call the lead (no SMS consent)"
	}
	return d.Rep + " was texted the handoff"
}

// NoRepOnDuty: nobody was on duty for a handoff (or for a lead who may
// not be texted, Notify NotifyNewLead); NextOnDuty is when the next rep
// will be texted, zero when no opening hours are set.
type NoRepOnDuty struct {
	HandoffID  int64     `json:"handoff_id,omitempty"`
	NextOnDuty time.Time `json:"next_on_duty,omitzero"`
	LeadID     string    `json:"lead_id,omitempty"`
	Notify     string    `json:"kind,omitempty"`
}

func (NoRepOnDuty) EventKind() string { return EventNoRepOnDuty }

func (d NoRepOnDuty) Describe() string {
	if !d.NextOnDuty.IsZero() {
		return "Nobody on duty: the next rep will be texted at " + d.NextOnDuty.Local().Format("Mon Jan 2 15:04")
	}
	return "Nobody on duty, and no opening hours set"
}

// RepAssigned: a rep came on duty and was given a handoff that had
// found nobody.
type RepAssigned struct {
	HandoffID int64  `json:"handoff_id"`
	Rep       string `json:"rep"`
	RepID     string `json:"rep_id"`
}

func (RepAssigned) EventKind() string { return EventRepAssigned }
func (d RepAssigned) Describe() string {
	return d.Rep + " came on duty and was given the handoff"
}

// SLANextRep: the handoff went unclaimed past the SLA and the next rep
// on duty was asked too.
type SLANextRep struct {
	HandoffID     int64  `json:"handoff_id"`
	Rep           string `json:"rep"`
	RepID         string `json:"rep_id"`
	WaitedMinutes int    `json:"waited_minutes"`
}

func (SLANextRep) EventKind() string { return EventSLANextRep }
func (d SLANextRep) Describe() string {
	return fmt.Sprintf("Unclaimed after %d min: asked %s too", d.WaitedMinutes, d.Rep)
}

// SLAAdmins: the handoff went unclaimed past the SLA's last step and the
// admins were told.
type SLAAdmins struct {
	HandoffID     int64    `json:"handoff_id"`
	Admins        []string `json:"admins"`
	WaitedMinutes int      `json:"waited_minutes"`
}

func (SLAAdmins) EventKind() string { return EventSLAAdmins }
func (d SLAAdmins) Describe() string {
	return fmt.Sprintf("Unclaimed after %d min: the admins were told", d.WaitedMinutes)
}

// TakenOver: a rep took the conversation over, from the mode it was in;
// with an open handoff, which one and how long it waited.
type TakenOver struct {
	Rep           string `json:"rep"`
	RepID         string `json:"rep_id"`
	From          string `json:"from"`
	HandoffID     int64  `json:"handoff_id,omitempty"`
	WaitedSeconds *int   `json:"waited_seconds,omitempty"`
}

func (TakenOver) EventKind() string  { return EventTakenOver }
func (d TakenOver) Describe() string { return d.Rep + " took over" }

// HandedBack: a person gave the conversation back to the agent.
type HandedBack struct {
	By string `json:"by"`
}

func (HandedBack) EventKind() string  { return EventHandedBack }
func (d HandedBack) Describe() string { return "Handed back to the agent by " + d.By }

// Closed: a person closed the conversation with an outcome (one of
// CloseOutcomes).
type Closed struct {
	Outcome string `json:"outcome"`
	By      string `json:"by"`
}

func (Closed) EventKind() string { return EventClosed }
func (d Closed) Describe() string {
	return "Closed as " + crm.Words(d.Outcome) + " by " + d.By
}

// Note: a rep's note. The console shows Text apart, under Describe.
type Note struct {
	Text  string `json:"text"`
	By    string `json:"by"`
	RepID string `json:"rep_id"`
}

func (Note) EventKind() string  { return EventNote }
func (d Note) Describe() string { return "Note by " + d.By }

// RepReplied: a rep's reply to the lead was queued.
type RepReplied struct {
	MessageID string `json:"message_id"`
	RepID     string `json:"rep_id"`
	By        string `json:"by"`
}

func (RepReplied) EventKind() string { return EventRepReplied }
func (RepReplied) Describe() string  { return crm.Words(EventRepReplied) }

// What other programs hear of the desk's events (crm.Published).

func (d HandedOff) PublicEvent() crm.PublicEvent {
	return crm.PublicEvent{Type: crm.PublicHandoffOpened, Data: map[string]any{"handoff": map[string]any{
		"id": d.HandoffID, "reason": d.Reason, "detail": d.Detail, "summary": d.Summary}}}
}

func (d TakenOver) PublicEvent() crm.PublicEvent {
	h := map[string]any{"rep": map[string]any{"id": d.RepID, "name": d.Rep}, "from": d.From}
	if d.HandoffID != 0 {
		h["id"] = d.HandoffID
	}
	if d.WaitedSeconds != nil {
		h["waited_seconds"] = *d.WaitedSeconds
	}
	return crm.PublicEvent{Type: crm.PublicHandoffClaimed, Data: map[string]any{"handoff": h}}
}

func (d HandedBack) PublicEvent() crm.PublicEvent {
	return crm.PublicEvent{Type: crm.PublicConversationBack, Data: map[string]any{"by": d.By}}
}

func (d Closed) PublicEvent() crm.PublicEvent {
	return crm.PublicEvent{Type: crm.PublicConversationClosed, Data: map[string]any{"outcome": d.Outcome, "by": d.By}}
}
