package crm

import "fmt"

// Timeline event kinds of crm's own records: messages, consent, leads,
// calls, and the contact's name and stage (EventNameLearned,
// EventStageChanged, EventCallStarted and EventCallEnded sit beside the
// code that records them). Each has its Detail type below; the JSON keys
// are the stored contract, and old rows read with them.
const (
	EventMessageReceived = "message_received"
	EventReplyQueued     = "reply_queued"
	EventMessageSent     = "message_sent"
	EventMessageFailed   = "message_failed"
	EventDeliveryStatus  = "delivery_status"
	EventOptedOut        = "opted_out"
	EventOptedIn         = "opted_in"
	EventSuppressed      = "send_suppressed"
	// EventMediaReceived is no longer recorded; old timelines have it.
	EventMediaReceived = "media_received"
	EventPhoneUnparsed = "phone_unparsed"
	// Leads from forms, ad platforms and imports.
	EventLeadCreated = "lead_created"
	EventLeadMerged  = "lead_merged"
)

// EventTypes lists the kinds crm owns, for a Kinds reader.
func EventTypes() []EventType {
	return []EventType{
		TypeOf[MessageReceived](), TypeOf[ReplyQueued](), TypeOf[MessageSent](), TypeOf[MessageFailed](),
		TypeOf[DeliveryStatus](), TypeOf[OptedOut](), TypeOf[OptedIn](), TypeOf[Suppressed](),
		TypeOf[MediaReceived](), TypeOf[PhoneUnparsed](), TypeOf[LeadCreated](), TypeOf[LeadMerged](),
		TypeOf[NameLearned](), TypeOf[StageChanged](), TypeOf[CallStarted](), TypeOf[CallEnded](),
	}
}

// MessageReceived: a lead's message was recorded, texted or said on a
// call (CallSID, with the speech's Confidence or the relay's SessionID).
type MessageReceived struct {
	MessageID string `json:"message_id"`
	SID       string `json:"sid,omitempty"`
	Media     int    `json:"media,omitempty"`
	// Redacted: the stored text had a card or other secret taken out;
	// RedactedEarlier names the message with a secret's first half.
	Redacted        bool    `json:"redacted,omitempty"`
	RedactedEarlier string  `json:"redacted_earlier,omitempty"`
	CallSID         string  `json:"call_sid,omitempty"`
	Confidence      float64 `json:"confidence,omitempty"`
	SessionID       string  `json:"session_id,omitempty"`
}

func (MessageReceived) EventKind() string { return EventMessageReceived }
func (MessageReceived) Describe() string  { return Words(EventMessageReceived) }

// ReplyQueued: an outbound message was recorded and its send job queued.
type ReplyQueued struct {
	MessageID string `json:"message_id"`
	Author    string `json:"author"`
	Outcome   string `json:"outcome"`
}

func (ReplyQueued) EventKind() string { return EventReplyQueued }
func (ReplyQueued) Describe() string  { return Words(EventReplyQueued) }

// MessageSent: the provider took a message; FoundBy says how a send whose
// answer was lost was found again.
type MessageSent struct {
	MessageID string `json:"message_id"`
	SID       string `json:"sid"`
	FoundBy   string `json:"found_by,omitempty"`
}

func (MessageSent) EventKind() string { return EventMessageSent }
func (MessageSent) Describe() string  { return Words(EventMessageSent) }

// MessageFailed: the provider refused a message for good.
type MessageFailed struct {
	MessageID string `json:"message_id"`
	Code      int    `json:"code"`
	Error     string `json:"error"`
}

func (MessageFailed) EventKind() string  { return EventMessageFailed }
func (d MessageFailed) Describe() string { return "A text failed: " + d.Error }

// DeliveryStatus: a message's delivery status changed.
type DeliveryStatus struct {
	MessageID string `json:"message_id"`
	Status    string `json:"status"`
	ErrorCode int    `json:"error_code,omitempty"`
}

func (DeliveryStatus) EventKind() string { return EventDeliveryStatus }
func (DeliveryStatus) Describe() string  { return Words(EventDeliveryStatus) }

// OptedOut: the lead opted out of texts, by a carrier keyword (Keyword),
// in plain words (Words, with the Phrase that matched), or by the
// carrier's report (Reason, Code).
type OptedOut struct {
	Keyword   string `json:"keyword,omitempty"`
	Words     string `json:"words,omitempty"`
	Phrase    string `json:"phrase,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Code      int    `json:"code,omitempty"`
}

func (OptedOut) EventKind() string { return EventOptedOut }

func (d OptedOut) Describe() string {
	if d.Words != "" {
		return `The lead opted out of texts: "` + d.Words + `"`
	}
	return "The lead opted out of texts"
}

// OptedIn: the lead opted back in with a keyword.
type OptedIn struct {
	Keyword   string `json:"keyword"`
	MessageID string `json:"message_id,omitempty"`
}

func (OptedIn) EventKind() string { return EventOptedIn }
func (OptedIn) Describe() string  { return "The lead opted back in" }

// Suppressed: a text was not sent (a message's, or a lead's first touch)
// and why.
type Suppressed struct {
	MessageID string `json:"message_id,omitempty"`
	LeadID    string `json:"lead_id,omitempty"`
	Reason    string `json:"reason"`
}

func (Suppressed) EventKind() string { return EventSuppressed }
func (Suppressed) Describe() string  { return "Not sent: the lead opted out" }

// MediaReceived: the lead sent a picture (old timelines only).
type MediaReceived struct{}

func (MediaReceived) EventKind() string { return EventMediaReceived }
func (MediaReceived) Describe() string  { return "The lead sent a picture" }

// PhoneUnparsed: the sender's number is not one E.164 can read.
type PhoneUnparsed struct {
	From string `json:"from"`
}

func (PhoneUnparsed) EventKind() string { return EventPhoneUnparsed }
func (d PhoneUnparsed) Describe() string {
	return "The sender's number could not be read: " + d.From
}

// LeadCreated: a lead arrived from a form, an ad platform or an import.
type LeadCreated struct {
	LeadID     string `json:"lead_id"`
	Source     string `json:"source"`
	Message    string `json:"message"`
	SMSConsent bool   `json:"sms_consent"`
	// EmailConsent: the lead agreed to email (absent from events
	// recorded before email consent was read).
	EmailConsent bool   `json:"email_consent,omitempty"`
	AfterHours   bool   `json:"after_hours"`
	ExternalID   string `json:"external_id,omitempty"`
	// OwnerUnknown is an owner's email no rep has.
	OwnerUnknown string `json:"owner_unknown,omitempty"`
	// Test: the platform sent it to test the connection.
	Test bool `json:"test,omitempty"`
}

func (LeadCreated) EventKind() string { return EventLeadCreated }

func (d LeadCreated) Describe() string {
	s := "New lead"
	if d.Test {
		s = "New test lead"
	}
	if d.Source != "" {
		s += " from " + Words(d.Source)
	}
	switch {
	case !d.SMSConsent && d.EmailConsent:
		s += ", email consent only"
	case !d.SMSConsent:
		s += ", no SMS consent"
	}
	if d.Message != "" {
		s += `: "` + d.Message + `"`
	}
	return s
}

// LeadMerged: a lead matched an existing contact; Changed lists what it
// updated of it.
type LeadMerged struct {
	LeadID  string   `json:"lead_id"`
	Changed []string `json:"changed"`
}

func (LeadMerged) EventKind() string { return EventLeadMerged }
func (d LeadMerged) Describe() string {
	return fmt.Sprintf("The lead matched this contact (updated: %v)", d.Changed)
}

// StageChanged: the contact moved from one stage to another, by whom and
// why.
type StageChanged struct {
	From string `json:"from"`
	To   string `json:"to"`
	By   string `json:"by"`
	Why  string `json:"why"`
}

func (StageChanged) EventKind() string { return EventStageChanged }

func (d StageChanged) Describe() string {
	s := "Stage: " + Words(d.From) + " → " + Words(d.To)
	if d.Why != "" {
		s += " (" + d.Why + ")"
	}
	return s
}

// CallStarted: the lead called.
type CallStarted struct {
	CallSID string `json:"call_sid"`
	CallID  string `json:"call_id"`
}

func (CallStarted) EventKind() string { return EventCallStarted }
func (CallStarted) Describe() string  { return "The lead called" }

// CallEnded: a call ended, how long it was and how it came out.
type CallEnded struct {
	CallSID         string `json:"call_sid"`
	CallID          string `json:"call_id"`
	DurationSeconds int    `json:"duration_seconds"`
	Outcome         string `json:"outcome"`
	Status          string `json:"status"`
}

func (CallEnded) EventKind() string { return EventCallEnded }
func (d CallEnded) Describe() string {
	return fmt.Sprintf("Call ended after %d s: %s", d.DurationSeconds, Words(d.Outcome))
}

// What other programs hear of crm's events (Published).

func (d MessageReceived) PublicEvent() PublicEvent {
	return PublicEvent{Type: PublicMessageReceived, MessageID: d.MessageID}
}

// PublicEvent: a message is sent once the provider took it.
func (d MessageSent) PublicEvent() PublicEvent {
	return PublicEvent{Type: PublicMessageSent, MessageID: d.MessageID}
}

func (d OptedOut) PublicEvent() PublicEvent {
	data := map[string]any{"keyword": d.Keyword}
	if d.Words != "" {
		data["words"] = d.Words
	}
	if d.Reason != "" {
		data["reason"] = d.Reason
	}
	return PublicEvent{Type: PublicContactOptedOut, MessageID: d.MessageID, Data: data}
}

func (d OptedIn) PublicEvent() PublicEvent {
	return PublicEvent{Type: PublicContactOptedIn, MessageID: d.MessageID, Data: map[string]any{"keyword": d.Keyword}}
}

func (d LeadCreated) PublicEvent() PublicEvent {
	return PublicEvent{Type: PublicLeadCreated, LeadID: d.LeadID}
}

func (d LeadMerged) PublicEvent() PublicEvent {
	changed := d.Changed
	if changed == nil {
		changed = []string{}
	}
	return PublicEvent{Type: PublicLeadMerged, LeadID: d.LeadID, Data: map[string]any{"changed": changed}}
}

func (d CallEnded) PublicEvent() PublicEvent {
	return PublicEvent{Type: PublicCallCompleted, Data: map[string]any{"call": map[string]any{
		"id": d.CallID, "sid": d.CallSID, "duration_seconds": d.DurationSeconds, "status": d.Status, "outcome": d.Outcome}}}
}
