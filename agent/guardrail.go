package agent

import (
	"context"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/leadagent/leadagent/knowledge"
)

// Guardrail names, as Reply.Guardrails lists them for the timeline.
const (
	// GuardAIDisclosure: the first reply of a conversation was made to say
	// it comes from the business's AI assistant (Guardrails.DiscloseAI).
	GuardAIDisclosure = "ai_disclosure"
	// GuardAIIdentity: the lead asked whether they talk to a bot or a
	// person, and the reply was made to say it is an AI assistant.
	GuardAIIdentity = "ai_identity"
	// GuardNoHumanClaim: the reply claimed to be a person or gave itself a
	// human name; those sentences were removed.
	GuardNoHumanClaim = "no_human_claim"
	// GuardUnsupportedPrice: an amount of money ("$19", "nineteen bucks",
	// "€19") or a price of nothing ("free", "no charge", "we'll waive
	// it") that no evidence states of the same thing; the reply was
	// replaced.
	GuardUnsupportedPrice = "unsupported_price"
	// GuardUnsupportedDiscount: a percentage ("half off"), discount,
	// coupon, promotion, rebate or price match that no evidence states of
	// the same thing; the reply was replaced.
	GuardUnsupportedDiscount = "unsupported_discount"
	// GuardUnsupportedGuarantee: a guarantee, warranty, refund or promise,
	// or a term for one, that no evidence states of the same thing; the
	// reply was replaced.
	GuardUnsupportedGuarantee = "unsupported_guarantee"
	// GuardUnsupportedAppointment: an appointment day, date, time, wait or
	// arrival promise ("by noon", "within the hour", "on the way", "en una
	// hora") that no evidence states of the same thing; the reply was
	// replaced.
	GuardUnsupportedAppointment = "unsupported_appointment"
	// GuardUnsupportedContact: a phone number, link, email address,
	// handle or way to pay (Zelle, gift cards, a wire) that neither the
	// evidence nor the business's details give; the reply was replaced.
	GuardUnsupportedContact = "unsupported_contact"
	// GuardUnsupportedNumber: a length of time or a distance ("24 hours
	// a day", "a 3-hour window") that no evidence gives of the same
	// thing; the reply was replaced.
	GuardUnsupportedNumber = "unsupported_number"
	// GuardSensitiveRequest: the reply asked the lead for card, bank,
	// identity or login data; it was replaced by a warning not to send
	// them.
	GuardSensitiveRequest = "sensitive_request"
	// GuardPromptLeak: the reply repeated the system prompt or talked
	// about the agent's own tools; it was replaced.
	GuardPromptLeak = "prompt_leak"
	// GuardPromptInjection: the lead's message or a retrieved passage
	// carried instructions to the model; they were passed as data with a
	// warning, and the reply was checked as always.
	GuardPromptInjection = "prompt_injection"
)

// Guardrails are the rules every reply obeys, whoever wrote it, enforced
// in code rather than only asked of a model. The zero value is usable; set
// Business so that replies name it.
type Guardrails struct {
	Business Business
	// DiscloseAI makes the first reply of every conversation say that it
	// comes from the business's AI assistant.
	DiscloseAI bool
	// MaxSegments bounds an SMS reply; 0 is 2.
	MaxSegments int
}

// Evidence is what a reply may state facts from.
type Evidence struct {
	// Texts are the knowledge chunks retrieved and the tool results of the
	// turn. The business's own details, the lead's CRM record and what
	// the business said earlier in the conversation count too, without
	// being listed here; the lead's own words do not.
	Texts []string
	// SystemPrompts are the prompts the reply ran with, which it must not
	// repeat. They are not evidence: a prompt's rules name the very things
	// a reply may not promise ("never state a guarantee"), and facts
	// belong in the knowledge, where they are retrieved and cited.
	SystemPrompts []string
}

// Apply returns reply made safe to send for turn in:
//
//   - plain text for the channel: no Markdown; SMS within MaxSegments,
//     voice short and speakable (no URLs or symbols);
//   - a reply that repeats the system prompt is replaced;
//   - a reply stating a price, discount, guarantee, appointment time,
//     phone number, link or email address that ev does not state of the
//     same thing, in whatever words ("nineteen bucks", "half off", "by
//     noon", "gratis"), is replaced by one that promises a person will
//     confirm (a handoff keeps its outcome with a plain holding message);
//   - a reply asking the lead for card, bank, identity or login data is
//     replaced by a warning not to send them;
//   - sentences claiming to be a person are removed, and the reply says
//     it is an AI assistant when the lead asked, or on the first turn
//     when DiscloseAI is set;
//   - the first text the business sends a lead unasked (a first touch,
//     or a follow-up when nothing was sent before) says it is "the AI
//     assistant for" the business and ends with OptOutLine, within
//     MaxSegments (see firstContactText).
//
// Each rule that changed the reply is added to reply.Guardrails, and
// Segments is set. Apply is idempotent: applying it to its own result
// with the same input changes nothing.
func (g Guardrails) Apply(reply Reply, in TurnInput, ev Evidence) Reply {
	var fired []string
	// Beyond what any channel sends, a reply is only cost to check.
	text := plainReply(clipText(reply.Text, maxGuardInput))
	facts := g.evidenceTexts(in, ev)
	idx := newEvidenceIndex(facts)

	replace := func(rules []string) {
		fired = append(fired, rules...)
		var dropCites bool
		text, reply.Outcome, dropCites = g.replacement(rules, reply.Outcome == OutcomeHandoff)
		if dropCites {
			reply.Citations = nil
		}
	}
	if leaksPrompt(text, ev.SystemPrompts, facts, g.ownPhrases()) {
		replace([]string{GuardPromptLeak})
	}
	if rules := idx.unsupported(text, in.Text); len(rules) > 0 {
		replace(rules)
	}
	kept, removed := dropHumanClaims(text, g.Business)
	if answersAsHuman(in.Text, kept) {
		kept = strings.Join(SplitSentences(kept)[1:], " ")
		removed = true
	}
	if removed {
		fired = append(fired, GuardNoHumanClaim)
		text = kept
		if !disclosesAI(text) {
			text = insertAfterGreeting(text, g.identity())
		}
	}
	switch {
	case askedIdentity(in.Text) && !disclosesAI(text):
		fired = append(fired, GuardAIIdentity)
		text = insertAfterGreeting(text, g.identity())
	case in.FirstTurn && g.DiscloseAI && !disclosesAI(text):
		fired = append(fired, GuardAIDisclosure)
		text = insertAfterGreeting(text, g.disclosure())
	}
	if strings.TrimSpace(text) == "" {
		text = g.confirmLater(false)
		reply.Outcome, reply.Citations = OutcomeUnknown, nil
	}

	text = g.fit(text, in.Channel)
	if firstContact(in) {
		var added bool
		if text, added = g.firstContactText(text, g.maxSegments()); added {
			fired = append(fired, GuardFirstContact)
		}
	}
	reply.Text = text
	reply.Segments, _ = Segments(text)
	for _, name := range fired {
		if !slices.Contains(reply.Guardrails, name) {
			reply.Guardrails = append(reply.Guardrails, name)
		}
	}
	return reply
}

// replacement is what replaces a reply (or, on a call, a sentence) that
// broke rules: the prompt leak or the unsupported facts found in it. A
// handoff keeps its outcome and says the holding message; otherwise a
// leak is refused (the lead is asked what they need) and an unsupported
// fact is left for a person to confirm. dropCites says the reply's
// citations go with it: all but those of a handoff replaced for its
// facts.
func (g Guardrails) replacement(rules []string, handoff bool) (text string, o Outcome, dropCites bool) {
	leak := slices.Contains(rules, GuardPromptLeak)
	switch {
	case handoff:
		return g.holding(), OutcomeHandoff, leak
	case leak:
		return g.leakSafe(), OutcomeAsked, true
	case slices.Contains(rules, GuardSensitiveRequest):
		return g.keepSecrets(), OutcomeUnknown, true
	}
	appointment := len(rules) == 1 && rules[0] == GuardUnsupportedAppointment
	return g.confirmLater(appointment), OutcomeUnknown, true
}

// maxGuardInput bounds the bytes of a reply the guardrails read: ten times
// what two SMS segments hold.
const maxGuardInput = 4000

// fit makes text plain and short enough for the channel.
func (g Guardrails) fit(text, channel string) string {
	if channel == ChannelVoice {
		if t := trimVoice(speakable(text)); t != "" {
			return t
		}
		// Only one word longer than the budget trims to nothing.
		return trimVoice(speakable(g.confirmLater(false)))
	}
	if channel == ChannelEmail {
		if t := trimChars(text, EmailMaxChars); t != "" {
			return t
		}
		return trimChars(g.confirmLater(false), EmailMaxChars)
	}
	max := g.maxSegments()
	if t := TrimToSegments(text, max); t != "" {
		return t
	}
	return TrimToSegments(g.confirmLater(false), max)
}

// trimChars keeps text within max characters: whole sentences while they
// fit, else the first sentence cut at a word.
func trimChars(text string, max int) string {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	sentences := SplitSentences(text)
	for len(sentences) > 1 {
		sentences = sentences[:len(sentences)-1]
		if t := strings.Join(sentences, " "); utf8.RuneCountInString(t) <= max {
			return t
		}
	}
	r := []rune(text)[:max-1]
	if i := strings.LastIndexFunc(string(r), unicode.IsSpace); i > 0 {
		return strings.TrimSpace(string(r)[:i]) + "…"
	}
	return string(r) + "…"
}

// maxSegments bounds an SMS reply.
func (g Guardrails) maxSegments() int {
	if g.MaxSegments > 0 {
		return g.MaxSegments
	}
	return DefaultThresholds().MaxSegments
}

// evidenceTexts is everything a reply may take facts from: ev, the
// business's details, the lead's CRM record, and what the business (the
// assistant or a rep) said earlier in this conversation. Earlier
// assistant replies were checked when they were sent. The business's
// details are written as sentences, so that the words around them say
// what they are: "7am" is when the business opens.
func (g Guardrails) evidenceTexts(in TurnInput, ev Evidence) []string {
	b := g.Business
	out := append([]string(nil), ev.Texts...)
	out = append(out, tableSentences(ev.Texts)...)
	out = append(out, b.Name)
	if b.Phone != "" {
		out = append(out, "Call or text "+b.Name+" at "+b.Phone+".")
	}
	// One sentence a part, "Sat 8am-2pm" as open as "Mon-Fri 7am-6pm".
	for _, part := range strings.FieldsFunc(b.Hours, func(r rune) bool { return r == ',' || r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, "Our office is open "+part+".")
		}
	}
	if b.ServiceArea != "" {
		out = append(out, "We serve "+b.ServiceArea+".")
	}
	l := in.Lead
	out = append(out, l.Name, l.Source, l.Stage, l.Notes, l.Owner)
	out = append(out, l.Background...)
	for _, m := range in.History {
		if m.From == FromAI || m.From == FromRep {
			out = append(out, m.Text)
		}
	}
	return out
}

func (g Guardrails) businessName() string {
	if g.Business.Name != "" {
		return g.Business.Name
	}
	return "this business"
}

// identity answers "are you a bot?".
func (g Guardrails) identity() string {
	return "I'm the AI assistant for " + g.businessName() + ", not a person."
}

// disclosure opens a conversation where the business asks for it.
func (g Guardrails) disclosure() string {
	return "I'm the AI assistant for " + g.businessName() + "."
}

// confirmLater replaces a reply that stated what it could not know.
func (g Guardrails) confirmLater(appointment bool) string {
	s := "I don't want to give you wrong information on that, so someone from " + g.businessName() + " will confirm the details with you."
	if appointment {
		s = "I can't confirm times myself, but someone from " + g.businessName() + " will reach out to set up a time that works for you."
	}
	if g.Business.Phone != "" {
		s += " If it's urgent, call " + g.Business.Phone + "."
	}
	return s
}

// holding is a handoff's reply when the model's was replaced.
func (g Guardrails) holding() string {
	return "Thanks! I've passed this to the team at " + g.businessName() + ", and someone will follow up with you."
}

// keepSecrets replaces a reply that asked the lead for card, bank or
// login data.
func (g Guardrails) keepSecrets() string {
	return "For your security, please never text card numbers, bank details or passwords. Someone from " + g.businessName() + " will take care of payment with you directly."
}

// leakSafe replaces a reply that gave away the system prompt.
func (g Guardrails) leakSafe() string {
	return "I can't share how I'm set up, but I'm happy to help with questions about " + g.businessName() + ". What can I help you with?"
}

// ownPhrases are the sentences the guardrails themselves write, which a
// reply may share with a system prompt without leaking it.
func (g Guardrails) ownPhrases() []string {
	return []string{g.identity(), g.disclosure(), g.confirmLater(false), g.confirmLater(true), g.holding(), g.leakSafe(), g.keepSecrets(),
		OptOutLine}
}

// joinText joins two parts of a reply with a space.
func joinText(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// WithGuardrails wraps r so that every reply it gives passes g.Apply. The
// evidence is what r retrieved through a RecordEvidence retriever during
// the turn (and what an LLM responder inside reports itself):
//
//	offline := agent.NewOffline(agent.RecordEvidence(retriever), business)
//	responder := agent.WithGuardrails(offline, agent.Guardrails{Business: business, DiscloseAI: true})
func WithGuardrails(r Responder, g Guardrails) Responder {
	return &guarded{next: r, rails: g}
}

type guarded struct {
	next  Responder
	rails Guardrails
}

func (gr *guarded) Turn(ctx context.Context, in TurnInput) (Reply, error) {
	ctx, log := withEvidenceLog(ctx)
	reply, err := gr.next.Turn(ctx, in)
	if err != nil {
		return reply, err
	}
	return gr.rails.Apply(reply, in, log.evidence()), nil
}

// RecordEvidence wraps r so that the chunks it returns during a turn
// count as evidence for the guardrails (WithGuardrails, and the LLM
// responder checking its fallback's reply). Outside such a turn it only
// searches.
func RecordEvidence(r Retriever) Retriever {
	return evidenceRetriever{r}
}

type evidenceRetriever struct{ next Retriever }

func (e evidenceRetriever) Search(ctx context.Context, query string, k int) ([]knowledge.Result, error) {
	results, err := e.next.Search(ctx, query, k)
	if log := evidenceLogFrom(ctx); log != nil {
		for _, r := range results {
			log.add(sourceText(r))
		}
	}
	return results, err
}

// TermCounts counts words through the wrapped retriever, when it can.
func (e evidenceRetriever) TermCounts(ctx context.Context, words []string) (map[string]int, int, error) {
	if tc, ok := e.next.(TermCounter); ok {
		return tc.TermCounts(ctx, words)
	}
	return nil, 0, nil
}

// evidenceLog collects one turn's evidence. A log made inside another
// turn's (an LLM's own, inside WithGuardrails) passes what it gets to the
// outer one too.
type evidenceLog struct {
	parent  *evidenceLog
	mu      sync.Mutex
	texts   []string
	prompts []string
}

type evidenceKey struct{}

func withEvidenceLog(ctx context.Context) (context.Context, *evidenceLog) {
	log := &evidenceLog{parent: evidenceLogFrom(ctx)}
	return context.WithValue(ctx, evidenceKey{}, log), log
}

func evidenceLogFrom(ctx context.Context) *evidenceLog {
	log, _ := ctx.Value(evidenceKey{}).(*evidenceLog)
	return log
}

func (l *evidenceLog) add(texts ...string) {
	for ; l != nil; l = l.parent {
		l.mu.Lock()
		l.texts = append(l.texts, texts...)
		l.mu.Unlock()
	}
}

func (l *evidenceLog) addPrompt(p string) {
	for ; l != nil; l = l.parent {
		l.mu.Lock()
		l.prompts = append(l.prompts, p)
		l.mu.Unlock()
	}
}

func (l *evidenceLog) evidence() Evidence {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Evidence{Texts: slices.Clone(l.texts), SystemPrompts: slices.Clone(l.prompts)}
}

// tableSentences are the rows of the tables in texts as the offline
// responder quotes them (tableRow: "2 movers: $139 per hour (Monday to
// Friday)"), one text a row, so a reply that quotes a row finds each
// value beside the words its row and column put around it.
func tableSentences(texts []string) []string {
	var out []string
	for _, t := range texts {
		if !strings.Contains(t, "|") {
			continue
		}
		for _, p := range parsePassages(t) {
			if p.item && p.header != "" || p.item && strings.Contains(p.text, ": ") {
				out = append(out, p.text)
			}
		}
	}
	return out
}
