// Package channels holds the channel-neutral shapes of a message coming in
// from a lead and going out to one, and the Sender that delivers outbound
// text. The Twilio specifics live in channels/twilio; a fake Twilio for demos
// and tests in channels/sandbox.
package channels

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/internal/errkind"
)

// Channel is how a lead reached the business, in crm's words.
type Channel string

const (
	SMS   Channel = crm.ChannelSMS
	Voice Channel = crm.ChannelVoice
	Web   Channel = crm.ChannelWeb
)

// Media is one attachment of an MMS.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

// Inbound is one message from a lead, as the provider delivered it.
type Inbound struct {
	Channel     Channel
	ProviderSID string // Twilio MessageSid: the idempotency key
	From        string // as sent; crm normalises it
	To          string
	Body        string
	Media       []Media
	// Fields is every parameter the provider sent, kept for the timeline.
	Fields     map[string]string
	ReceivedAt time.Time
}

// Outbound is one message to a lead.
type Outbound struct {
	To   string
	Body string
	// StatusCallback is where the provider reports delivery; empty for none.
	StatusCallback string
}

// SendResult is what the provider said when it accepted a message.
type SendResult struct {
	ProviderSID string
	Status      string
}

// Sender delivers outbound messages.
type Sender interface {
	Send(ctx context.Context, msg Outbound) (SendResult, error)
}

// Ledger is a Sender that can say what it sent: a send whose answer never
// came back (a timeout, a reset connection, a process that died while the
// provider held its answer) may have gone out all the same, and is looked
// up here before it is sent again.
type Ledger interface {
	// SentTo lists the messages the provider accepted for to since the
	// given time, newest first, queued ones included.
	SentTo(ctx context.Context, to string, since time.Time) ([]Sent, error)
}

// Sent is one message as the provider's list of sent messages shows it.
type Sent struct {
	ProviderSID string
	To          string
	Body        string
	Status      string
	Created     time.Time
}

// SendError is a refusal or failure reported by the provider.
type SendError struct {
	HTTPStatus int
	Code       int // provider error code, e.g. Twilio's 21610
	Message    string
}

func (e *SendError) Error() string {
	return fmt.Sprintf("provider answered %d (code %d): %s", e.HTTPStatus, e.Code, e.Message)
}

// Retryable reports whether sending again later may succeed: rate limits,
// server errors and transport failures are; other 4xx refusals are not.
func (e *SendError) Retryable() bool {
	return e.HTTPStatus == 429 || e.HTTPStatus >= 500 || e.HTTPStatus == 0
}

// Twilio error codes the product acts on.
const (
	CodeUnsubscribed = 21610 // the recipient replied STOP: never send again
)

// IsPermanent reports whether err is a provider refusal that retrying will
// not fix.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && !se.Retryable()
}

// MayHaveLanded reports whether a failed send may have been accepted all
// the same: no answer came back (a timeout, a reset connection), the
// provider answered 5xx, or its success answer could not be read. Only a
// 4xx answer says for certain that nothing was sent.
func MayHaveLanded(err error) bool {
	var se *SendError
	if !errors.As(err, &se) {
		return err != nil
	}
	return se.HTTPStatus < 400 || se.HTTPStatus >= 500
}

// ErrUnavailable means the message could not be recorded because a
// dependency (the database) is down; nothing was written, and the provider
// should retry. Webhooks answer it with 503.
var ErrUnavailable = errkind.Unavailable

// DeliveryReport is a provider's status callback for an outbound message.
type DeliveryReport struct {
	ProviderSID  string
	Status       string
	ErrorCode    int
	ErrorMessage string
	To           string
}

// Receiver is what the webhooks hand their messages to (the inbox).
type Receiver interface {
	Receive(ctx context.Context, in Inbound) error
	DeliveryStatus(ctx context.Context, r DeliveryReport) error
}
