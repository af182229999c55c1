package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
)

// EmailOutcome says what ReceiveEmail did with an email, for its caller's
// log and its tests.
type EmailOutcome string

const (
	EmailRecorded     EmailOutcome = "recorded"     // a lead's email, on their email conversation
	EmailDuplicate    EmailOutcome = "duplicate"    // that Message-ID was recorded before
	EmailAutoReply    EmailOutcome = "auto_reply"   // recorded, never answered
	EmailBounce       EmailOutcome = "bounce"       // on the timeline; a hard one marks the address invalid
	EmailUnmatched    EmailOutcome = "unmatched"    // a bounce for an address no contact has
	EmailUnsubscribed EmailOutcome = "unsubscribed" // the List-Unsubscribe mailto
)

// ReceiveEmail records an email that arrived (from the SMTP receiver or an
// inbound-parse webhook) in one transaction: on the conversation its
// Reply-To token names, else on the sender's email conversation (a
// contact is made for an unknown address). A redelivery of the same
// Message-ID changes nothing. Auto-replies and bounces are recorded and
// never answered; a hard bounce marks the address invalid. An email that
// carries no token but answers one we sent (In-Reply-To, References)
// lands on that email's conversation. A lead's personal email is their
// reply on every channel: it stops their follow-ups, texts included; the
// List-Unsubscribe mailto stops the ones that only email could take.
//
// A lead's personal email on a conversation the agent has goes to the
// agent's reply job, as a text does (decideEmail); the reply goes out by
// email (sendEmail).
func (ib *Inbox) ReceiveEmail(ctx context.Context, in email.Inbound) (EmailOutcome, error) {
	if in.From == "" {
		return "", errors.New("receive email: no sender")
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = ib.now()
	}
	class := in.Classify()
	replyToken, unsubToken := email.Tokens(in.To)
	var outcome EmailOutcome
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		switch {
		case unsubToken != "":
			outcome = EmailUnsubscribed
			err := ib.unsubscribe(ctx, tx, unsubToken, "mailto", in.ReceivedAt)
			if errors.Is(err, crm.ErrNotFound) {
				ib.logger.Warn("unsubscribe email with an unknown token", "message_id", in.MessageID)
				return nil
			}
			return err
		case class.Kind == email.KindBounce:
			outcome, err = ib.recordBounce(ctx, tx, in, class)
			return err
		}
		outcome, err = ib.recordEmail(ctx, tx, in, class, replyToken)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("receive email %s: %w", in.MessageID, err)
	}
	return outcome, nil
}

// UnsubscribeEmail opts the contact named by an unsubscribe token out of
// email at once (the link's page, a mail client's one-click: via "link"
// or "one_click") and stops the follow-ups only email could carry, as the
// mailto address does. crm.ErrNotFound for an unknown token.
func (ib *Inbox) UnsubscribeEmail(ctx context.Context, token, via string) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		return ib.unsubscribe(ctx, tx, token, via, ib.now())
	})
}

func (ib *Inbox) unsubscribe(ctx context.Context, tx pgx.Tx, token, via string, at time.Time) error {
	c, err := crm.ContactByUnsubscribeToken(ctx, tx, token)
	if err != nil {
		return err
	}
	return ib.optOutOfEmail(ctx, tx, c.ID, crm.EmailOptedOut{Via: via}, at)
}

// optOutOfEmail opts the contact out of email, however they asked, and
// stops the follow-ups only email could carry.
func (ib *Inbox) optOutOfEmail(ctx context.Context, tx pgx.Tx, contactID string, how crm.EmailOptedOut, at time.Time) error {
	changed, err := crm.OptOutOfEmail(ctx, tx, contactID, how, at)
	if err != nil || !changed {
		return err
	}
	return ib.stopUnreachable(ctx, tx, contactID)
}

// emailSID is the email's provider id: its Message-ID, or, for a message
// without one, a digest of what it says, so a redelivery still matches.
func emailSID(in email.Inbound) string {
	if in.MessageID != "" {
		return "email:" + in.MessageID
	}
	h := sha256.Sum256([]byte(in.From + "\x00" + in.Subject + "\x00" + in.ReceivedAt.UTC().String() + "\x00" + in.Text))
	return "email:sha256:" + hex.EncodeToString(h[:16])
}

func (ib *Inbox) recordEmail(ctx context.Context, tx pgx.Tx, in email.Inbound, class email.Classification, replyToken string) (EmailOutcome, error) {
	var conv crm.Conversation
	var contact crm.Contact
	if replyToken != "" {
		c, err := crm.ConversationByReplyToken(ctx, tx, replyToken)
		switch {
		case err == nil && c.Mode != crm.ModeClosed:
			conv, contact = c, c.Contact
		case err == nil:
			contact = c.Contact // a reply to a closed thread opens a new one
		case !errors.Is(err, crm.ErrNotFound):
			return "", err
		}
	}
	if contact.ID == "" {
		// A client that answered From instead of Reply-To still names the
		// email it answers.
		for _, id := range append([]string{in.InReplyTo}, in.References...) {
			c, err := crm.ConversationByEmailMessageID(ctx, tx, id)
			if errors.Is(err, crm.ErrNotFound) {
				continue
			}
			if err != nil {
				return "", err
			}
			if c.Mode != crm.ModeClosed {
				conv = c
			}
			contact = c.Contact
			break
		}
	}
	if contact.ID == "" {
		c, _, err := crm.ContactForEmail(ctx, tx, in.From, in.FromName)
		if err != nil {
			return "", err
		}
		contact = c
	}
	if conv.ID == "" {
		c, err := crm.OpenConversation(ctx, tx, contact.ID, crm.ChannelEmail)
		if err != nil {
			return "", err
		}
		conv = c
	}
	body := in.NewText()
	if ib.redact != nil {
		body, _ = ib.redact(body)
	}
	msg, inserted, err := crm.RecordInbound(ctx, tx, crm.NewInbound{
		ConversationID: conv.ID, Body: body, ProviderSID: emailSID(in), ReceivedAt: in.ReceivedAt, Channel: crm.ChannelEmail,
		AutoReply: class.Kind == email.KindAutoReply,
	})
	if err != nil {
		return "", err
	}
	if !inserted {
		return EmailDuplicate, nil
	}
	event := func(d crm.Detail) error {
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: contact.ID, Detail: d})
	}
	if err := event(crm.MessageReceived{MessageID: msg.ID, SID: msg.ProviderSID}); err != nil {
		return "", err
	}
	received := crm.EmailReceived{MessageID: msg.ID, Subject: in.Subject, Kind: string(class.Kind)}
	for _, a := range in.Attachments {
		received.Attachments = append(received.Attachments, crm.EmailAttachment{Name: a.Name, ContentType: a.ContentType, Size: a.Size})
	}
	if err := event(received); err != nil {
		return "", err
	}
	if class.Kind == email.KindAutoReply {
		return EmailAutoReply, event(crm.EmailAutoReply{MessageID: msg.ID})
	}
	conv.Contact = contact
	if err := ib.stopCadence(ctx, tx, conv, cadence.StopReplied); err != nil {
		return "", err
	}
	return EmailRecorded, ib.decideEmail(ctx, tx, contact, conv, msg, event)
}

// recordBounce puts a delivery failure on the timeline of the contact
// whose address failed; a hard one marks the address invalid.
func (ib *Inbox) recordBounce(ctx context.Context, tx pgx.Tx, in email.Inbound, class email.Classification) (EmailOutcome, error) {
	contact, err := crm.ContactByEmail(ctx, tx, class.Recipient)
	if errors.Is(err, crm.ErrNotFound) {
		ib.logger.Warn("a bounce for an address no contact has", "message_id", in.MessageID, "status", class.Status)
		return EmailUnmatched, nil
	}
	if err != nil {
		return "", err
	}
	if class.Hard {
		if err := crm.MarkEmailInvalid(ctx, tx, contact.ID, "bounced "+class.Status); err != nil {
			return "", err
		}
	}
	conv, err := crm.OpenConversation(ctx, tx, contact.ID, crm.ChannelEmail)
	if err != nil {
		return "", err
	}
	detail := crm.EmailBounced{Address: strings.ToLower(class.Recipient), Hard: class.Hard, Status: class.Status}
	return EmailBounce, crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: contact.ID, Detail: detail})
}
