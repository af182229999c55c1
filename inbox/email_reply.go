package inbox

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	gomail "github.com/wneessen/go-mail"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/channels/email"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/turn"
)

// decideEmail hands a lead's personal email to the agent's reply job, as
// decide does a text: unless the lead opted out of email or the address
// bounced (the email is recorded, suppressed), or a person has the
// conversation (the rep hears of it, as on SMS).
func (ib *Inbox) decideEmail(ctx context.Context, tx pgx.Tx, contact crm.Contact, conv crm.Conversation, msg crm.Message,
	event func(crm.Detail) error) error {
	st, err := crm.GetEmailState(ctx, tx, contact.ID)
	if err != nil {
		return err
	}
	switch {
	case st.OptedOut:
		return event(crm.Suppressed{MessageID: msg.ID, Reason: "opted out of email"})
	case st.Invalid:
		return event(crm.Suppressed{MessageID: msg.ID, Reason: "email address invalid"})
	}
	switch screened := turn.Screen(msg.Body, false, ib.screenBusiness()); screened.Action {
	case turn.OptOut, turn.OptOutInWords:
		// "Unsubscribe", "stop emailing me", STOP: an opt-out of email
		// by any reasonable means, as a text's is of texts. No email
		// confirms it; the follow-ups only email could carry stop.
		return ib.optOutOfEmail(ctx, tx, contact.ID, crm.EmailOptedOut{Via: "reply", MessageID: msg.ID, Words: screened.Word}, ib.now())
	}
	if conv.Mode != crm.ModeAI {
		conv.Contact = contact
		return ib.tellRep(ctx, tx, conv, msg)
	}
	if !answerable(msg.Body) {
		// Nothing to answer, or a keyword (HELP, START) that texts
		// answer and email does not: it stays on the timeline for a rep.
		return nil
	}
	return ib.queueRespond(ctx, tx, msg.ID)
}

// sendEmail is the send path's email branch, with the text's guarantees:
// a claim in one short transaction, the SMTP call with nothing held, the
// answer recorded in another (the Message-ID as the provider id, as
// "email:<id>" like an inbound email's). There is no send budget and no
// per-conversation lane: an email costs no segments, and a conversation's
// emails are its replies, one per lead's email, and its first touch and
// follow-ups, days apart. An email the lead did not ask for (a first
// touch, a follow-up) is marketing email: the postal address, the
// unsubscribe link and List-Unsubscribe.
//
// An attempt whose outcome is unknown (the server took the message and
// the connection dropped before it said so, or the process died) cannot
// be looked up, since an SMTP server lists nothing. Instead the
// Message-ID is chosen at the first claim and stored, and every retry
// sends the email with that same Message-ID: a resend after an unknown
// outcome is the same email, which mail systems and clients deduplicate
// by Message-ID, not a second answer.
//
// Stop conditions are checked under the claim's lock, as for a text: the
// lead opted out of email, the address bounced hard, the conversation was
// closed, or a rep took it over from the agent (the handoff's holding
// message still goes) suppress the send, and it is recorded so.
func (ib *Inbox) sendEmail(ctx context.Context, box outbox, t text) (time.Duration, error) {
	if ib.mailer == nil {
		return 0, fmt.Errorf("send email %s: no email sender configured (SMTP_URL)", t.id)
	}
	if d := t.send.InFlight(); d > 0 {
		return d, nil
	}
	r, err := crm.GetEmailReply(ctx, ib.db, t.id)
	if err != nil {
		return 0, fmt.Errorf("send email %s: %w", t.id, err)
	}
	subject := replySubject(r.Subject)
	// An email the lead did not ask for (a first touch, a follow-up) is
	// marketing: it carries the postal address and the unsubscribe link
	// and headers. The first starts a thread of its own; follow-ups go in
	// it.
	marketing, unsubscribe := t.out.Unasked, ""
	if marketing {
		if r.InReplyTo == "" {
			subject = ib.firstEmailSubject()
		}
		if unsubscribe, err = crm.UnsubscribeToken(ctx, ib.db, t.out.ContactID); err != nil {
			return 0, fmt.Errorf("send email %s: %w", t.id, err)
		}
	}
	newID, err := ib.mailer.NewMessageID()
	if err != nil {
		return 0, fmt.Errorf("send email %s: %w", t.id, err)
	}
	claimed, wait, err := ib.claimOnce(ctx, box, t, func(tx pgx.Tx, cur *text) error {
		st, err := crm.GetEmailState(ctx, tx, cur.out.ContactID)
		if err != nil {
			return err
		}
		cur.skip = emailSkip(cur.out, st, r.To) // a text's opt-out is not email's
		return nil
	}, func(tx pgx.Tx) (err error) {
		r.MessageID, r.SentSubject, err = crm.ClaimEmailID(ctx, tx, t.id, newID, subject)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("send email %s: claim: %w", t.id, err)
	}
	if !claimed {
		return wait, nil
	}

	call, cancel := context.WithTimeout(ctx, ib.sendTimeout)
	sent, sendErr := ib.mailer.Send(call, email.Outgoing{
		To: r.To, ToName: r.Name, Subject: r.SentSubject, Text: ib.emailBody(r.Name, t.body),
		InReplyTo: r.InReplyTo, ReplyToken: r.ReplyToken, MessageID: r.MessageID,
		Marketing: marketing, UnsubscribeToken: unsubscribe,
	})
	cancel()
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	var se *gomail.SendError
	switch {
	case sendErr == nil:
		return 0, ib.inRelaxedTx(rec, func(tx pgx.Tx) error {
			return box.sent(rec, tx, t, channels.SendResult{ProviderSID: "email:" + sent.MessageID, Status: "sent"}, "")
		})
	case errors.As(sendErr, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600:
		// The server refused it for good (no such mailbox, rejected).
		return 0, ib.inRelaxedTx(rec, func(tx pgx.Tx) error {
			cur, err := box.lock(rec, tx, t.id)
			if err != nil || cur.done {
				return err
			}
			return box.refused(rec, tx, cur, &channels.SendError{Message: sendErr.Error()})
		})
	default:
		// Refused for now, or no answer: the retry sends the same
		// Message-ID, so the claim need not be looked into.
		if err := ib.inRelaxedTx(rec, func(tx pgx.Tx) error { return box.notTaken(rec, tx, t.id) }); err != nil {
			return 0, fmt.Errorf("send email %s: %w (and releasing the claim failed: %w)", t.id, sendErr, err)
		}
		return 0, fmt.Errorf("send email %s: %w", t.id, sendErr)
	}
}

// emailSkip says why an email must not go, or "": the stop conditions
// checked at send.
func emailSkip(o crm.Outgoing, st crm.EmailState, to string) string {
	switch {
	case st.OptedOut:
		return "opted out of email"
	case st.Invalid:
		return "email address invalid"
	case strings.TrimSpace(to) == "":
		return "no email address"
	case o.Mode == crm.ModeClosed:
		return "the conversation is closed"
	case o.Mode == crm.ModeHuman && o.Author == crm.AuthorAI:
		return "a person has the conversation"
	}
	return unaskedSkip(o)
}

// replySubject is "Re: " and the lead's subject, once.
func replySubject(subject string) string {
	subject = strings.TrimSpace(subject)
	switch {
	case subject == "":
		return "Re: your message"
	case len(subject) >= 3 && strings.EqualFold(subject[:3], "re:"):
		return subject
	}
	return "Re: " + subject
}

// firstEmailSubject is the subject of the first email the business sends
// a lead unasked, which its follow-ups answer ("Re: ...").
func (ib *Inbox) firstEmailSubject() string {
	if ib.business.Name == "" {
		return "Your request"
	}
	return "Your request to " + ib.business.Name
}

// emailBody is a message's text with what an email has and a text does
// not: a greeting and a sign-off with the business's name.
func (ib *Inbox) emailBody(name, body string) string {
	greeting := "Hi,"
	if f := crm.FirstName(name); f != "" {
		greeting = "Hi " + f + ","
	}
	signoff := "Thanks,"
	if ib.business.Name != "" {
		signoff += "\n" + ib.business.Name
	}
	return greeting + "\n\n" + strings.TrimSpace(body) + "\n\n" + signoff + "\n"
}

// reTextGreeting is the greeting a text opens with ("Hi Dana, ", "Hi
// there! ", "Hello, "): an email has its own (emailBody).
var reTextGreeting = regexp.MustCompile(`^(?i:hi|hello|hey)(?:\s+[^\s,.!?]+){0,2}\s*[,.!]\s*`)

// emailText fits words written for a text (a first touch, a follow-up's
// template) to an email: without the text's greeting, since emailBody
// greets the lead, and without "Reply STOP to opt out.", since a marketing
// email carries its unsubscribe link instead.
func emailText(text string) string {
	t := strings.TrimSpace(text)
	for {
		trimmed := strings.TrimRight(t, " .")
		line := strings.TrimSuffix(agent.OptOutLine, ".")
		if len(trimmed) < len(line) || !strings.EqualFold(trimmed[len(trimmed)-len(line):], line) {
			break
		}
		t = strings.TrimSpace(trimmed[:len(trimmed)-len(line)])
	}
	if loc := reTextGreeting.FindStringIndex(t); loc != nil && loc[1] < len(t) {
		rest := []rune(t[loc[1]:])
		rest[0] = unicode.ToUpper(rest[0])
		t = string(rest)
	}
	return t
}
