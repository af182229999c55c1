// Package handoff owns the moment a person takes over from the agent: the
// escalation rules that decide it from a turn's signals (versioned in
// PostgreSQL, so an admin's change applies on the next turn), the routing
// that chooses the rep (the lead's owner, round robin among reps on duty,
// the on-call rep after hours, or the next rep to come on duty), the
// two-line summary and the texts the rep and the lead get, and the SLA
// steps that widen the circle when nobody claims it. It owns the handoffs,
// notifications, escalation_rules and business_hours tables.
//
// The package decides and records; it does not send or schedule. The inbox
// runs the River jobs that deliver its notifications and fire its SLA
// steps, in the same transaction as the rows that cause them.
package handoff
