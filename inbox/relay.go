package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	session := p.SessionID
	if session == "" {
		session = "relay"
	}
	in, inserted, err := ib.recordHeard(ctx, call, p.CallSID+"#"+session+"#"+strconv.Itoa(p.Turn), p.Text,
		crm.MessageReceived{CallSID: p.CallSID, SessionID: p.SessionID}, false)
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
	reply, then, err := ib.spokenTurn(ctx, call, in, say)
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
		ReplyTo: in.ID, Turn: turnOf(reply), Channel: crm.ChannelVoice, CallID: call.ID})
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
