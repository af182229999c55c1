// Package twilio is leadagent's Twilio channel: the Messaging webhooks
// (inbound SMS/MMS and delivery status callbacks, answered with TwiML at
// once), the X-Twilio-Signature check that guards them, and the Sender that
// sends SMS through Twilio's REST API with twilio-go.
//
// It owns the translation between Twilio's wire shapes and the
// channel-neutral types of package channels, and nothing else: it records
// nothing itself (the Receiver does), never waits for the agent inside a
// webhook, and never retries a send (a River job does, guided by
// channels.SendError.Retryable). The auth token is used to sign and to
// authenticate, and never appears in an error or a log line.
//
// Signatures are checked with twilio-go's client.RequestValidator against
// PUBLIC_URL plus the request's path and query, or, without PUBLIC_URL,
// against the URL rebuilt from the request. Sign computes the header as
// Twilio does, for the sandbox, the simulator and tests.
package twilio
