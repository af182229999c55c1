// Package email is email as a channel: it owns the wire, not the
// conversation. It sends over SMTP (Sender: submission with STARTTLS and
// auth, threading headers, the Reply-To address that routes back to a
// conversation, and on marketing email the postal address and RFC 8058
// one-click unsubscribe), receives over SMTP (Receiver, for a self-hosted
// MX) and from providers' inbound-parse webhooks (ParseWebhook), and reads
// what arrives (Inbound: quoted history and signatures stripped,
// auto-replies and bounces told apart). It records nothing: inbox and crm
// decide what an email means for the lead.
package email
