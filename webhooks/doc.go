// Package webhooks delivers the product's public events to other programs
// (a business's own CRM) by the Standard Webhooks spec
// (standardwebhooks.com): the endpoints an admin adds, each with its
// whsec_ secret and the event types it wants, and every delivery with its
// attempts. It owns the webhook_endpoints, webhook_deliveries and
// webhook_attempts tables.
//
// The events come from crm's outbox (event_outbox), which crm.AddEvent
// fills in the transaction that records a change. Dispatch takes outbox
// rows (DELETE ... FOR UPDATE SKIP LOCKED, so any number of worker
// processes share it) and, in the same transaction, writes one delivery
// and one River job per subscribed endpoint; other consumers of the
// outbox (a CRM sync) subscribe as Sinks and queue their jobs in that
// same transaction. DeliverWorker posts a
// delivery, signed with the spec's library, retrying on River's schedule
// (Schedule, about a day); an endpoint that has failed for DisableAfter is
// disabled and its admin told on the console.
//
// The package imports River for its job's types (DeliverArgs,
// DeliverWorker) and inserts jobs with the client it is given; it knows
// nothing of HTTP serving or the console.
package webhooks
