package inbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/crm"
)

// Timeline event kinds the inbox records, each with its crm.Detail type
// below. The JSON keys are the stored contract: old rows read with them.
const (
	// What an agent's turn did besides its reply (turnEvents).
	EventAgentFallback     = "agent_fallback"
	EventGuardrail         = "guardrail"
	EventHandoffRequested  = "handoff_requested"
	EventCallbackRequested = "callback_requested"

	// Speed to lead.
	EventFirstTouch        = "first_touch"
	EventFirstTouchSkipped = "first_touch_skipped"
	// EventFirstTouchWaiting is on the timeline when a first touch waits
	// for the lead's contact window (Config.FirstTouchInWindow).
	EventFirstTouchWaiting = "first_touch_waiting"
	EventCadenceStarted    = "cadence_started"
	EventCadenceStep       = "cadence_step_sent"
	EventCadenceWaiting    = "cadence_step_waiting"
	EventCadenceSkipped    = "cadence_step_skipped"
	EventCadenceStopped    = "cadence_stopped"
	EventCadenceCompleted  = "cadence_completed"
)

// EventTypes lists the kinds inbox owns, for a crm.Kinds reader.
func EventTypes() []crm.EventType {
	return []crm.EventType{
		crm.TypeOf[AgentFallback](), crm.TypeOf[Guardrail](), crm.TypeOf[HandoffRequested](), crm.TypeOf[CallbackRequested](),
		crm.TypeOf[FirstTouch](), crm.TypeOf[FirstTouchSkipped](), crm.TypeOf[FirstTouchWaiting](),
		crm.TypeOf[CadenceStarted](), crm.TypeOf[CadenceStep](), crm.TypeOf[CadenceWaiting](), crm.TypeOf[CadenceSkipped](),
		crm.TypeOf[CadenceStopped](), crm.TypeOf[CadenceCompleted](),
	}
}

// AgentFallback: the model failed and the offline agent answered.
type AgentFallback struct {
	Reason string `json:"reason"`
}

func (AgentFallback) EventKind() string { return EventAgentFallback }
func (d AgentFallback) Describe() string {
	return "The model failed (" + d.Reason + "); the offline agent answered"
}

// Guardrail: guardrails changed the agent's reply; Rules names them
// (agent.GuardAIDisclosure, ...).
type Guardrail struct {
	Rules []string `json:"rules"`
}

func (Guardrail) EventKind() string { return EventGuardrail }

func (d Guardrail) Describe() string {
	out := make([]string, 0, len(d.Rules))
	for _, g := range d.Rules {
		if w, ok := guardrailWords[g]; ok {
			out = append(out, w)
		} else {
			out = append(out, crm.Words(g))
		}
	}
	return "A guardrail changed the reply: " + strings.Join(out, "; ")
}

// guardrailWords says what each guardrail did, for the timeline.
var guardrailWords = map[string]string{
	agent.GuardAIDisclosure: "said it is the AI assistant", agent.GuardAIIdentity: "said it is not a person",
	agent.GuardNoHumanClaim: "removed a claim to be a person", agent.GuardUnsupportedPrice: "removed a price the knowledge does not give",
	agent.GuardUnsupportedDiscount: "removed a discount the knowledge does not give", agent.GuardUnsupportedGuarantee: "removed a guarantee",
	agent.GuardUnsupportedAppointment: "removed an appointment time", agent.GuardPromptLeak: "kept its instructions private",
	agent.GuardPromptInjection:    "ignored instructions hidden in the message",
	agent.GuardUnsupportedContact: "removed a phone number, link or address the knowledge does not give",
	agent.GuardUnsupportedNumber:  "removed a figure the knowledge does not give",
	agent.GuardSensitiveRequest:   "removed a request for card, bank or identity details",
}

// HandoffRequested: the model asked for a person, why, and its note for
// the rep.
type HandoffRequested struct {
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

func (HandoffRequested) EventKind() string { return EventHandoffRequested }
func (d HandoffRequested) Describe() string {
	return "The model asked for a person: " + d.Summary
}

// CallbackRequested: the lead asked to be called back, When in their
// words.
type CallbackRequested struct {
	When string `json:"when"`
}

func (CallbackRequested) EventKind() string { return EventCallbackRequested }
func (d CallbackRequested) Describe() string {
	return "The lead asked for a call back " + d.When
}

// FirstTouch: the first message to a new lead was written: a text, or
// (Channel email) an email.
type FirstTouch struct {
	LeadID    string `json:"lead_id"`
	MessageID string `json:"message_id"`
	Channel   string `json:"channel,omitempty"`
}

func (FirstTouch) EventKind() string { return EventFirstTouch }
func (d FirstTouch) Describe() string {
	if d.Channel == crm.ChannelEmail {
		return "First email to the lead written"
	}
	return "First text to the lead written"
}

// FirstTouchSkipped: a new lead gets no first text, and why.
type FirstTouchSkipped struct {
	LeadID string `json:"lead_id"`
	Reason string `json:"reason"`
}

func (FirstTouchSkipped) EventKind() string { return EventFirstTouchSkipped }
func (d FirstTouchSkipped) Describe() string {
	return "No first text: " + crm.Words(d.Reason)
}

// Hold is why and until when an automated text waits for the lead's
// contact window: its hours (holdQuietHours) or its cap a day
// (holdDailyCap), under the law of the lead's state.
type Hold struct {
	Until    time.Time `json:"until"`
	TimeZone string    `json:"time_zone"`
	Reason   string    `json:"reason"`
	Law      string    `json:"law"`
	State    string    `json:"state,omitempty"`
}

// heldFor says why a text waits, in the lead's state and time zone.
func (h Hold) heldFor() string {
	why := h.Reason
	if why == "" {
		why = holdQuietHours
	}
	if h.State != "" {
		why += " in " + h.State
	}
	return why + " (" + h.TimeZone + ")"
}

// FirstTouchWaiting: a first text waits for the lead's contact window.
type FirstTouchWaiting struct {
	Hold
	LeadID string `json:"lead_id"`
}

func (FirstTouchWaiting) EventKind() string { return EventFirstTouchWaiting }
func (d FirstTouchWaiting) Describe() string {
	return "First text held for " + d.heldFor()
}

// CadenceStarted: a lead's follow-ups started.
type CadenceStarted struct {
	RunID   string `json:"run_id"`
	Version int    `json:"version"`
	Steps   int    `json:"steps"`
}

func (CadenceStarted) EventKind() string { return EventCadenceStarted }
func (d CadenceStarted) Describe() string {
	return fmt.Sprintf("Follow-ups started (%d steps)", d.Steps)
}

// RunStep is the follow-up run and its step (from 1) an event is about.
type RunStep struct {
	RunID string `json:"run_id"`
	Step  int    `json:"step"`
}

// CadenceStep: a follow-up was written and queued, by text or (Channel
// email) by email.
type CadenceStep struct {
	RunStep
	MessageID string `json:"message_id"`
	Channel   string `json:"channel,omitempty"`
}

func (CadenceStep) EventKind() string { return EventCadenceStep }
func (d CadenceStep) Describe() string {
	if d.Channel == crm.ChannelEmail {
		return fmt.Sprintf("Follow-up %d sent by email", d.Step)
	}
	return fmt.Sprintf("Follow-up %d sent", d.Step)
}

// CadenceSkipped: a follow-up was passed over, and why ("opted out of
// email", "no email consent"): a later step may still go on another
// channel.
type CadenceSkipped struct {
	RunStep
	Reason string `json:"reason"`
}

func (CadenceSkipped) EventKind() string { return EventCadenceSkipped }
func (d CadenceSkipped) Describe() string {
	return fmt.Sprintf("Follow-up %d skipped: %s", d.Step, d.Reason)
}

// CadenceWaiting: a follow-up waits for the lead's contact window.
type CadenceWaiting struct {
	RunStep
	Hold
}

func (CadenceWaiting) EventKind() string { return EventCadenceWaiting }
func (d CadenceWaiting) Describe() string {
	return fmt.Sprintf("Follow-up %d held for %s", d.Step, d.heldFor())
}

// CadenceStopped: the follow-ups stopped, and why (cadence.StopReplied,
// ...).
type CadenceStopped struct {
	RunStep
	Reason string `json:"reason"`
}

func (CadenceStopped) EventKind() string { return EventCadenceStopped }
func (d CadenceStopped) Describe() string {
	return "Follow-ups stopped: " + crm.Words(d.Reason)
}

// CadenceCompleted: the last follow-up went out.
type CadenceCompleted struct {
	RunStep
	Steps int `json:"steps"`
}

func (CadenceCompleted) EventKind() string { return EventCadenceCompleted }
func (CadenceCompleted) Describe() string  { return "Follow-ups finished" }
