package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
)

// A relay call (Twilio ConversationRelay) is the Gather call of voice.go
// with the answer streamed: the same call row (CallStarted records it and
// greets), the caller's words and the agent's recorded as messages of the
// call on the caller's conversation, the same escalation rules, and the
// same end of a handoff (afterTurn, handOffCall, promiseCallBack), said
// after the session ends instead of within the turn.

var _ channels.RelayReceiver = (*Inbox)(nil)

// relayHandoff is the HandoffData of a session that ends in a handoff:
// the caller's message whose answer handed off, and the words the call
// says before its next step (the dial, or the call-back promise and
// goodbye).
type relayHandoff struct {
	Message string `json:"message"`
	Say     string `json:"say"`
}

// relaySaveTimeout bounds recording a turn once its words were said,
// which goes on if the caller interrupts or hangs up meanwhile.
const relaySaveTimeout = 10 * time.Second

// RelayStarted opens a relay session on its call. CallStarted recorded
// the call when its webhook came; a session on a call we did not answer
// is recorded the same way.
func (ib *Inbox) RelayStarted(ctx context.Context, s channels.RelaySession) error {
	_, err := crm.CallBySID(ctx, ib.db, s.CallSID)
	if errors.Is(err, crm.ErrNotFound) {
		_, err = ib.CallStarted(ctx, channels.Call{CallSID: s.CallSID, From: s.From, To: s.To, Direction: s.Direction,
			Status: "in-progress", ReceivedAt: ib.now()})
	}
	if err != nil {
		return fmt.Errorf("relay session %s: %w", s.CallSID, err)
	}
	return nil
}

// RelayPrompt answers what the caller said, streaming the agent's words
// to say as they are written (the agent streams when it is an
// agent.Streamer, else its whole reply is said at once), then records the
// turn as a Gather turn is recorded. An answer that hands off ends the
// session, with the words of the handoff left for RelayEnded to say. When
// the caller interrupts, what they heard is recorded as the reply.
func (ib *Inbox) RelayPrompt(ctx context.Context, p channels.RelayPrompt, say func(string) error) (channels.RelayAnswer, error) {
	call, err := crm.CallBySID(ctx, ib.db, p.CallSID)
	if err != nil {
		return channels.RelayAnswer{}, err
	}
	in, inserted, err := ib.relayHeard(ctx, call, p)
	if err != nil {
		return channels.RelayAnswer{}, err
	}
	if !inserted {
		// The same prompt twice: say its answer again.
		reply, err := crm.ReplyTo(ctx, ib.db, in.ID)
		if err != nil {
			return channels.RelayAnswer{}, fmt.Errorf("relay prompt %s again: %w", in.ProviderSID, err)
		}
		return channels.RelayAnswer{}, say(reply.Body)
	}
	reply, then, err := ib.relayTurn(ctx, call, in, say)
	if err != nil {
		return channels.RelayAnswer{}, err
	}
	if reply.Outcome != agent.OutcomeHandoff {
		return channels.RelayAnswer{}, nil
	}
	data, err := json.Marshal(relayHandoff{Message: in.ID, Say: then})
	if err != nil {
		return channels.RelayAnswer{}, err
	}
	return channels.RelayAnswer{End: true, HandoffData: string(data)}, nil
}

// relayHeard records what the caller said as an inbound spoken message
// of the call, as Heard does; inserted is false when that prompt of the
// session was recorded before.
func (ib *Inbox) relayHeard(ctx context.Context, call crm.Call, p channels.RelayPrompt) (in crm.Message, inserted bool, err error) {
	session := p.SessionID
	if session == "" {
		session = "relay"
	}
	key := p.CallSID + "#" + session + "#" + strconv.Itoa(p.Turn)
	err = ib.inTx(ctx, func(tx pgx.Tx) error {
		text, _ := ib.redactText(p.Text)
		conv, err := crm.ConversationWithContact(ctx, tx, call.ConversationID)
		if err != nil {
			return err
		}
		in, inserted, err = crm.RecordInbound(ctx, tx, crm.NewInbound{ConversationID: conv.ID, Body: text, ProviderSID: key,
			ReceivedAt: ib.now(), Channel: "voice", CallID: call.ID})
		if err != nil || !inserted {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: conv.Contact.ID, Kind: crm.EventMessageReceived,
			Detail: map[string]any{"message_id": in.ID, "call_sid": p.CallSID, "session_id": p.SessionID}})
	})
	return in, inserted, err
}

// relayTurn is voiceTurn with the answer streamed to say: the agent's
// reply is said while it is written, then recorded, and the escalation
// rules run on it; a handoff's words (the dial's "please hold" or the
// call-back promise) are returned in then, to be said when the session
// has ended, and recorded after what was said.
func (ib *Inbox) relayTurn(ctx context.Context, call crm.Call, in crm.Message, say func(string) error) (reply agent.Reply, then string, err error) {
	if ib.agent == nil {
		return agent.Reply{}, "", errors.New("relay turn: no agent")
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
	turn := agent.TurnInput{Channel: agent.ChannelVoice, Text: in.Body, History: history(before), FirstTurn: !spoke(before),
		Lead: agent.Lead{Name: conv.Contact.Name, Source: conv.Contact.Source, Stage: conv.Contact.Stage,
			Notes: conv.Contact.Notes, Background: background}}
	started := ib.now()
	if s, ok := ib.agent.(agent.Streamer); ok {
		reply, err = s.TurnStream(ctx, turn, say)
	} else if reply, err = ib.agent.Turn(ctx, turn); err == nil {
		if err = say(reply.Text); err != nil {
			reply.Text = ""
		}
	}
	if err != nil && ctx.Err() != nil {
		return reply, "", ib.relayInterrupted(ctx, conv, call, in, reply)
	}
	if err != nil {
		// Never leave a caller in silence: a person calls back.
		ib.logger.Error("relay agent turn", "call_sid", call.CallSID, "err", err)
		reply = agent.Reply{Outcome: agent.OutcomeUnknown, Path: agent.PathFallback, FallbackReason: err.Error(),
			Text: "Sorry, I'm having trouble right now. Someone from " + ib.business.Name + " will call you back."}
		if err := say(reply.Text); err != nil {
			return reply, "", err
		}
	}
	if reply.Latency == 0 {
		reply.Latency = ib.now().Sub(started)
	}
	// The words were said: they are recorded, and the rules run on them,
	// even if the caller interrupts now.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), relaySaveTimeout)
	defer cancel()
	err = ib.inTx(ctx, func(tx pgx.Tx) error {
		locked, err := crm.LockConversation(ctx, tx, conv.ID)
		if err != nil {
			return err
		}
		locked.Messages = conv.Messages
		event := func(kind string, detail map[string]any) error {
			return crm.AddEvent(ctx, tx, crm.Event{ConversationID: conv.ID, ContactID: conv.Contact.ID, Kind: kind, Detail: detail})
		}
		if reply.Path == agent.PathFallback {
			if err := event(crm.EventAgentFallback, map[string]any{"reason": reply.FallbackReason}); err != nil {
				return err
			}
		}
		if len(reply.Guardrails) > 0 {
			if err := event(crm.EventGuardrail, map[string]any{"rules": reply.Guardrails}); err != nil {
				return err
			}
		}
		said := reply.Text
		if locked.Mode == crm.ModeAI {
			opened, err := ib.escalate(ctx, tx, locked, in, before, in.Body, &reply)
			if err != nil {
				return err
			}
			if opened != nil {
				if then, err = ib.handOffCall(ctx, tx, locked, call, *opened); err != nil {
					return err
				}
			}
		}
		reply.Text = strings.TrimSpace(said + " " + then)
		_, _, err = crm.RecordOutbound(ctx, tx, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: reply.Text, ReplyTo: in.ID,
			Outcome: string(reply.Outcome), Citations: reply.Citations, Turn: turnOf(reply), Channel: "voice", CallID: call.ID})
		return err
	})
	return reply, then, err
}

// relayInterrupted records what the caller heard of an answer they spoke
// over (or hung up on): the words said so far, or, when Twilio reported
// it, the words it had spoken. The turn is incomplete, so it has no
// outcome and the escalation rules do not run on it: the caller's next
// words are the next turn. It returns the interruption.
func (ib *Inbox) relayInterrupted(ctx context.Context, conv crm.Conversation, call crm.Call, in crm.Message, reply agent.Reply) error {
	cause := context.Cause(ctx)
	heard := reply.Text
	var ir *channels.Interrupted
	if errors.As(cause, &ir) && strings.TrimSpace(ir.Heard) != "" {
		heard = strings.TrimSpace(ir.Heard)
	}
	if heard == "" {
		return cause
	}
	save, cancel := context.WithTimeout(context.WithoutCancel(ctx), relaySaveTimeout)
	defer cancel()
	_, _, err := crm.RecordOutbound(save, ib.db, crm.NewOutbound{ConversationID: conv.ID, Author: crm.AuthorAI, Body: heard,
		ReplyTo: in.ID, Turn: turnOf(reply), Channel: "voice", CallID: call.ID})
	if err != nil {
		ib.logger.Error("relay: record an interrupted answer", "call_sid", call.CallSID, "err", err)
	}
	return cause
}

// RelayEnded goes on with a call whose relay session ended. A session
// that handed off continues as a Gather turn that handed off does
// (afterTurn: the dial to the rep handOffCall chose, or the goodbye after
// the call-back promise), saying the handoff's words first; a session
// that ended without one (it failed) promises a call back.
func (ib *Inbox) RelayEnded(ctx context.Context, callSID, handoffData string) (channels.VoiceStep, error) {
	var h relayHandoff
	if handoffData != "" {
		if err := json.Unmarshal([]byte(handoffData), &h); err != nil {
			ib.logger.Warn("relay end: unreadable handoff data", "call_sid", callSID, "err", err)
		}
	}
	if h.Message == "" {
		return ib.callBack(ctx, callSID, "Sorry, I'm having trouble answering that right now.")
	}
	call, err := crm.CallBySID(ctx, ib.db, callSID)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	reply, err := crm.ReplyTo(ctx, ib.db, h.Message)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	if reply.CallID != call.ID {
		return channels.VoiceStep{}, fmt.Errorf("relay end %s: message %s is not of this call", callSID, h.Message)
	}
	step, err := ib.afterTurn(ctx, callSID, reply, 0)
	if err != nil {
		return channels.VoiceStep{}, err
	}
	step.Say = h.Say // the rest of the reply was said in the session
	return step, nil
}
