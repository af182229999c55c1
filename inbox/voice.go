package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
	"github.com/leadagent/leadagent/turn"
)

// VoiceConfig tunes phone calls.
type VoiceConfig struct {
	// Budget is how long a caller's turn may take before the call hears a
	// filler and comes back for the answer (default 4 s): Twilio never
	// waits on a slow model.
	Budget time.Duration
	// MinConfidence is the recognizer's confidence below which the caller
	// is asked again (default 0.5).
	MinConfidence float64
	// BusinessNumber is the caller ID of a dial to a rep.
	BusinessNumber string
	// DialTimeout is how long a rep's phone rings (default 20 s).
	DialTimeout time.Duration
}

var _ channels.VoiceReceiver = (*Inbox)(nil)

const (
	// giveUpAfter ends the wait for a turn that never finishes (its
	// process died): the caller is promised a call back.
	giveUpAfter = 20 * time.Second
	pollEvery   = 20 * time.Millisecond
)

// CallStarted records a new call on the caller's conversation (the same
// contact and timeline as their texts) and greets them as the business's
// AI assistant. A conversation a rep has goes straight to that rep, when
// on duty.
func (ib *Inbox) CallStarted(ctx context.Context, c channels.Call) (channels.VoiceStep, error) {
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = ib.now()
	}
	var step channels.VoiceStep
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		contact, err := crm.ContactByPhone(ctx, tx, c.From, ib.region)
		if err != nil {
			return err
		}
		conv, err := crm.OpenConversation(ctx, tx, contact.ID, crm.ChannelSMS)
		if err != nil {
			return err
		}
		call, inserted, err := crm.RecordCall(ctx, tx, crm.NewCall{CallSID: c.CallSID, ConversationID: conv.ID, ContactID: contact.ID,
			Direction: c.Direction, From: contact.Phone, To: c.To, Status: c.Status, At: c.ReceivedAt})
		if err != nil {
			return err
		}
		if inserted {
			if err := crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: contact.ID,
				Detail: crm.CallStarted{CallSID: c.CallSID, CallID: call.ID}}); err != nil {
				return err
			}
		}
		if conv.Mode == crm.ModeHuman && conv.AssignedRepID != "" {
			dial, err := ib.dialAssigned(ctx, tx, conv, call)
			if err != nil {
				return err
			}
			if dial != nil {
				step = *dial
				return nil
			}
		}
		hello := "Hi"
		if first := crm.FirstName(contact.Name); first != "" {
			hello += " " + first
		}
		step = channels.VoiceStep{Next: channels.VoiceListen, Turn: 1,
			Say: hello + ", thanks for calling " + ib.business.Name + ". You're speaking with its AI assistant. How can I help you today?"}
		return nil
	})
	return step, err
}

// dialAssigned connects a caller to the rep who has their conversation,
// when that rep is on duty; nil when not.
func (ib *Inbox) dialAssigned(ctx context.Context, tx pgx.Tx, conv crm.Conversation, call crm.Call) (*channels.VoiceStep, error) {
	rep, err := crm.GetRep(ctx, tx, conv.AssignedRepID)
	if err != nil {
		return nil, err
	}
	sched, err := ib.desk.Hours(ctx, tx)
	if err != nil {
		return nil, err
	}
	if !rep.OnDuty(sched.Open(ib.now())) {
		return nil, nil
	}
	h, err := handoff.LatestHandoff(ctx, tx, conv.ID)
	if err != nil && !errors.Is(err, crm.ErrNotFound) {
		return nil, err
	}
	if _, err := crm.UpdateCall(ctx, tx, call.ID, crm.CallChange{HandoffID: h.ID, DialRepID: rep.ID}); err != nil {
		return nil, err
	}
	return &channels.VoiceStep{Say: "Connecting you with " + crm.FirstName(rep.Name) + " now.", Next: channels.VoiceDial,
		Dial: ib.dialTo(rep, h.ID)}, nil
}

func (ib *Inbox) dialTo(rep crm.Rep, handoffID int64) *channels.Dial {
	t := ib.voice.DialTimeout
	if t == 0 {
		t = 20 * time.Second
	}
	return &channels.Dial{To: rep.Phone, CallerID: ib.voice.BusinessNumber, HandoffID: handoffID, Timeout: t}
}

// Heard answers one turn of a caller's speech. The turn is recorded, the
// agent answers it in the background, and the call gets the answer if it
// comes within the budget, else a filler and a redirect back here for
// it. Silence or low confidence asks again once, then moves to text.
func (ib *Inbox) Heard(ctx context.Context, s channels.Speech) (channels.VoiceStep, error) {
	call, err := crm.CallBySID(ctx, ib.db, s.CallSID)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	key := s.CallSID + "#" + strconv.Itoa(s.Turn)
	if s.Waiting {
		return ib.awaitTurn(ctx, call, key, s.Turn)
	}
	minConf := ib.voice.MinConfidence
	if minConf == 0 {
		minConf = 0.5
	}
	if s.Text == "" || (s.Confidence > 0 && s.Confidence < minConf) {
		return ib.notHeard(ctx, call, s)
	}
	in, inserted, err := ib.recordHeard(ctx, call, key, s.Text,
		crm.MessageReceived{CallSID: s.CallSID, Confidence: s.Confidence}, true)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	if !inserted {
		return ib.awaitTurn(ctx, call, key, s.Turn) // a retry: the first request started the turn
	}
	// The turn outlives this request: if it is slow, the call comes back
	// for it (possibly to another replica, which finds it recorded).
	turnCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), giveUpAfter)
	done := make(chan error, 1)
	go func() {
		defer cancel()
		_, _, err := ib.spokenTurn(turnCtx, call, in, nil)
		if err != nil {
			ib.logger.Error("voice turn", "call_sid", s.CallSID, "turn", s.Turn, "err", err)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return ib.callBack(ctx, call.CallSID, "Sorry, I'm having trouble answering that right now.")
		}
		reply, err := crm.ReplyTo(ctx, ib.db, in.ID)
		if err != nil {
			return channels.VoiceStep{}, err
		}
		return ib.afterTurn(ctx, call.CallSID, reply, s.Turn)
	case <-time.After(ib.budget()):
		return channels.VoiceStep{Say: "One moment while I look that up.", Next: channels.VoiceWait, Turn: s.Turn}, nil
	case <-ctx.Done():
		return channels.VoiceStep{}, ctx.Err()
	}
}

func (ib *Inbox) budget() time.Duration {
	if ib.voice.Budget == 0 {
		return 4 * time.Second
	}
	return ib.voice.Budget
}

// awaitTurn waits up to the budget for the answer to a turn another
// request started (the call came back after a filler, or Twilio retried),
// reading it from the database, where any replica's turn records it.
func (ib *Inbox) awaitTurn(ctx context.Context, call crm.Call, key string, turn int) (channels.VoiceStep, error) {
	in, err := crm.MessageBySID(ctx, ib.db, key)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	deadline := time.Now().Add(ib.budget())
	for {
		reply, err := crm.ReplyTo(ctx, ib.db, in.ID)
		if err == nil {
			return ib.afterTurn(ctx, call.CallSID, reply, turn)
		}
		if !errors.Is(err, crm.ErrNotFound) {
			return channels.VoiceStep{}, err
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return channels.VoiceStep{}, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
	if time.Since(in.CreatedAt) > giveUpAfter {
		return ib.callBack(ctx, call.CallSID, "Sorry, I'm having trouble answering that right now.")
	}
	return channels.VoiceStep{Say: "One moment while I look that up.", Next: channels.VoiceWait, Turn: turn}, nil
}

// afterTurn turns the agent's recorded answer into the call's next step:
// say it and listen, or connect the rep the turn handed off to, or promise
// a call back.
func (ib *Inbox) afterTurn(ctx context.Context, callSID string, reply crm.Message, turn int) (channels.VoiceStep, error) {
	call, err := crm.CallBySID(ctx, ib.db, callSID)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	if reply.Outcome != string(agent.OutcomeHandoff) {
		return channels.VoiceStep{Say: reply.Body, Next: channels.VoiceListen, Turn: turn + 1}, nil
	}
	if call.DialRepID == "" {
		return channels.VoiceStep{Say: reply.Body, Next: channels.VoiceHangup}, nil
	}
	rep, err := crm.GetRep(ctx, ib.db, call.DialRepID)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	return channels.VoiceStep{Say: reply.Body, Next: channels.VoiceDial, Dial: ib.dialTo(rep, call.HandoffID)}, nil
}

// spokenTurn is the agent's answer to one spoken turn of a call, recorded
// as a spoken message of it; a handoff during a call dials the rep on duty,
// or, with nobody, promises a call back and texts the caller to confirm.
//
// With say nil (the Gather path) the answer is recorded for the call to
// say, and a handoff's words replace it. With say (ConversationRelay) the
// answer is said as it is written, and a handoff's words are returned in
// then, to be said when the session ends, and recorded after what was
// said. A caller who interrupts a streamed answer gets what they heard
// recorded, and the rules do not run on it.
func (ib *Inbox) spokenTurn(ctx context.Context, call crm.Call, in crm.Message, say func(string) error) (reply agent.Reply, then string, err error) {
	if ib.agent == nil {
		return agent.Reply{}, "", errors.New("spoken turn: no agent")
	}
	conv, err := crm.ConversationWithMessages(ctx, ib.db, call.ConversationID)
	if err != nil {
		return agent.Reply{}, "", err
	}
	var before []crm.Message
	for _, m := range conv.Messages {
		if m.ID == in.ID {
			break
		}
		before = append(before, m)
	}
	background, err := crm.Background(ctx, ib.db, conv.Contact.ID, conv.ID, 5)
	if err != nil {
		return agent.Reply{}, "", err
	}
	input := turn.Input{Channel: agent.ChannelVoice, Text: in.Body, History: history(before),
		Lead: agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage,
			Notes: conv.Contact.Notes, Background: background}}
	prepared := turn.Prepare(input)
	started := ib.now()
	streamer, streams := ib.agent.(agent.Streamer)
	switch {
	case say == nil:
		reply, err = ib.agent.Turn(ctx, prepared)
	case streams:
		reply, err = streamer.TurnStream(ctx, prepared, say)
	default:
		if reply, err = ib.agent.Turn(ctx, prepared); err == nil {
			if err = say(reply.Text); err != nil {
				reply.Text = ""
			}
		}
	}
	if err != nil && say != nil && ctx.Err() != nil {
		return reply, "", ib.relayInterrupted(ctx, conv, call, in, reply)
	}
	if err != nil {
		// Never leave a caller in silence: a person calls back.
		ib.logger.Error("voice agent turn", "call_sid", call.CallSID, "err", err)
		reply = agent.Reply{Outcome: agent.OutcomeUnknown, Path: agent.PathFallback, FallbackReason: err.Error(),
			Text: "Sorry, I'm having trouble right now. Someone from " + ib.business.Name + " will call you back."}
		if say != nil {
			if err := say(reply.Text); err != nil {
				return reply, "", err
			}
		}
	}
	if reply.Latency == 0 {
		reply.Latency = ib.now().Sub(started)
	}
	// What was said is recorded, and the rules run on it, even if the
	// caller hangs up now.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), relaySaveTimeout)
	defer cancel()
	err = ib.inTx(ctx, func(tx pgx.Tx) error {
		locked, err := crm.LockConversation(ctx, tx, conv.ID)
		if err != nil {
			return err
		}
		locked.Messages = conv.Messages
		if err := turnEvents(reply, func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
		}); err != nil {
			return err
		}
		said := reply.Text
		if locked.Mode == crm.ModeAI {
			t := turn.Answered(input, reply)
			opened, err := ib.escalate(ctx, tx, locked, in, t)
			if err != nil {
				return err
			}
			reply = t.Reply
			if opened != nil {
				if then, err = ib.handOffCall(ctx, tx, locked, call, *opened, in.Body); err != nil {
					return err
				}
			}
		}
		switch {
		case say != nil:
			reply.Text = strings.TrimSpace(said + " " + then)
		case then != "":
			reply.Text = then
		}
		_, _, err = crm.RecordOutbound(ctx, tx, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: reply.Text, ReplyTo: in.ID,
			Outcome: string(reply.Outcome), Citations: reply.Citations, Turn: turnOf(reply), Channel: crm.ChannelVoice, CallID: call.ID})
		return err
	})
	return reply, then, err
}

// recordHeard records what a caller said as an inbound spoken message of
// the call, once per key; inserted is false for a key seen before. A
// Gather turn also clears the call's count of turns asked again.
func (ib *Inbox) recordHeard(ctx context.Context, call crm.Call, key, text string, detail crm.MessageReceived, resetReprompts bool) (in crm.Message, inserted bool, err error) {
	err = ib.inTx(ctx, func(tx pgx.Tx) error {
		text, _ := ib.redactText(text)
		conv, err := crm.ConversationWithContact(ctx, tx, call.ConversationID)
		if err != nil {
			return err
		}
		in, inserted, err = crm.RecordInbound(ctx, tx, crm.NewInbound{ConversationID: conv.ID, Body: text, ProviderSID: key,
			ReceivedAt: ib.now(), Channel: crm.ChannelVoice, CallID: call.ID})
		if err != nil || !inserted {
			return err
		}
		if resetReprompts {
			zero := 0
			if _, err := crm.UpdateCall(ctx, tx, call.ID, crm.CallChange{Reprompts: &zero}); err != nil {
				return err
			}
		}
		detail.MessageID = in.ID
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
	})
	return in, inserted, err
}

// handOffCall decides what the caller hears when their call is handed
// off: a dial to the rep on duty, or a promise of a call back and a text
// confirming it. A caller who raised a danger (said, handed off as
// sensitive) first hears what to do about it.
func (ib *Inbox) handOffCall(ctx context.Context, tx pgx.Tx, conv crm.Conversation, call crm.Call, o handoff.Opened, said string) (string, error) {
	var safety string
	if o.Handoff.Reason == handoff.ReasonSensitive {
		safety = ib.safetyInstruction(ctx, call.CallSID, said) + " "
	}
	change := crm.CallChange{HandoffID: o.Handoff.ID, Outcome: crm.CallHandedOff, Force: true}
	if o.Rep != nil {
		change.DialRepID = o.Rep.ID
		if _, err := crm.UpdateCall(ctx, tx, call.ID, change); err != nil {
			return "", err
		}
		if safety != "" {
			return safety + "If you can stay on the line safely, I'll connect you with someone from our team now.", nil
		}
		return "Let me connect you with someone from our team now. Please hold.", nil
	}
	if _, err := crm.UpdateCall(ctx, tx, call.ID, change); err != nil {
		return "", err
	}
	return ib.promiseCallBack(ctx, tx, conv, safety)
}

// safetySearchTimeout bounds the search for a safety instruction.
const safetySearchTimeout = 2 * time.Second

// safetyInstruction is what a caller who raised a danger hears before
// anything else: the business's own instruction for it from the
// knowledge, or agent.SafetyFallback when it has none or cannot be
// searched in safetySearchTimeout (a caller in danger is never kept
// waiting on an error or a slow embedder, and the turn's transaction is
// not held long).
func (ib *Inbox) safetyInstruction(ctx context.Context, callSID, said string) string {
	ctx, cancel := context.WithTimeout(ctx, safetySearchTimeout)
	defer cancel()
	found, err := agent.SafetyInstruction(ctx, ib.knowledge, said)
	if err != nil {
		ib.logger.Error("voice: safety instruction", "call_sid", callSID, "err", err)
	}
	if found == "" {
		return agent.SafetyFallback
	}
	return found
}

// promiseCallBack tells the caller when a person will call back, and
// texts them the same (unless they opted out of texts).
func (ib *Inbox) promiseCallBack(ctx context.Context, tx pgx.Tx, conv crm.Conversation, lead string) (string, error) {
	when, err := ib.desk.FollowUpWhen(ctx, tx)
	if err != nil {
		return "", err
	}
	said := lead + "A person from our team will call you back " + when + "."
	if !conv.Contact.OptedOut {
		said += " I'll send you a text to confirm."
		text := "Thanks for calling " + ib.business.Name + ". A person from our team will call you back " + when +
			". Reply here if there's anything to add."
		if err := ib.queueReply(ctx, tx, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: text,
			Outcome: string(agent.OutcomeHandoff)}, func(detail crm.Detail) error {
			return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
		}); err != nil {
			return "", err
		}
	}
	return said + " Thanks for calling, goodbye.", nil
}

// callBack ends a call that cannot go on with a promise of a call back.
func (ib *Inbox) callBack(ctx context.Context, callSID, lead string) (channels.VoiceStep, error) {
	var said string
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		call, err := crm.LockCall(ctx, tx, callSID)
		if err != nil {
			return err
		}
		conv, err := crm.ConversationWithContact(ctx, tx, call.ConversationID)
		if err != nil {
			return err
		}
		if _, err := crm.UpdateCall(ctx, tx, call.ID, crm.CallChange{Outcome: crm.CallCallback, Force: true}); err != nil {
			return err
		}
		said, err = ib.promiseCallBack(ctx, tx, conv, lead+" ")
		return err
	})
	return channels.VoiceStep{Say: said, Next: channels.VoiceHangup}, err
}

// notHeard answers silence or speech heard too poorly: ask again once,
// then continue by text.
func (ib *Inbox) notHeard(ctx context.Context, call crm.Call, s channels.Speech) (channels.VoiceStep, error) {
	if call.Reprompts == 0 {
		one := 1
		if _, err := crm.UpdateCall(ctx, ib.db, call.ID, crm.CallChange{Reprompts: &one}); err != nil {
			return channels.VoiceStep{}, err
		}
		return channels.VoiceStep{Say: "Sorry, I didn't catch that. Could you say it again?", Next: channels.VoiceListen, Turn: s.Turn}, nil
	}
	var optedOut bool
	err := ib.inTx(ctx, func(tx pgx.Tx) error {
		conv, err := crm.ConversationWithContact(ctx, tx, call.ConversationID)
		if err != nil {
			return err
		}
		optedOut = conv.Contact.OptedOut
		if _, err := crm.UpdateCall(ctx, tx, call.ID, crm.CallChange{Outcome: crm.CallTextFollowUp, Force: true}); err != nil {
			return err
		}
		if optedOut {
			return nil
		}
		return ib.queueReply(ctx, tx, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Outcome: string(agent.OutcomeAsked),
			Body: "Hi, this is the AI assistant for " + ib.business.Name + ". Sorry I couldn't hear you on the phone. How can I help? Just reply here."},
			func(detail crm.Detail) error {
				return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
			})
	})
	if err != nil {
		return channels.VoiceStep{}, err
	}
	if optedOut {
		return channels.VoiceStep{Say: "I'm having trouble hearing you. Please call us again, or someone from our team will follow up. Goodbye.",
			Next: channels.VoiceHangup}, nil
	}
	return channels.VoiceStep{Say: "I'm having trouble hearing you, so I'll send you a text message and we can continue there. Goodbye.",
		Next: channels.VoiceHangup}, nil
}

// dialAccepted is a call's dial status while the rep it dials has
// pressed 1 on the whisper to take it, until the dial ends; dialNotTaken,
// after a dial that rang through but that nobody took (a rep's voicemail,
// or a rep who did not press 1).
const (
	dialAccepted = "accepted"
	dialNotTaken = "not-taken"
)

// Whisper is what the rep hears before the caller is connected: who and
// why, and the question whether they take the call. Only a rep who
// presses 1 is connected (WhisperAnswered), so a rep's voicemail never
// takes the customer's call.
func (ib *Inbox) Whisper(ctx context.Context, handoffID int64) (string, error) {
	s, err := ib.desk.Whisper(ctx, ib.db, handoffID)
	if err != nil {
		return "", err
	}
	return s + " Press 1 to take the call.", nil
}

// WhisperAnswered goes on after the rep pressed a key on the whisper of
// a dial for callSID: 1 takes the call, which is recorded (DialEnded then
// knows the caller was connected to a person) and connects them; any
// other key declines, and the caller is promised a call back when the
// dial ends.
func (ib *Inbox) WhisperAnswered(ctx context.Context, callSID string, handoffID int64, digits string) (channels.VoiceStep, error) {
	if digits != "1" {
		return channels.VoiceStep{Say: "Okay, we'll let the caller know someone will call them back. Goodbye.", Next: channels.VoiceHangup}, nil
	}
	call, err := crm.CallBySID(ctx, ib.db, callSID)
	if err != nil {
		return channels.VoiceStep{}, fmt.Errorf("whisper answered for call %s: %w", callSID, err)
	}
	if call.HandoffID != handoffID {
		return channels.VoiceStep{}, fmt.Errorf("whisper answered for call %s: handoff %d is not this call's", callSID, handoffID)
	}
	if _, err := crm.UpdateCall(ctx, ib.db, call.ID, crm.CallChange{DialStatus: dialAccepted}); err != nil {
		return channels.VoiceStep{}, fmt.Errorf("whisper answered for call %s: %w", callSID, err)
	}
	return channels.VoiceStep{Say: "Connecting you now."}, nil
}

// DialEnded goes on after a dial to a rep: a connected call ends there; a
// missed one (no answer, busy, failed) falls back to a call back, and the
// rep is told of the missed call. A dial with a whisper (handoffID set)
// connected only when the rep pressed 1 on it: otherwise the rep's leg
// hung up unaccepted (voicemail, or no key in time), which is a miss too,
// whatever status the provider reports for it.
func (ib *Inbox) DialEnded(ctx context.Context, callSID string, handoffID int64, status string) (channels.VoiceStep, error) {
	call, err := crm.CallBySID(ctx, ib.db, callSID)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	answered := status == "completed" || status == "answered"
	if answered && (handoffID == 0 || call.DialStatus == dialAccepted) {
		_, err := crm.UpdateCall(ctx, ib.db, call.ID, crm.CallChange{DialStatus: status, Outcome: crm.CallDialedRep, Force: true})
		return channels.VoiceStep{Next: channels.VoiceHangup}, err
	}
	if answered {
		status = dialNotTaken
	}
	if _, err := crm.UpdateCall(ctx, ib.db, call.ID, crm.CallChange{DialStatus: status}); err != nil {
		return channels.VoiceStep{}, err
	}
	return ib.callBack(ctx, callSID, "Sorry, nobody could pick up just now.")
}

// CallStatus records the provider's status callback; a call that ended
// gets its outcome (what the call did, or abandoned when the caller never
// spoke) and its end on the timeline, once.
func (ib *Inbox) CallStatus(ctx context.Context, c channels.Call) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		call, err := crm.LockCall(ctx, tx, c.CallSID)
		if errors.Is(err, crm.ErrNotFound) {
			return nil // a call we never answered: nothing to record
		}
		if err != nil {
			return err
		}
		change := crm.CallChange{Status: c.Status}
		terminal := c.Status == "completed" || c.Status == "busy" || c.Status == "no-answer" || c.Status == "failed" || c.Status == "canceled"
		if !terminal || call.EndedAt != nil {
			_, err := crm.UpdateCall(ctx, tx, call.ID, change)
			return err
		}
		secs := int(c.Duration.Seconds())
		at := ib.now()
		change.Duration, change.EndedAt = &secs, &at
		spoke, err := crm.CallerSpoke(ctx, tx, call.ID)
		if err != nil {
			return err
		}
		change.Outcome = crm.CallAbandoned
		if spoke {
			change.Outcome = crm.CallAnsweredByAgent
		}
		ended, err := crm.UpdateCall(ctx, tx, call.ID, change)
		if err != nil {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: call.ConversationID, ContactID: call.ContactID,
			Detail: crm.CallEnded{CallSID: c.CallSID, CallID: call.ID, DurationSeconds: secs, Outcome: ended.Outcome,
				Status: c.Status}})
	})
}

// redactText is a caller's words as they are stored: text PostgreSQL can
// hold (crm.CleanText: a relay's JSON may carry a NUL), then redacted.
func (ib *Inbox) redactText(s string) (string, bool) {
	s = crm.CleanText(s)
	if ib.redact == nil {
		return s, false
	}
	return ib.redact(s)
}
