package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/turn"
)

// Receive records a lead's message and decides who answers it, all in one
// transaction: a provider retry of the same message changes nothing, and a
// failure leaves nothing half-written.
func (ib *Inbox) Receive(ctx context.Context, in channels.Inbound) error {
	if in.ProviderSID == "" || strings.TrimSpace(in.From) == "" {
		return fmt.Errorf("receive: message without sid or sender")
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = ib.now()
	}
	in = cleanInbound(in)
	redacted := false
	if ib.redact != nil {
		in.Body, redacted = ib.redact(in.Body)
	}
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		contact, err := crm.ContactByPhone(ctx, tx, in.From, ib.region)
		if err != nil {
			return err
		}
		conv, err := crm.OpenConversation(ctx, tx, contact.ID, string(in.Channel))
		if err != nil {
			return err
		}
		split, err := ib.splitCard(ctx, tx, conv.ID, &in)
		if err != nil {
			return err
		}
		media := make([]crm.Media, len(in.Media))
		for i, m := range in.Media {
			media[i] = crm.Media{URL: m.URL, ContentType: m.ContentType}
		}
		msg, inserted, err := crm.RecordInbound(ctx, tx, crm.NewInbound{
			ConversationID: conv.ID, Body: in.Body, ProviderSID: in.ProviderSID, Media: media, ReceivedAt: in.ReceivedAt,
		})
		if err != nil {
			return err
		}
		if !inserted {
			return nil // a retry: everything below happened the first time
		}
		if err := split.mark(ctx, tx); err != nil {
			return err
		}
		event := func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: contact.ID, Detail: detail})
		}
		received := crm.MessageReceived{MessageID: msg.ID, SID: in.ProviderSID, Media: len(media), Redacted: redacted || split != nil}
		if split != nil {
			received.RedactedEarlier = split.earlier.ID // the card's first half
		}
		if err := event(received); err != nil {
			return err
		}
		if !contact.PhoneValid {
			ib.logger.Warn("inbound from a number that does not parse", "from", in.From, "sid", in.ProviderSID)
			if err := event(crm.PhoneUnparsed{From: in.From}); err != nil {
				return err
			}
		}
		if contact.Name == "" {
			// "I'm Mike": a name the lead gives, kept unless they had one.
			name := crm.ParseName(msg.Body)
			learned, err := crm.LearnName(ctx, tx, contact.ID, conv.ID, msg.ID, name, msg.CreatedAt)
			if err != nil {
				return err
			}
			if learned {
				contact.Name = name
			}
		}
		conv.Contact = contact
		return ib.decide(ctx, tx, contact, conv, msg, event)
	})
}

// decide answers what the product answers itself (consent keywords, an
// opt-out in plain words, HELP) and hands everything else to the agent's
// reply job, unless the lead opted out or a person has the conversation.
func (ib *Inbox) decide(ctx context.Context, tx pgx.Tx, contact crm.Contact, conv crm.Conversation, msg crm.Message,
	event func(crm.Detail) error) error {
	screened := turn.Screen(msg.Body, contact.OptedOut, ib.screenBusiness())
	switch screened.Action {
	case turn.OptOut:
		return ib.optOutKeyword(ctx, tx, contact, conv, msg, screened, event)
	case turn.OptOutInWords:
		return ib.optOutInWords(ctx, tx, contact, conv, msg, screened, event)
	case turn.OptIn:
		return ib.optInKeyword(ctx, tx, contact, conv, msg, screened, event)
	case turn.Help:
		text := screened.Send(ib.confirm)
		if text == "" {
			return nil // Twilio answers HELP itself
		}
		return ib.queueReply(ctx, tx, crm.NewOutbound{
			ConversationID: conv.ID, Author: crm.AuthorSystem, Body: text, ReplyTo: msg.ID, Outcome: string(screened.Outcome),
		}, event)
	}
	if err := ib.stopCadence(ctx, tx, conv, cadence.StopReplied); err != nil {
		return err
	}
	if contact.OptedOut {
		return event(crm.Suppressed{MessageID: msg.ID, Reason: "opted out"})
	}
	if conv.Mode != crm.ModeAI {
		return ib.tellRep(ctx, tx, conv, msg)
	}
	if strings.TrimSpace(msg.Body) == "" && len(msg.Media) > 0 {
		return ib.queueReply(ctx, tx, crm.NewOutbound{
			ConversationID: conv.ID, Author: crm.AuthorSystem, Body: mediaOnlyText, ReplyTo: msg.ID, Outcome: "asked",
		}, event)
	}
	if strings.TrimSpace(msg.Body) == "" {
		return nil // nothing to answer
	}
	return ib.queueRespond(ctx, tx, msg.ID)
}

// tellRep is a lead's message on a conversation a person has: the agent
// stays silent and the rep hears of it.
func (ib *Inbox) tellRep(ctx context.Context, tx pgx.Tx, conv crm.Conversation, msg crm.Message) error {
	w, err := ib.desk.LeadWrote(ctx, tx, conv, msg)
	if err != nil {
		return err
	}
	return ib.enqueue(ctx, tx, w)
}

// queueRespond queues the agent's reply to a lead's message, after the
// reply debounce (a lead's next words within it join the same turn).
func (ib *Inbox) queueRespond(ctx context.Context, tx pgx.Tx, messageID string) error {
	opts := &river.InsertOpts{}
	if ib.debounce > 0 {
		opts.ScheduledAt = time.Now().Add(ib.debounce)
	}
	if _, err := ib.jobs.InsertTx(ctx, tx, RespondArgs{MessageID: messageID}, opts); err != nil {
		return fmt.Errorf("enqueue reply to %s: %w", messageID, err)
	}
	return nil
}

// screenBusiness is who HELP's answer and an opt-out's confirmation speak for.
func (ib *Inbox) screenBusiness() turn.Business {
	return turn.Business{Name: ib.business.Name, Phone: ib.business.Phone}
}

// optOutKeyword records STOP (or a synonym): the lead is sent nothing
// more, ever, until START. Twilio confirms it on a number with its default
// opt-out handling; under turn.ConfirmBySelf the inbox queues the one
// confirmation itself, only when this STOP opted the lead out (a second
// STOP, even one at the same moment, gets nothing).
func (ib *Inbox) optOutKeyword(ctx context.Context, tx pgx.Tx, contact crm.Contact, conv crm.Conversation, msg crm.Message,
	screened turn.Screened, event func(crm.Detail) error) error {
	text := screened.Send(ib.confirm)
	revoked := false
	if text == "" {
		if err := crm.OptOut(ctx, tx, contact.ID, screened.Word, msg.CreatedAt); err != nil {
			return err
		}
	} else {
		var err error
		if revoked, err = crm.RevokeConsent(ctx, tx, contact.ID, screened.Word, msg.CreatedAt); err != nil {
			return err
		}
	}
	if err := event(crm.OptedOut{Keyword: screened.Word, MessageID: msg.ID}); err != nil {
		return err
	}
	if err := ib.stopUnreachable(ctx, tx, contact.ID); err != nil {
		return err
	}
	if !revoked {
		return nil
	}
	return ib.queueReply(ctx, tx, crm.NewOutbound{
		ConversationID: conv.ID, Author: crm.AuthorSystem, Body: text, ReplyTo: msg.ID, Outcome: string(screened.Outcome),
	}, event)
}

// optInKeyword lifts the opt-out of a lead who sent START (or UNSTOP,
// YES); the agent speaks when the lead next asks something. Twilio
// confirms it on a number with its default handling; under
// turn.ConfirmBySelf the inbox queues the one confirmation itself.
func (ib *Inbox) optInKeyword(ctx context.Context, tx pgx.Tx, contact crm.Contact, conv crm.Conversation, msg crm.Message,
	screened turn.Screened, event func(crm.Detail) error) error {
	text := screened.Send(ib.confirm)
	lifted, err := crm.OptBackIn(ctx, tx, contact.ID)
	if err != nil {
		return err
	}
	if err := event(crm.OptedIn{Keyword: screened.Word, MessageID: msg.ID}); err != nil {
		return err
	}
	if text == "" || !lifted {
		return nil
	}
	return ib.queueReply(ctx, tx, crm.NewOutbound{
		ConversationID: conv.ID, Author: crm.AuthorSystem, Body: text, ReplyTo: msg.ID, Outcome: string(screened.Outcome),
	}, event)
}

// optOutInWords records an opt-out the lead asked for in plain words
// ("please stop texting me") as STOP's, with their words on the timeline,
// and queues the one text that confirms it: the carrier confirms STOP
// itself but cannot read free text. The agent does not answer it. A lead
// who had opted out already gets nothing more.
func (ib *Inbox) optOutInWords(ctx context.Context, tx pgx.Tx, contact crm.Contact, conv crm.Conversation, msg crm.Message,
	screened turn.Screened, event func(crm.Detail) error) error {
	revoked, err := crm.RevokeConsent(ctx, tx, contact.ID, msg.Body, msg.CreatedAt)
	if err != nil {
		return err
	}
	if !revoked {
		return event(crm.Suppressed{MessageID: msg.ID, Reason: "opted out"})
	}
	if err := event(crm.OptedOut{Words: msg.Body, Phrase: screened.Word, MessageID: msg.ID}); err != nil {
		return err
	}
	if err := ib.stopUnreachable(ctx, tx, contact.ID); err != nil {
		return err
	}
	return ib.queueReply(ctx, tx, crm.NewOutbound{
		ConversationID: conv.ID, Author: crm.AuthorSystem, Body: screened.Reply, ReplyTo: msg.ID, Outcome: string(screened.Outcome),
	}, event)
}

// stopCadence ends the follow-ups of the conversation's lead, on every
// conversation and channel, and says so on the timeline of each: every
// way a lead leaves the agent (a reply on any channel, a handoff, a
// takeover, a close) stops them, so one handed back is not followed up
// again.
func (ib *Inbox) stopCadence(ctx context.Context, tx pgx.Tx, conv crm.Conversation, reason string) error {
	contactID := conv.Contact.ID
	if contactID == "" {
		contactID = conv.ContactID
	}
	runs, err := cadence.StopContact(ctx, tx, contactID, reason, ib.now())
	if err != nil {
		return err
	}
	for _, run := range runs {
		if err := crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: run.ConversationID, ContactID: contactID,
			Detail: CadenceStopped{RunStep: RunStep{RunID: run.ID, Step: run.NextStep + 1}, Reason: reason}}); err != nil {
			return err
		}
	}
	return nil
}

// stopConversationCadence ends the follow-ups running on one conversation
// only: a channel's final refusal (a number that cannot be texted) leaves
// the lead's other channel to the steps that take it.
func (ib *Inbox) stopConversationCadence(ctx context.Context, tx pgx.Tx, conv crm.Conversation, reason string) error {
	run, ok, err := cadence.StopActive(ctx, tx, conv.ID, reason, ib.now())
	if err != nil || !ok {
		return err
	}
	return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
		Detail: CadenceStopped{RunStep: RunStep{RunID: run.ID, Step: run.NextStep + 1}, Reason: reason}})
}

// stopUnreachable ends, after an opt-out of one channel, the lead's
// follow-ups that can reach them no more: a STOP ends a cadence of texts,
// not one with email steps left for a lead who agreed to email, and an
// email unsubscribe ends no texts. A run left going skips the steps of
// the channel opted out of (cadence.Run.Decide).
func (ib *Inbox) stopUnreachable(ctx context.Context, tx pgx.Tx, contactID string) error {
	runs, err := cadence.ActiveRunsOf(ctx, tx, contactID)
	if err != nil {
		return err
	}
	for _, run := range runs {
		conv, err := crm.ConversationWithContact(ctx, tx, run.ConversationID)
		if err != nil {
			return err
		}
		c, err := ib.conditions(ctx, tx, conv, run.LeadID, run.StartedAt)
		if err != nil {
			return err
		}
		why := run.Unreachable(run.NextStep, c.Reach)
		if why == "" {
			continue
		}
		if err := cadence.Stop(ctx, tx, run.ID, why, ib.now()); err != nil {
			return err
		}
		if err := crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: contactID,
			Detail: CadenceStopped{RunStep: RunStep{RunID: run.ID, Step: run.NextStep + 1}, Reason: why}}); err != nil {
			return err
		}
	}
	return nil
}

const (
	mediaOnlyText = "Thanks for sending that! I can only read text messages, not pictures or files. Could you tell me in words what you need?"
	mediaNote     = "I can only read text, not pictures. "
)

// queueReply records an outbound message and its send job together.
func (ib *Inbox) queueReply(ctx context.Context, tx pgx.Tx, out crm.NewOutbound, event func(crm.Detail) error) error {
	msg, inserted, err := crm.RecordOutbound(ctx, tx, out)
	if err != nil {
		return err
	}
	if !inserted {
		return nil
	}
	if _, err := ib.jobs.InsertTx(ctx, tx, SendArgs{MessageID: msg.ID}, nil); err != nil {
		return fmt.Errorf("enqueue send of %s: %w", msg.ID, err)
	}
	return event(crm.ReplyQueued{MessageID: msg.ID, Author: out.Author, Outcome: out.Outcome})
}

// RespondArgs is the job that asks the agent for a reply to one inbound message.
type RespondArgs struct {
	MessageID string `json:"message_id"`
}

func (RespondArgs) Kind() string { return "respond" }

func (RespondArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: respondQueue, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendArgs is the job that delivers one outbound message.
type SendArgs struct {
	MessageID string `json:"message_id"`
}

func (SendArgs) Kind() string { return "send" }

func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: sendQueue, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
