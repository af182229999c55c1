package crm

import (
	"time"
)

// Mode says who answers a conversation.
type Mode string

const (
	ModeAI             Mode = "ai"
	ModeHandoffPending Mode = "handoff_pending"
	ModeHuman          Mode = "human"
	ModeClosed         Mode = "closed"
)

// Valid reports whether m is one of the four modes.
func (m Mode) Valid() bool {
	switch m {
	case ModeAI, ModeHandoffPending, ModeHuman, ModeClosed:
		return true
	}
	return false
}

// Outbound message statuses of our own, before and besides Twilio's
// (queued, sending, sent, delivered, undelivered, failed).
const (
	StatusPending    = "pending"    // recorded, waiting for the send job
	StatusSuppressed = "suppressed" // not sent: the lead opted out
	StatusReceived   = "received"   // inbound
	StatusSpoken     = "spoken"     // said on a call, not sent
)

// Contact is a lead or customer.
type Contact struct {
	ID            string     `json:"id"`
	Phone         string     `json:"phone"`
	PhoneValid    bool       `json:"phone_valid"`
	Name          string     `json:"name"`
	Email         string     `json:"email"`
	Source        string     `json:"source"`
	Stage         string     `json:"stage"`
	Notes         string     `json:"notes,omitempty"`
	OptedOut      bool       `json:"opted_out"`
	OptedOutAt    *time.Time `json:"opted_out_at,omitempty"`
	OptOutKeyword string     `json:"opt_out_keyword,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	// OwnerRepID is the rep who owns the lead ("" for none): their
	// handoffs go to that rep first.
	OwnerRepID string `json:"owner_rep_id,omitempty"`
}

// Conversation is one thread with a contact on one channel.
type Conversation struct {
	ID            string    `json:"id"`
	ContactID     string    `json:"-"`
	Channel       string    `json:"channel"`
	Mode          Mode      `json:"mode"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	LastMessageAt time.Time `json:"last_message_at"`
	// AssignedRepID is the rep the conversation is with or was offered to
	// ("" for none).
	AssignedRepID string `json:"-"`
	// ClosedOutcome is how a rep closed it: booked, not_interested, ...
	ClosedOutcome string     `json:"closed_outcome,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	Contact       Contact    `json:"contact"`
	// LastMessage is the newest message's body, filled by List.
	LastMessage string `json:"last_message,omitempty"`
	// Unread: the lead wrote since the reading rep last opened it (List,
	// with Filter.ReaderRepID).
	Unread   bool      `json:"-"`
	Messages []Message `json:"messages,omitempty"`
	Timeline []Event   `json:"timeline,omitempty"`
}

// Media is one MMS attachment.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

// Message is one text in or out.
type Message struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"-"`
	Direction      string     `json:"direction"`
	Author         string     `json:"author"`
	Body           string     `json:"body"`
	ProviderSID    string     `json:"provider_sid,omitempty"`
	ReplyTo        string     `json:"reply_to,omitempty"`
	Outcome        string     `json:"outcome,omitempty"`
	Status         string     `json:"status"`
	ErrorCode      int        `json:"error_code,omitempty"`
	ErrorMessage   string     `json:"error_message,omitempty"`
	Citations      []int64    `json:"citations,omitempty"`
	Media          []Media    `json:"media,omitempty"`
	Segments       int        `json:"segments,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	Turn           *Turn      `json:"turn,omitempty"`
	// Channel is sms or voice; CallID is the call a spoken message was
	// said on.
	Channel string `json:"channel"`
	CallID  string `json:"call_id,omitempty"`
	// AutoReply marks a lead's email that answered itself (an
	// out-of-office): recorded, never answered, and not a reply that
	// stops follow-ups.
	AutoReply bool `json:"auto_reply,omitempty"`
}

// Turn is how an automatic reply was produced.
type Turn struct {
	AnsweredBy       string         `json:"answered_by"` // llm, offline or fallback
	Model            string         `json:"model"`
	PromptVersion    string         `json:"prompt_version,omitempty"`
	PromptTokens     int            `json:"prompt_tokens"`
	CompletionTokens int            `json:"completion_tokens"`
	LatencyMS        float64        `json:"latency_ms"`
	Signals          map[string]any `json:"signals,omitempty"`
}
