package reports

// arrivalsSQL selects every time someone reached the business in [$1, $2):
// one row per arrival, with the columns contact_id, source, channel,
// arrived_at, after_hours and responded_at. A lead is anyone who reached
// the business, however they came:
//
//   - form: a leads row (a web form, an ad platform, the API, an import),
//     arriving at leads.created_at; the AI responded when the provider
//     accepted its first-touch message (that message's sent_at).
//   - text, email and call: a conversation the lead started (its first
//     message is the lead's, or a call from them came before any message)
//     that no leads row opened; it arrives with that first text, email or
//     call. The AI responded with its first message in the conversation
//     after that: a text or email when the provider accepted it, a spoken
//     reply when it was said.
//
// Their source is the contact's (the first one the contact came from),
// as handoffs and opt-outs count under; after_hours is known for forms only.
const arrivalsSQL = `
	SELECT l.contact_id, l.source, 'form' AS channel, l.created_at AS arrived_at, l.after_hours, m.sent_at AS responded_at
	FROM leads l LEFT JOIN messages m ON m.id = l.first_touch_message_id
	WHERE l.created_at >= $1 AND l.created_at < $2
	UNION ALL
	SELECT v.contact_id, k.source, f.channel, f.at, false,
		(SELECT min(CASE WHEN o.channel = 'voice' THEN o.created_at ELSE o.sent_at END) FROM messages o
			WHERE o.conversation_id = v.id AND o.direction = 'outbound' AND o.author = 'ai' AND o.created_at >= f.at)
	FROM conversations v
	JOIN contacts k ON k.id = v.contact_id
	CROSS JOIN LATERAL (
		SELECT e.channel, e.at FROM (
			(SELECT CASE WHEN m.direction = 'inbound' THEN CASE m.channel WHEN 'voice' THEN 'call' WHEN 'email' THEN 'email' ELSE 'text' END END AS channel,
				m.created_at AS at
			FROM messages m WHERE m.conversation_id = v.id ORDER BY m.created_at, m.id LIMIT 1)
			UNION ALL
			(SELECT 'call', c.started_at FROM calls c
			WHERE c.conversation_id = v.id AND c.direction = 'inbound' ORDER BY c.started_at LIMIT 1)
		) e ORDER BY e.at LIMIT 1
	) f
	WHERE f.channel IS NOT NULL AND f.at >= $1 AND f.at < $2
		AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.conversation_id = v.id)`

// optOutsSQL selects the opt-outs recorded in [$1, $2) as events, one row
// each with its contact's source and its channel (sms: STOP and the like;
// email: an unsubscribe): a lead who sent STOP, START, then STOP opted out
// twice. An opt-out recorded while the contact was already opted out of
// that channel (a second STOP, a carrier's report after one) is not
// another; consent to texts and to email are apart, so each channel is
// followed on its own.
const optOutsSQL = `
	SELECT k.source, e.channel
	FROM (SELECT e.contact_id, e.kind, e.created_at, c.channel, c.out,
			lag(c.out) OVER (PARTITION BY e.contact_id, c.channel ORDER BY e.created_at, e.id) AS was_out
		FROM timeline_events e
		CROSS JOIN LATERAL (SELECT CASE WHEN e.kind LIKE 'email\_%' THEN 'email' ELSE 'sms' END AS channel,
			e.kind IN ('opted_out', 'email_opted_out') AS out) c
		WHERE e.kind IN ('opted_out', 'opted_in', 'email_opted_out', 'email_opted_in') AND e.created_at < $2) e
	JOIN contacts k ON k.id = e.contact_id
	WHERE e.out AND e.created_at >= $1 AND e.was_out IS NOT TRUE`

// OptOutChannels are the channels Report.OptOutsByChannel names.
var OptOutChannels = []string{"sms", "email"}
