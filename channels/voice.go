package channels

import (
	"context"
	"time"
)

// Call is a phone call as the provider announced it.
type Call struct {
	CallSID   string
	From, To  string
	Status    string // ringing, in-progress, completed, busy, no-answer, failed, canceled
	Direction string
	// Duration is the call's length, once it ended.
	Duration   time.Duration
	ReceivedAt time.Time
}

// Speech is what a caller said in one turn of a call.
type Speech struct {
	CallSID string
	// Turn numbers the caller's turns in a call; a provider retry of one
	// turn carries the same number.
	Turn int
	Text string
	// Confidence is the recognizer's, 0..1 (0 when it gave none).
	Confidence float64
	// Waiting is true when the provider comes back for the answer of a
	// turn still being written (after a filler).
	Waiting bool
}

// VoiceNext is what a call does after the words of a VoiceStep.
type VoiceNext string

const (
	VoiceListen VoiceNext = "listen" // gather the caller's next words as turn VoiceStep.Turn
	VoiceWait   VoiceNext = "wait"   // come back for turn VoiceStep.Turn's answer (a filler was said)
	VoiceDial   VoiceNext = "dial"   // connect a person: VoiceStep.Dial
	VoiceHangup VoiceNext = "hangup"
)

// VoiceStep is the call's next move: words to say, then what follows.
type VoiceStep struct {
	Say  string
	Next VoiceNext
	Turn int
	Dial *Dial
}

// Dial connects the caller to a person.
type Dial struct {
	To       string // E.164
	CallerID string // the business number
	// HandoffID is the handoff the person is connected for: the whisper
	// they hear before connecting, and what a missed dial falls back to.
	HandoffID int64
	Timeout   time.Duration
}

// VoiceReceiver is what the voice webhooks hand calls to (the inbox).
type VoiceReceiver interface {
	// CallStarted greets a new call (or a retry of its first webhook).
	CallStarted(ctx context.Context, c Call) (VoiceStep, error)
	// Heard answers one turn of the caller's speech.
	Heard(ctx context.Context, s Speech) (VoiceStep, error)
	// Whisper is what the person being connected hears first: who is
	// calling and why, and a question to answer with one key. No key in
	// time counts as not answered, so a voicemail never takes the call.
	Whisper(ctx context.Context, handoffID int64) (string, error)
	// WhisperAnswered goes on after the person being connected pressed a
	// key on the whisper of callSID's dial: a step with no Next connects
	// them (after its words); VoiceHangup declines.
	WhisperAnswered(ctx context.Context, callSID string, handoffID int64, digits string) (VoiceStep, error)
	// DialEnded goes on after a dial: connected, or missed (no-answer,
	// busy, failed), which falls back to a call back.
	DialEnded(ctx context.Context, callSID string, handoffID int64, dialStatus string) (VoiceStep, error)
	// CallStatus records the provider's status callback.
	CallStatus(ctx context.Context, c Call) error
}

// RelaySession is a call on a streaming voice session (Twilio's
// ConversationRelay): the provider hears the caller and speaks, and the
// server reads the caller's words as text and streams its answers back as
// text while they are written.
type RelaySession struct {
	SessionID string
	CallSID   string
	From, To  string
	Direction string
}

// RelayPrompt is one thing the caller said in a relay session.
type RelayPrompt struct {
	SessionID string
	CallSID   string
	// Turn numbers the session's prompts from 1.
	Turn int
	Text string
	Lang string
}

// RelayAnswer is how a relay session goes on after an answer.
type RelayAnswer struct {
	// End ends the session: the call leaves the relay for RelayEnded,
	// which gets HandoffData back, to connect a person or hang up.
	End         bool
	HandoffData string
}

// Interrupted is the cause (context.Cause) of the end of a relay answer's
// context when the caller spoke over it.
type Interrupted struct {
	// Heard is what the caller heard of the answer before they spoke.
	Heard string
	After time.Duration
}

func (i *Interrupted) Error() string { return "the caller interrupted" }

// RelayReceiver is what a streaming voice session hands the call to (the
// inbox). The session answers with the greeting of CallStarted; from there
// the receiver answers what the caller says, as text streamed to say.
type RelayReceiver interface {
	// RelayStarted opens the session on its call (CallStarted recorded the
	// call when it came in).
	RelayStarted(ctx context.Context, s RelaySession) error
	// RelayPrompt answers one thing the caller said, handing the words to
	// say as they are written. ctx ends when the caller interrupts (its
	// cause is an *Interrupted) or hangs up, and then it must return at
	// once; say fails from then on. An answer with End set ends the session.
	RelayPrompt(ctx context.Context, p RelayPrompt, say func(text string) error) (RelayAnswer, error)
	// RelayEnded goes on after the session ended: with the HandoffData of
	// the answer that ended it, the dial to a person or a call-back promise;
	// with none (the session failed), a call-back promise.
	RelayEnded(ctx context.Context, callSID, handoffData string) (VoiceStep, error)
}
