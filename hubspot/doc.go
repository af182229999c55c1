// Package hubspot keeps a business's HubSpot CRM the source of truth: it
// syncs the product's public events (crm's outbox) to HubSpot through its
// CRM API with a private app's token — the contact upserted by email or
// phone, every text logged as a communication (SMS) and every call as a
// call, a handoff as a task for the rep's HubSpot owner, a close as the
// contact's lifecycle stage or a deal — and brings contacts created in
// HubSpot in as leads (its contact.creation webhook, checked by its v3
// signature).
//
// It owns the hubspot_contacts table (each contact's HubSpot id and how
// its last sync went) and hubspot_objects (the HubSpot object each text,
// call, handoff and close became, so a retried job logs nothing twice).
// Every call to HubSpot is made from a River job: a 429 waits as long as
// HubSpot asks, its failures are retried, and its refusals are kept on
// the contact's state. The package does not serve HTTP (web checks the
// webhook with CheckSignature) and does not record leads itself: the
// inbox does, on the path every lead takes (Config.ReceiveLead).
package hubspot
