package inbox

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
)

// splitCardWindow is how far back the lead's previous text may be to hold
// the first half of a card number the next one finishes.
const splitCardWindow = 10 * time.Minute

// cleanInbound makes what a provider delivered text that can be stored
// (crm.CleanText): a stray byte costs a character, never the message,
// which the provider may not send again.
func cleanInbound(in channels.Inbound) channels.Inbound {
	in.ProviderSID, in.From, in.To, in.Body = crm.CleanText(in.ProviderSID), crm.CleanText(in.From), crm.CleanText(in.To),
		crm.CleanText(in.Body)
	for i, m := range in.Media {
		in.Media[i] = channels.Media{URL: crm.CleanText(m.URL), ContentType: crm.CleanText(m.ContentType)}
	}
	for k, v := range in.Fields {
		in.Fields[k] = crm.CleanText(v)
	}
	return in
}

// cardSplit is the first half of a card number a lead sent over two
// texts: their earlier message, and its body with the half marked.
type cardSplit struct {
	earlier crm.Message
	body    string
}

// splitCard looks for a card number the lead began in their previous
// text and finishes in this one (agent.RedactSplitCard). When it finds
// one, in's half is redacted now, before it is stored, and the returned
// split marks the earlier half once in is recorded. Only an inbox that
// redacts looks; nil when there is nothing to mark.
func (ib *Inbox) splitCard(ctx context.Context, tx pgx.Tx, conversationID string, in *channels.Inbound) (*cardSplit, error) {
	if ib.redact == nil || strings.IndexFunc(in.Body, unicode.IsNumber) < 0 {
		// Without a digit (in any script or form) the text cannot hold a
		// card's second half: most texts, and the webhook asks nothing.
		return nil, nil
	}
	prev, err := crm.LastInbound(ctx, tx, conversationID, in.ReceivedAt.Add(-splitCardWindow))
	if errors.Is(err, crm.ErrNotFound) || err == nil && prev.ProviderSID == in.ProviderSID {
		return nil, nil // nothing earlier, or a retry of the same text
	}
	if err != nil {
		return nil, err
	}
	earlier, later, ok := agent.RedactSplitCard(prev.Body, in.Body)
	if !ok {
		return nil, nil
	}
	in.Body = later
	return &cardSplit{earlier: prev, body: earlier}, nil
}

// mark redacts the earlier half; a nil split has none.
func (s *cardSplit) mark(ctx context.Context, tx pgx.Tx) error {
	if s == nil {
		return nil
	}
	return crm.RedactInbound(ctx, tx, s.earlier.ID, s.body)
}
