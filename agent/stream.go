package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/leadagent/leadagent/knowledge"
)

// Streamer answers a turn like Responder.Turn and hands the reply's words
// to emit as they are written, for a caller who hears them at once (a
// phone call on a streaming voice channel). emit receives pieces of text
// in order, each ready to be spoken, with the spaces between them; the
// Reply that TurnStream returns has, in Text, exactly what was emitted.
//
// When ctx ends (the caller spoke over the answer, or hung up) TurnStream
// stops at once and returns ctx's error, with what had been emitted in
// Reply.Text. An error from emit stops it the same way.
type Streamer interface {
	TurnStream(ctx context.Context, in TurnInput, emit func(text string) error) (Reply, error)
}

var (
	_ Streamer = (*LLM)(nil)
	_ Streamer = (*Offline)(nil)
	_ Streamer = (*guarded)(nil)
)

// TurnStream answers in one piece: the offline responder takes
// milliseconds, so there is nothing to gain from streaming it.
func (o *Offline) TurnStream(ctx context.Context, in TurnInput, emit func(string) error) (Reply, error) {
	return emitWhole(ctx, o, in, emit)
}

// TurnStream answers through the guardrails, in one piece.
func (gr *guarded) TurnStream(ctx context.Context, in TurnInput, emit func(string) error) (Reply, error) {
	return emitWhole(ctx, gr, in, emit)
}

func emitWhole(ctx context.Context, r Responder, in TurnInput, emit func(string) error) (Reply, error) {
	reply, err := r.Turn(ctx, in)
	if err != nil {
		return Reply{}, err
	}
	if err := ctx.Err(); err != nil {
		return Reply{}, err
	}
	if reply.Text != "" {
		if err := emit(reply.Text); err != nil {
			return Reply{}, err
		}
	}
	return reply, nil
}

// TurnStream answers a spoken turn with the model, streaming its words
// through the stream guardrails (see streamGuard) as the model writes
// them. Tool calls run as in Turn; the answer that follows them is
// streamed. When the model fails before anything was said, the fallback
// answers, in one piece; when it fails midway, the fallback's answer
// follows what was said. A turn on another channel than voice is not
// streamed: Turn answers it and emit gets the whole reply.
func (l *LLM) TurnStream(ctx context.Context, in TurnInput, emit func(string) error) (Reply, error) {
	if in.Channel != ChannelVoice {
		return emitWhole(ctx, l, in, emit)
	}
	start := time.Now()
	ctx, log := withEvidenceLog(ctx)
	st := &turnState{in: in, evidence: log, shown: map[int64]knowledge.Result{}, model: l.model}
	sg := newStreamGuard(ctx, l.rails, in, log, emit, func() bool { return st.handoff != nil })
	reply, reason := l.converseWith(ctx, st, l.streamCompletion(sg))
	if sg.err != nil {
		return Reply{Text: sg.said()}, fmt.Errorf("llm turn: %w", sg.err)
	}
	if reason == "" {
		sg.flush()
		if sg.said() == "" {
			// The model wrote nothing to say (a handoff with no words):
			// the whole-reply guardrails write it, said in one piece.
			reply = l.guard(ctx, st, reply)
			sg.emit(reply.Text, false)
		} else {
			reply = sg.result(reply)
			if late := sg.late; len(late) > 0 {
				l.logger.WarnContext(ctx, "streamed reply broke guardrails after it was said", "rules", late, "model", st.model)
			}
		}
	} else {
		fb, err := l.fallBack(ctx, st, reason, "said", len(sg.said()))
		if err != nil {
			return Reply{Text: sg.said()}, err
		}
		reply = sg.fallback(fb)
	}
	if sg.err != nil {
		return Reply{Text: sg.said()}, fmt.Errorf("llm turn: %w", sg.err)
	}
	return l.finishTurn(ctx, st, reply, start), nil
}

// streamCompletion makes each round a streamed completion whose text goes
// through sg as it arrives, and returns the round assembled as a
// non-streamed answer: its text, its tool calls (streamed in pieces), its
// finish reason and usage.
func (l *LLM) streamCompletion(sg *streamGuard) completeFunc {
	return func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
		var resp openai.ChatCompletionResponse
		stream, err := l.client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			return resp, err
		}
		defer stream.Close()
		defer sg.endRound()
		var (
			content strings.Builder
			calls   []openai.ToolCall
			finish  openai.FinishReason
			chosen  bool
		)
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return resp, err
			}
			if chunk.Model != "" {
				resp.Model = chunk.Model
			}
			if chunk.Usage != nil {
				resp.Usage = *chunk.Usage
			}
			for _, c := range chunk.Choices {
				if c.Index != 0 {
					continue
				}
				chosen = true
				if d := c.Delta.Content; d != "" {
					content.WriteString(d)
					if err := sg.write(d); err != nil {
						return resp, err
					}
				}
				calls = mergeToolCalls(calls, c.Delta.ToolCalls)
				if c.FinishReason != "" {
					finish = c.FinishReason
				}
			}
		}
		if chosen {
			resp.Choices = []openai.ChatCompletionChoice{{FinishReason: finish, Message: openai.ChatCompletionMessage{
				Role: openai.ChatMessageRoleAssistant, Content: content.String(), ToolCalls: calls}}}
		}
		return resp, nil
	}
}

// mergeToolCalls adds a stream chunk's tool call pieces to the calls so
// far: a piece names its call by index (or, from servers that send no
// index, starts a new call when it carries an id), and its arguments
// continue that call's.
func mergeToolCalls(calls []openai.ToolCall, pieces []openai.ToolCall) []openai.ToolCall {
	for _, p := range pieces {
		i := len(calls) - 1
		switch {
		case p.Index != nil:
			i = *p.Index
		case p.ID != "" || i < 0:
			i = len(calls)
		}
		if i < 0 || i > 64 {
			continue // no server sends that many calls in one answer
		}
		for len(calls) <= i {
			calls = append(calls, openai.ToolCall{Type: openai.ToolTypeFunction})
		}
		c := &calls[i]
		if p.ID != "" {
			c.ID = p.ID
		}
		if p.Type != "" {
			c.Type = p.Type
		}
		c.Function.Name += p.Function.Name
		c.Function.Arguments += p.Function.Arguments
	}
	return calls
}

// streamGuard applies the guardrails to a reply while it is being said.
//
// Text passes through a word at a time, as soon as the word is complete
// (the word in progress waits for the space before the next one), EXCEPT
// from the first word that could start something a guardrail checks: a
// digit or a symbol ("$", "€", "%", "/", "&", "@", brackets, a dot
// inside a word), a word the fact rules look for, in English or Spanish
// ("free", "gratis", "discount", "half", "warranty", "tomorrow",
// "Friday", "hours", "two", "nineteen", "bucks", "card", "password",
// "dot", "Zelle", ...; a hyphenated word by its parts, "risk-free"), or
// a word of the identity rules ("person", "real", "bot", "soy", a
// capitalised name after "I'm", "this is", "my name is", "soy", a
// signature "-Mike"). From there the rest of the sentence is held
// back until the sentence ends; then the whole sentence (what was said of
// it and what was held) is checked against the evidence the turn has at
// that moment, and the held part is said, made speakable ("$89" is "89
// dollars"), or, when a rule fires, replaced:
//
//   - an unsupported price, discount, guarantee, appointment time, length
//     of time, phone number, link or email address: the "someone will
//     confirm" sentence (the holding message on a handoff), and the rest
//     of the reply is cut; a request for card or login data: the warning
//     not to send them, and the rest is cut;
//   - a sentence that repeats the system prompt or names the agent's
//     tools: the refusal to share it, and the rest is cut;
//   - a claim to be a person, or a human name: the sentence is dropped,
//     and the reply says it is an AI assistant, once.
//
// Words that often begin such a phrase a word or two before the word that
// gives it away ("within 45 minutes", "in an hour", "money back", "first
// thing", "I'm not a bot", "this is Sarah") wait for the next word that is
// not a filler, which shows whether the phrase is one; if it is, the hold
// starts from them.
//
// On the first turn (DiscloseAI), and when the lead asked whether they
// talk to a bot, the reply says it is an AI assistant: after the opening
// greeting when it starts with one (that sentence is held to find its
// end), else at once, before the model's first words. The first sentence
// of a reply to "are you a person?" is held, to drop a "Yes".
//
// A spoken reply keeps to the voice budget (three sentences, about 320
// characters): a sentence past it is not started.
//
// What it cannot do: a word said cannot be unsaid. The checks that need
// the whole reply run again at the end on what was said, and a rule they
// find there (a claim the word lists miss, a prompt leak spread over
// sentences) is reported in Reply.Guardrails, but the words are out. The
// words of a replaced sentence said before its hold began ("We have a"
// before "$79 special") stay said; the replacement takes them back as a
// speaker would ("We have a — actually, I don't want to give you wrong
// information on that, ..."). A fact rule replaces one sentence and cuts
// the rest, where the non-streaming path replaces the whole reply (and
// tries the offline answer instead). Markdown, lists and URLs are not
// expected on a call (the prompt forbids them): a held sentence is made
// plain, a passing word only loses emoji and typographic characters.
type streamGuard struct {
	ctx     context.Context
	rails   Guardrails
	in      TurnInput
	log     *evidenceLog
	out     func(string) error
	handoff func() bool

	text     strings.Builder // everything emitted
	partial  string          // the word being written
	bracket  []string        // words of what may be a citation mark
	pending  []string        // words held to see what they start
	held     []string        // the held part of the sentence
	holding  bool
	sentence []string // what was said of the sentence
	last     string   // the sentence's last word: its end waits for the next word
	started  bool     // a word of the reply came
	first    bool     // the sentence is the reply's first
	intro    string   // the AI disclosure to say after the first sentence, if it does not
	introFor string   // the guardrail that intro is
	askedID  bool
	spoke    int // sentences said
	cut      bool
	replaced []string // the rules for which a sentence was replaced
	fired    []string
	late     []string // rules the end-of-reply check found in what was said
	err      error    // why emitting stopped: ctx ended or out failed

	// The evidence as of the last check, and its index, kept while the
	// evidence does not grow: most sentences come with no new evidence.
	facts   []string
	index   *evidenceIndex
	indexed int // the evidence texts facts was made of
}

func newStreamGuard(ctx context.Context, rails Guardrails, in TurnInput, log *evidenceLog, out func(string) error, handoff func() bool) *streamGuard {
	return &streamGuard{ctx: ctx, rails: rails, in: in, log: log, out: out, handoff: handoff, first: true,
		askedID: askedIdentity(in.Text)}
}

// said is what was emitted.
func (sg *streamGuard) said() string { return strings.TrimSpace(sg.text.String()) }

// write takes the next piece of the model's text.
func (sg *streamGuard) write(delta string) error {
	if sg.err == nil {
		if err := sg.ctx.Err(); err != nil {
			sg.err = err
		}
	}
	if sg.err != nil {
		return sg.err
	}
	s := sg.partial + delta
	// Complete words are those followed by a space.
	end := strings.LastIndexFunc(s, unicode.IsSpace)
	if end < 0 {
		sg.partial = s
		return nil
	}
	_, size := utf8.DecodeRuneInString(s[end:])
	for _, w := range strings.Fields(s[:end]) {
		sg.word(w)
	}
	sg.partial = s[end+size:]
	return sg.err
}

// endRound ends a round of the model: its last word is complete.
func (sg *streamGuard) endRound() {
	if w := strings.TrimSpace(sg.partial); w != "" {
		sg.word(w)
	}
	sg.partial = ""
}

// flush ends the reply: the last sentence is checked and said.
func (sg *streamGuard) flush() {
	sg.endRound()
	if len(sg.bracket) > 0 {
		b := strings.Join(sg.bracket, " ")
		sg.bracket = nil
		sg.regular(b)
	}
	sg.endSentence()
}

// word takes one complete word, stripping citation marks ("[c12]").
func (sg *streamGuard) word(w string) {
	opens := strings.HasPrefix(w, "[") || strings.HasPrefix(w, "(") || strings.HasPrefix(w, "【")
	if len(sg.bracket) == 0 && !opens {
		sg.regular(w)
		return
	}
	sg.bracket = append(sg.bracket, w)
	if !strings.ContainsAny(w, "])】") && len(sg.bracket) < 6 {
		return
	}
	b := strings.Join(sg.bracket, " ")
	sg.bracket = nil
	rest := strings.TrimSpace(reCitation.ReplaceAllString(" "+b, ""))
	switch {
	case rest == "":
	case !hasLetterOrDigit(rest):
		sg.punctuation(rest)
	default:
		sg.regular(b)
	}
}

// punctuation is what follows a citation mark ("[c3]."): it ends the word
// before it.
func (sg *streamGuard) punctuation(p string) {
	switch {
	case sg.last == "" || sg.cut:
		return
	case sg.holding:
		sg.held[len(sg.held)-1] += p
	case len(sg.pending) > 0:
		sg.pending[len(sg.pending)-1] += p
	case sg.begun():
		sg.emit(p, true)
		sg.sentence[len(sg.sentence)-1] += p
	}
	sg.last += p
}

func (sg *streamGuard) regular(w string) {
	if sg.last != "" && endsSentence(sg.last, w) {
		sg.endSentence()
	}
	if sg.cut || sg.err != nil {
		return
	}
	if strings.Trim(w, "-*•>#") == "" {
		return // a list mark
	}
	if sg.last == "" && (sg.spoke >= voiceMaxSentences || sg.text.Len() >= voiceMaxChars) {
		sg.cut = true
		return
	}
	if !sg.started {
		sg.started = true
		sg.opening(w)
	}
	f := fold(w)
	switch {
	case sg.holding:
		sg.held = append(sg.held, w)
	case sg.triggers(w):
		sg.holding = true
		sg.held = append(sg.pending, w)
		sg.pending = nil
	case streamPrefixes[f] || len(sg.pending) > 0 && streamFillers[f] || sg.phrase(w, false):
		if len(sg.pending) >= 5 {
			sg.release(sg.pending...)
			sg.pending = nil
		}
		sg.pending = append(sg.pending, w)
	default:
		sg.release(append(sg.pending, w)...)
		sg.pending = nil
	}
	sg.last = w
}

// opening decides, on the reply's first word, where the AI disclosure
// goes: after a greeting (the first sentence is held to find its end and
// see whether it says it), else now.
func (sg *streamGuard) opening(w string) {
	switch {
	case sg.askedID:
		sg.intro, sg.introFor = sg.rails.identity(), GuardAIIdentity
	case sg.in.FirstTurn && sg.rails.DiscloseAI:
		sg.intro, sg.introFor = sg.rails.disclosure(), GuardAIDisclosure
	default:
		return
	}
	if streamGreetings[fold(w)] {
		sg.holding = true
		return
	}
	sg.sayIntro()
	// "Are you a real person?" "Yes, ...": the first sentence is checked.
	sg.holding = sg.askedID
}

func (sg *streamGuard) sayIntro() {
	if sg.intro == "" {
		return
	}
	sg.emit(sg.intro, false)
	if sg.introFor != "" {
		sg.fire(sg.introFor)
	}
	sg.intro, sg.introFor = "", ""
	sg.spoke++
}

// endSentence checks and says what is left of the sentence.
func (sg *streamGuard) endSentence() {
	switch {
	case sg.cut:
	case sg.holding:
		sg.check()
	default:
		sg.release(sg.pending...)
	}
	if sg.begun() {
		sg.spoke++
	}
	if sg.first && sg.last != "" {
		sg.first = false
		sg.sayIntro() // the greeting did not say it
	}
	sg.pending, sg.held, sg.sentence, sg.holding, sg.last = nil, nil, nil, false, ""
}

// begun reports whether words of the current sentence were said.
func (sg *streamGuard) begun() bool { return len(sg.sentence) > 0 }

// check runs the guardrails on a sentence whose end was held.
func (sg *streamGuard) check() {
	if len(sg.held) == 0 {
		return
	}
	held := strings.Join(sg.held, " ")
	whole := joinText(strings.Join(sg.sentence, " "), held)
	ev := sg.log.evidence()
	facts, idx := sg.evidence(ev)
	if leaksPrompt(whole, ev.SystemPrompts, facts, sg.rails.ownPhrases()) {
		sg.replace(GuardPromptLeak)
		return
	}
	if rules := idx.unsupported(whole, sg.in.Text); len(rules) > 0 {
		sg.replace(rules...)
		return
	}
	if claimsHuman(whole, sg.rails.Business) || (sg.first && sg.askedID && answersAsHuman(sg.in.Text, whole)) {
		sg.fire(GuardNoHumanClaim)
		if sg.begun() {
			sg.emit(".", true)
		}
		if sg.intro == "" && !disclosesAI(sg.said()) {
			sg.intro, sg.introFor = sg.rails.identity(), ""
		}
		sg.sayIntro()
		return
	}
	spoken := speakable(plainReply(held))
	if sg.first && sg.intro != "" && !disclosesAI(whole) && len(strings.Fields(whole)) > 4 {
		sg.sayIntro() // not a short greeting: the disclosure goes first
	}
	sg.emit(spoken, false)
	sg.sentence = append(sg.sentence, spoken)
	if disclosesAI(whole) {
		sg.intro = ""
	}
}

// evidence returns what a sentence may take facts from as of ev, and its
// index, made again only when the evidence grew (a tool call brought
// more): the evidence log only ever adds texts.
func (sg *streamGuard) evidence(ev Evidence) ([]string, *evidenceIndex) {
	if sg.index == nil || len(ev.Texts) != sg.indexed {
		sg.facts = sg.rails.evidenceTexts(sg.in, ev)
		sg.index = newEvidenceIndex(sg.facts)
		sg.indexed = len(ev.Texts)
	}
	return sg.facts, sg.index
}

// replace says, instead of the held sentence, what the guardrails put in
// place of a reply breaking rules (Guardrails.replacement), and cuts the
// rest of the reply. Words of the sentence already said are taken back as
// a speaker would: "We have a — actually, I don't want to give you wrong
// information on that, ...".
func (sg *streamGuard) replace(rules ...string) {
	sg.fire(rules...)
	sg.replaced = rules
	sentence, _, _ := sg.rails.replacement(rules, sg.handoff())
	if sg.begun() {
		sentence = "— actually, " + lowerFirst(sentence)
	}
	sg.intro = ""
	sg.emit(sentence, false)
	sg.cut = true
}

// release says words that need no check.
func (sg *streamGuard) release(words ...string) {
	for _, w := range words {
		if w = plainReply(w); w == "" {
			continue // an emoji
		}
		sg.emit(w, false)
		sg.sentence = append(sg.sentence, w)
	}
}

// emit hands text to the listener; glue joins it to what came before
// without a space.
func (sg *streamGuard) emit(text string, glue bool) {
	if text == "" || sg.err != nil {
		return
	}
	if err := sg.ctx.Err(); err != nil {
		sg.err = err
		return
	}
	if sg.text.Len() > 0 && !glue {
		text = " " + text
	}
	if err := sg.out(text); err != nil {
		sg.err = err
		return
	}
	sg.text.WriteString(text)
}

func (sg *streamGuard) fire(rules ...string) {
	for _, r := range rules {
		if !slices.Contains(sg.fired, r) {
			sg.fired = append(sg.fired, r)
		}
	}
}

// triggers reports whether w could start something a guardrail checks,
// given the words held before it.
func (sg *streamGuard) triggers(w string) bool {
	if strings.ContainsAny(claimFold(w), "0123456789$%&#@*_<>[]{}()|\\/^~=+€£¥¢₹【】") || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return true
	}
	if core := strings.TrimRight(w, `.,;:!?"')`); strings.Contains(core, ".") {
		return true // a.m., e.g., a web address
	}
	if len(w) > 1 && (w[0] == '-' || w[0] == '~') && unicode.IsLetter(rune(w[1])) {
		return true // a signature: "-Mike"
	}
	f := fold(w)
	for _, part := range strings.Split(f, "-") {
		if streamHolds[part] {
			return true // "risk-free" too
		}
	}
	if sg.phrase(w, true) {
		return true
	}
	// A capitalised name after "I'm", "this is", "my name is".
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || len(sg.pending) == 0 || notAPersona[f] {
		return false
	}
	for _, own := range words(strings.ToLower(sg.rails.Business.Name)) {
		if own == f {
			return false
		}
	}
	var opener []string
	for _, p := range sg.pending {
		opener = append(opener, fold(p))
	}
	tail := strings.Join(opener, " ")
	for _, o := range personaOpeners {
		if strings.HasSuffix(tail, o) {
			return true
		}
	}
	return false
}

// phrase reports whether w, after the words pending, ends one of
// streamPhrases (whole) or a beginning of one, which the next words may
// finish. A hyphenated word is its parts: "money-back" ends "money back".
func (sg *streamGuard) phrase(w string, whole bool) bool {
	var seq []string
	for _, p := range sg.pending {
		seq = append(seq, strings.Split(fold(p), "-")...)
	}
	before := len(seq)
	seq = append(seq, strings.Split(fold(w), "-")...)
	for _, ph := range streamPhrases {
		if !whole {
			for n := 1; n < len(ph); n++ {
				if endsWith(seq, ph[:n]) {
					return true
				}
			}
			continue
		}
		// Any part of w may end it: "money-back-style".
		for end := before + 1; end <= len(seq); end++ {
			if endsWith(seq[:end], ph) {
				return true
			}
		}
	}
	return false
}

func endsWith(seq, tail []string) bool {
	return len(seq) >= len(tail) && slices.Equal(seq[len(seq)-len(tail):], tail)
}

// result is the streamed turn's reply: what was said, with the rules that
// fired on the way and those the whole-reply check finds in it.
func (sg *streamGuard) result(reply Reply) Reply {
	reply.Text = sg.said()
	if sg.replaced != nil {
		// The outcome and citations Apply gives a reply replaced for
		// the same rules; the coverage as LLM.guard resets it.
		before := reply.Outcome
		var dropCites bool
		_, reply.Outcome, dropCites = sg.rails.replacement(sg.replaced, before == OutcomeHandoff)
		if dropCites {
			reply.Citations = nil
		}
		if reply.Outcome == OutcomeUnknown && before != OutcomeUnknown {
			reply.Signals.Coverage = 0
		}
	}
	after := sg.rails.Apply(Reply{Text: reply.Text, Outcome: reply.Outcome}, sg.in, sg.log.evidence())
	for _, r := range after.Guardrails {
		if !slices.Contains(sg.fired, r) {
			sg.late = append(sg.late, r)
		}
	}
	for _, r := range append(append([]string(nil), sg.fired...), sg.late...) {
		if !slices.Contains(reply.Guardrails, r) {
			reply.Guardrails = append(reply.Guardrails, r)
		}
	}
	reply.Segments, _ = Segments(reply.Text)
	return reply
}

// fallback says the fallback's answer after what was said (what was held
// is dropped) and returns it as the turn's reply.
func (sg *streamGuard) fallback(fb Reply) Reply {
	sg.pending, sg.held, sg.holding, sg.bracket, sg.partial = nil, nil, false, nil, ""
	text := fb.Text
	if sg.begun() {
		text = "— sorry. " + text
	}
	sg.emit(text, false)
	fb.Text = sg.said()
	for _, r := range sg.fired {
		if !slices.Contains(fb.Guardrails, r) {
			fb.Guardrails = append(fb.Guardrails, r)
		}
	}
	fb.Segments, _ = Segments(fb.Text)
	return fb
}

// fold is a word as the word lists hold it: folded as the claim
// readers read it (lower case, no accents, straight apostrophes), no
// punctuation around it.
func fold(w string) string {
	return strings.Trim(claimFold(w), `.,;:!?"'()[]-—…¡¿`)
}

// streamHolds are the words from which a sentence is held, and
// streamPhrases the phrases (split in words) from which it is held once
// the words pending end one: what the price, discount, guarantee and
// appointment rules look for, taken from their word lists, and the words
// around the amounts, times and identity claims their patterns match.
var streamHolds, streamPhrases = streamWords(
	[][]string{freeWords, discountWords, guaranteeWords, forLifeWords, relativeDayWords, hasteWords, onTheWayWords,
		weekdayNames, secretWords, mapKeys(numberWords), mapKeys(numberScales), mapKeys(currencyNames), mapKeys(spanishWeekdays),
		streamIdentityPhrases},
	`percent ciento half mitad quarter off special specials fee fees charge charges cost costs
	mondays tuesdays wednesdays thursdays fridays saturdays sundays
	january february march april june july august september october november december
	jan feb mar apr jun jul aug sep sept oct nov dec
	noon midday midnight mediodia medianoche minute minutes min mins hour hours hr hrs hora horas minuto minutos am pm o'clock
	human humans person people real live actual bot bots robot ai machine computer automated recording chatbot
	persona personas humano humana soy flesh myself personally here speaking aqui
	owner manager dispatcher technician tech receptionist rep representative employee
	match beat lower reduce reduced knock shave
	www http https dot zelle venmo paypal cashapp crypto bitcoin wire gift western moneygram`)

// streamIdentityPhrases begin a claim to be a person that no single
// word of it gives away: "I work in the office", "I can come by myself".
var streamIdentityPhrases = []string{"i work", "i'm working", "i am working", "i can come", "i'll come", "i will come",
	"i could come", "i'll be there", "i can be there", "i'll stop by", "i'll swing by", "i'm the", "i am the", "i'm one",
	"i'm a", "i am a", "i'm an", "i'm your", "i'm not", "i am not", "this isn't", "this is not", "it's not", "no soy"}

// personaOpeners come before a name a reply might give itself: "I'm
// Sarah", "this is Sarah", "soy María".
var personaOpeners = []string{"i'm", "im", "i am", "this is", "my name is", "my name's", "it's", "it is", "you've got",
	"talking to", "texting with", "chatting with", "speaking with", "soy", "me llamo", "mi nombre es", "le habla", "te habla"}

// mapKeys returns the keys of a word list held as a map.
func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// streamWords returns the words of the lists, and of more, as a set, and
// the lists' phrases of several words apart.
func streamWords(lists [][]string, more string) (map[string]bool, [][]string) {
	holds := wordSet(more)
	var phrases [][]string
	for _, list := range lists {
		for _, p := range list {
			if words := strings.Fields(p); len(words) > 1 {
				phrases = append(phrases, words)
			} else {
				holds[p] = true
			}
		}
	}
	return holds, phrases
}

// streamPrefixes often begin an identity claim or a promised wait a word
// or two before the word that gives it away. (The first words of
// streamPhrases wait the same way.)
var streamPrefixes = wordSet(`i i'm im this my you're youre not no in within under it's you've me mi le te en dentro`)

// streamFillers may stand between such a prefix and that word.
var streamFillers = wordSet(`a an the am is are about around extra just really actually even talking texting
	chatting speaking to with name name's few couple of got llamo nombre es habla de menos`)

// streamGreetings open a reply with a greeting: the first words of
// greetingWords.
var streamGreetings = func() map[string]bool {
	set := map[string]bool{}
	for _, g := range greetingWords {
		set[strings.Fields(g)[0]] = true
	}
	return set
}()
