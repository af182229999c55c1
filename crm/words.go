package crm

// The product's words that cross packages, owned here because crm is the
// domain package every other one imports: who wrote a message, the channel
// a conversation runs on, and why a conversation was handed to a person.
// Other packages alias these (channels.SMS, handoff.ReasonBuyingIntent)
// rather than spell them again; they are stored as they are spelled.

// Message directions and authors.
const (
	Inbound  = "inbound"
	Outbound = "outbound"

	AuthorLead   = "lead"
	AuthorAI     = "ai"
	AuthorRep    = "rep"
	AuthorSystem = "system"
)

// Channels a conversation or message runs on; a lead from a web form
// arrives on ChannelWeb and is answered by text.
const (
	ChannelSMS   = "sms"
	ChannelVoice = "voice"
	ChannelWeb   = "web"
)

// Reasons a conversation is handed to a person, as DESIGN.md's turn
// outcomes name them.
const (
	ReasonBuyingIntent  = "buying_intent"
	ReasonHumanRequest  = "human_request"
	ReasonComplaint     = "complaint"
	ReasonUnknownAnswer = "unknown_answer"
	ReasonSensitive     = "sensitive"
)
