// Package leadforms maps ad platforms' lead payloads to our lead
// (crm.NewLead): Google Ads lead form webhooks, checked against a key per
// form, and Facebook (Meta) Lead Ads webhooks, checked by their
// X-Hub-Signature-256, whose leads it fetches from the Graph API by their
// leadgen id. It parses and checks what the platforms send and says what
// it means in our words; it does not record leads (the inbox does, on the
// one path every lead takes), serve HTTP or run jobs.
package leadforms
