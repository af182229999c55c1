// Package sandbox is a fake Twilio for the demo, the simulator and tests:
// Server answers the Messages part of Twilio's REST API (create, fetch,
// list) in Twilio's own JSON shapes and error codes, records every outbound
// message in memory, and posts signed status callbacks (queued, sent,
// delivered) the way Twilio does; Lead plays a lead's phone, posting
// complete, correctly signed inbound SMS webhooks to a leadagent server.
// Inbound (or a Receiver wrapped by WithOptOutHandling) plays Twilio's
// default opt-out handling: STOP, START and HELP from a lead get Twilio's
// standard answers, and a lead who texted STOP is refused (21610) until
// START.
//
// Server mounts under any prefix (the server uses /sandbox, making the API
// base http://HOST/sandbox) and lets tests inject faults: failures of the
// next requests, recipients that refuse (21610, unsubscribed), undeliverable
// recipients, and downtime.
//
// It owns nothing persistent and talks to nothing but HTTP: it must never
// reach the real Twilio, hold a real account's token beyond signing, or
// import leadagent's domain packages.
package sandbox
