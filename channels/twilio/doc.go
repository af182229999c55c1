// Package twilio is leadagent's Twilio channel: the Messaging webhooks
// (inbound SMS/MMS and delivery status callbacks, answered with TwiML at
// once), the Voice webhooks (a call, each turn of the caller's speech, the
// whisper that screens a rep (press 1 to take the call), the end of a
// dial, status callbacks, answered with TwiML from twilio-go's twiml
// package), the ConversationRelay WebSocket
// that streams a call's answers, the X-Twilio-Signature check that guards
// them all, and the Sender that sends SMS through Twilio's REST API.
//
// It owns the translation between Twilio's wire shapes and the
// channel-neutral types of package channels, and nothing else: it records
// nothing itself (the Receiver and VoiceReceiver do), never waits for the
// agent inside a Messaging webhook, and never retries a send (a River job does, guided by
// channels.SendError.Retryable). The auth token is used to sign and to
// authenticate, and never appears in an error or a log line.
//
// Signatures are checked with twilio-go's client.RequestValidator against
// PUBLIC_URL plus the request's path and query, or, without PUBLIC_URL,
// against the URL rebuilt from the request. Sign computes the header as
// Twilio does, for the sandbox, the simulator and tests.
package twilio
