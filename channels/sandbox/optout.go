package sandbox

import (
	"context"
	"strings"
	"unicode"

	"github.com/leadagent/leadagent/channels"
)

// Twilio answers the standard English keywords itself on a number with its
// default opt-out handling, before it posts the message to the webhook
// (https://help.twilio.com/articles/223134027, "Twilio support for opt-out
// keywords"). These are its default answers, word for word.
const (
	// OptOutReply answers STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT,
	// OPTOUT and REVOKE; Twilio then refuses messages to the lead (21610).
	OptOutReply = "You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe."
	// OptInReply answers START, YES and UNSTOP, and lifts the refusal.
	OptInReply = "You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
	// HelpReply answers HELP and INFO from a lead who has not opted out.
	HelpReply = "Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)

// DirectionReply is the direction Twilio lists its own answer to a
// keyword with; a message created through the API is "outbound-api".
const DirectionReply = "outbound-reply"

type keyword int

const (
	noKeyword keyword = iota
	optOutKeyword
	optInKeyword
	helpKeyword
)

// keywords are Twilio's defaults. Only a message that is the word alone
// counts ("STOP PLEASE" does not); case, surrounding spaces and trailing
// punctuation are ignored.
var keywords = map[string]keyword{
	"STOP": optOutKeyword, "STOPALL": optOutKeyword, "UNSUBSCRIBE": optOutKeyword, "CANCEL": optOutKeyword,
	"END": optOutKeyword, "QUIT": optOutKeyword, "OPTOUT": optOutKeyword, "REVOKE": optOutKeyword,
	"START": optInKeyword, "YES": optInKeyword, "UNSTOP": optInKeyword,
	"HELP": helpKeyword, "INFO": helpKeyword,
}

func keywordOf(body string) keyword {
	word := strings.TrimFunc(body, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	return keywords[strings.ToUpper(word)]
}

// Inbound plays Twilio's default opt-out handling on a text a lead (from)
// sent the business number (to), with MessageSid sid: an opt-out keyword
// is answered with OptOutReply and every later message to the lead is
// refused with 21610 until an opt-in keyword, which is answered with
// OptInReply; HELP or INFO is answered with HelpReply unless the lead
// opted out. The answer is recorded as a message from the business number
// to the lead, listed with direction DirectionReply and without status
// callbacks. A sid seen before (a webhook retried) is answered once. It
// reports the answer, if any.
func (s *Server) Inbound(sid, from, to, body string) (Message, bool) {
	k := keywordOf(body)
	if k == noKeyword {
		return Message{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sid != "" {
		if s.inbound[sid] {
			return Message{}, false
		}
		s.inbound[sid] = true
	}
	var text string
	switch k {
	case optOutKeyword:
		s.optedOut[from] = true
		text = OptOutReply
	case optInKeyword:
		delete(s.optedOut, from)
		text = OptInReply
	case helpKeyword:
		if s.optedOut[from] {
			return Message{}, false
		}
		text = HelpReply
	}
	now := s.now()
	m := &Message{SID: newSID("SM"), AccountSID: s.cfg.AccountSID, From: to, To: from, Body: text, Direction: DirectionReply,
		Status: "queued", NumSegments: segments(text), Created: now, Updated: now}
	s.messages = append(s.messages, m)
	s.bySID[m.SID] = m
	s.notifyLocked()
	if !s.startLifecycleLocked(m.SID) {
		s.log.Warn("sandbox: no status steps for a keyword answer: callback queue full or closed", "sid", m.SID)
	}
	return m.clone(), true
}

// OptedOut reports whether the lead texted an opt-out keyword (and no
// opt-in keyword since), so that messages to them are refused.
func (s *Server) OptedOut(phone string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.optedOut[phone]
}

// WithOptOutHandling wraps r as a number with Twilio's default opt-out
// handling is: every inbound SMS passes Inbound before it reaches r.
// Statuses and calls pass as they are.
func (s *Server) WithOptOutHandling(r channels.Receiver) channels.Receiver {
	return optOutHandling{s: s, next: r}
}

type optOutHandling struct {
	s    *Server
	next channels.Receiver
}

// Receive answers a keyword, then passes the message on. The wrapper is
// transparent: r's error comes back as r returned it, so the webhook maps
// it as it would without the sandbox.
func (h optOutHandling) Receive(ctx context.Context, in channels.Inbound) error {
	if in.Channel == channels.SMS || in.Channel == "" {
		h.s.Inbound(in.ProviderSID, in.From, in.To, in.Body)
	}
	return h.next.Receive(ctx, in)
}

func (h optOutHandling) DeliveryStatus(ctx context.Context, r channels.DeliveryReport) error {
	return h.next.DeliveryStatus(ctx, r)
}
