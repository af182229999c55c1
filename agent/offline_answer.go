package agent

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/lexicon"
)

// answer answers a question from the knowledge: the best unit of the
// retrieved chunks when it answers well enough (each part of a message
// that asks two things answered on its own, and a part the knowledge
// does not answer said to be for the team), else, for a town the
// knowledge does not name, that it is outside the service area, else
// that the assistant does not know.
func (o *Offline) answer(ctx context.Context, in TurnInput, q question) (Reply, float64, error) {
	fitsAll := o.budget(in, 1)
	if parts := questionParts(q.text); len(parts) > 1 && !isFollowUpOnly(q) {
		parts = parts[:min(len(parts), maxParts)]
		text, answered, cites, cov, ok, err := o.answerParts(ctx, in, parts, q.spanish, fitsAll)
		if err != nil {
			return Reply{}, 0, err
		}
		if ok && !missesPlace(q, text) {
			if answered != text {
				// A part is left for the team. One unit that says what
				// the other parts' answers say, and more, may answer it.
				x, found, err := o.find(ctx, q, in, fitsAll)
				if err != nil {
					return Reply{}, 0, err
				}
				if t, ok := saysMore(q, x, found, answered); ok {
					return o.finish(t, OutcomeAnswered, []int64{x.result.ChunkID}), x.coverage, nil
				}
			}
			return o.finish(text, OutcomeAnswered, cites), cov, nil
		}
	}
	if reAskArea.MatchString(q.text) && len(placesAsked(q.text)) == 0 {
		text, cites, ok, err := o.serviceArea(ctx, in, q, fitsAll)
		if err != nil || ok {
			return o.finish(text, OutcomeAnswered, cites), 1, err
		}
	}
	x, ok, err := o.find(ctx, q, in, fitsAll)
	if err != nil {
		return Reply{}, 0, err
	}
	if ok && !missesPlace(q, x.u.text) {
		return o.finish(quoteWithin(x, fitsAll), OutcomeAnswered, []int64{x.result.ChunkID}), x.coverage, nil
	}
	a, err := o.area(ctx, in, q, fitsAll)
	if err != nil {
		return Reply{}, 0, err
	}
	if ok && answersBesidePlaces(q, x, a) {
		return o.finish(quoteWithin(x, fitsAll), OutcomeAnswered, []int64{x.result.ChunkID}), x.coverage, nil
	}
	if a.text != "" {
		return o.finish(a.text, OutcomeAnswered, a.cites), 1, nil
	}
	return o.finish(o.unknown(in.History), OutcomeUnknown, nil), 0, nil
}

// quote is the text of a unit as the reply quotes it: without the bare
// "Yes." or "No." that opens an FAQ answer when the lead asked another
// question than the FAQ's ("is the estimate free?" and "No. Estimates
// are free." under "Do I pay for an estimate?"), where it could say the
// opposite of what the rest does, and with what a list item labelled
// only "Price:" is for (withTopic).
func quote(x rated) string {
	return withTopic(bareQuote(x), lastHeading(x.result.Heading))
}

// bareQuote is quote without the topic.
func bareQuote(x rated) string {
	if x.f[fLabel] < askedLabel || x.wh {
		return dropBareAnswer(x.u.text)
	}
	return x.u.text
}

// quoteWithin is quote when the reply can carry it, else bareQuote, which
// the unit was chosen to fit.
func quoteWithin(x rated, fits func(string) bool) string {
	if t := quote(x); fits(t) {
		return t
	}
	return bareQuote(x)
}

// withTopic names what a list item is for when its label names only what
// it states: "Price: $69 per vault per month." under the heading
// "Storage" is quoted "Price for storage: $69 per vault per month.", as a
// price alone in a text says nothing of what it buys.
func withTopic(text, heading string) string {
	label, rest, ok := strings.Cut(text, ": ")
	if !ok || !attributeLabel(label) || heading == "" || len(strings.Fields(heading)) > maxTopicWords ||
		strings.ContainsAny(heading, ":?") || strings.Contains(strings.ToLower(text), strings.ToLower(heading)) {
		return text
	}
	return label + " for " + lowerFirst(heading) + ": " + rest
}

// maxTopicWords is the longest heading withTopic names a list item by.
const maxTopicWords = 6

// attributeWords name what a fact is, not what it is about: a label made
// of them alone ("Price", "Minimum stay") needs its heading.
var attributeWords = wordSet(`price prices pricing cost costs fee fees rate rates charge charges deposit discount
	promotion promotions minimum maximum stay access availability duration length term terms schedule`)

func attributeLabel(label string) bool {
	ws := strings.Fields(strings.ToLower(label))
	if len(ws) == 0 || len(ws) > 2 {
		return false
	}
	for _, w := range ws {
		if !attributeWords[w] {
			return false
		}
	}
	return true
}

// reWhQuestion asks what, which, how, when, where or who: "Yes." or "No."
// answers none of them ("what brand of AC do you install?" and "Yes. We
// repair every major brand..." under "Do you work on all brands?").
var reWhQuestion = regexp.MustCompile(leadIn + `(?:what|whats|what's|which|how|when|where|who|why)\b(?: (?:about|if)\b)?`)

// asksWh reports whether a normalised question is a wh-question, not
// "what about...", "how about..." or "what if...", which may be answered
// yes or no.
func asksWh(norm string) bool {
	m := reWhQuestion.FindString(norm)
	return m != "" && !strings.HasSuffix(m, " about") && !strings.HasSuffix(m, " if")
}

// askedLabel is the share of an FAQ question the lead's words must say
// for its answer's "Yes." or "No." to answer the lead.
const askedLabel = 0.5

// partChoices is how many of each part's best units answerParts weighs
// against the others' to fit them all in one reply; maxParts, how many
// questions of one message it answers (a text holds no more answers; a
// person follows up on the rest).
const (
	partChoices = 4
	maxParts    = 3
)

// answerParts answers each part of a message that asks several things,
// when at least one part has an answer: of each answered part's best few
// units, the combination with the highest total score that fits the
// reply together, and a word that the others are for the team.
func (o *Offline) answerParts(ctx context.Context, in TurnInput, parts []string, spanish bool, fits func(string) bool) (text, answered string, cites []int64, cov float64, ok bool, err error) {
	var options [][]rated
	unanswered := 0
	for _, p := range parts {
		pq := withHistory(o.lex, readQuestionIn(o.lex, p, spanish), in.History)
		if len(pq.terms) == 0 {
			continue
		}
		rs, q, err := o.rated(ctx, pq, in)
		if err != nil {
			return "", "", nil, 0, false, err
		}
		top := topUnits(rs, o.unitFilter(in, fits), partChoices)
		if len(top) == 0 || decision(q, top[0], rs).probability() < answerProbability {
			unanswered++
			continue
		}
		options = append(options, top)
	}
	if len(options)+unanswered < 2 || len(options) == 0 {
		return "", "", nil, 0, false, nil
	}
	text, answered, cites, cov, ok = bestParts(options, unanswered, fits, o.partlyUnknown)
	return text, answered, cites, cov, ok, nil
}

// saysMore returns the quote of x, the best unit for a whole message, when
// it was found and says all that answered, the answers to some of the
// message's parts, says, and more, which may answer the parts left.
func saysMore(q question, x rated, found bool, answered string) (string, bool) {
	if !found {
		return "", false
	}
	t := quote(x)
	return t, len(t) > len(answered) && strings.Contains(t, answered) && !missesPlace(q, t)
}

// partlyUnknown says that n questions of a message have no answer in the
// knowledge, and who will answer them.
func (o *Offline) partlyUnknown(n int) string {
	what := "your other question"
	if n > 1 {
		what = "your other questions"
	}
	return "I don't have an answer to " + what + ", so I've noted it for the team at " + o.businessName() + "."
}

// bestParts is, of each part's best few units, the combination with the
// highest total score that fits the reply, a part left unanswered scoring
// nothing: "when are your open houses and where do I find the list?" is
// better answered with the open-house times whole, and a word that the
// list is for the team, than with a line of a table for each. unanswered
// parts had no answer to begin with; rest says that n parts have none.
func bestParts(options [][]rated, unanswered int, fits func(string) bool, rest func(n int) string) (text, answered string, cites []int64, cov float64, ok bool) {
	var bestText, bestAnswered string
	var bestPick []rated
	bestScore := math.Inf(-1)
	var pick []rated
	var walk func(i, skipped int, score float64)
	walk = func(i, skipped int, score float64) {
		if i == len(options) {
			if len(pick) == 0 || score <= bestScore {
				return
			}
			answered := joinAnswers(pick)
			text := answered
			if skipped > 0 {
				text += " " + rest(skipped)
			}
			if fits(text) {
				bestText, bestAnswered, bestScore, bestPick = text, answered, score, append([]rated(nil), pick...)
			}
			return
		}
		for _, x := range options[i] {
			if overlapsAny(x, pick) {
				continue
			}
			pick = append(pick, x)
			walk(i+1, skipped, score+x.score)
			pick = pick[:len(pick)-1]
		}
		walk(i+1, skipped+1, score)
	}
	walk(0, unanswered, 0)
	if bestPick == nil {
		return "", "", nil, 0, false
	}
	cov = 1.0
	for _, x := range bestPick {
		cites = appendCite(cites, x.result.ChunkID)
		cov = min(cov, x.coverage)
	}
	return bestText, bestAnswered, cites, cov, true
}

// joinAnswers is the reply to a message's parts: each part's unit quoted
// once. One unit answering two parts is quoted once, however each part
// would quote it ("No. Walk-ins are welcome." and "Walk-ins are
// welcome.").
func joinAnswers(pick []rated) string {
	var texts []string
	for k, x := range pick {
		t := quote(x)
		if containsText(texts, t) || slices.ContainsFunc(pick[:k], func(p rated) bool { return p.u == x.u }) {
			continue
		}
		// Two items of one list: its intro is said once ("Every
		// replacement includes: The permit. Every replacement
		// includes: A dumpster.").
		for _, prev := range texts {
			t = afterIntro(prev, t)
		}
		texts = append(texts, t)
	}
	return strings.Join(texts, " ")
}

// topUnits returns up to n of the best-scored units that pass keep, best
// first, each from a different text.
func topUnits(rs []rated, keep func(string) bool, n int) []rated {
	sorted := append([]rated(nil), rs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].score > sorted[j].score })
	var out []rated
	for _, x := range sorted {
		if len(out) == n {
			break
		}
		if keep(x.u.text) {
			out = append(out, x)
		}
	}
	return out
}

// rated searches the knowledge for q and rates the units found; q comes
// back as it was weighed.
func (o *Offline) rated(ctx context.Context, q question, in TurnInput) ([]rated, question, error) {
	results, err := o.search(ctx, q.searchText())
	if err != nil {
		return nil, q, err
	}
	idf, err := o.rarity(ctx, q)
	if err != nil {
		return nil, q, err
	}
	return rate(q, results, o.units, in.History, o.units.question(q.text), idf), q, nil
}

// find searches the knowledge for q and returns the best unit that fits,
// and whether it answers.
func (o *Offline) find(ctx context.Context, q question, in TurnInput, fits func(string) bool) (rated, bool, error) {
	rs, q, err := o.rated(ctx, q, in)
	if err != nil {
		return rated{}, false, err
	}
	keep := o.unitFilter(in, fits)
	x, ok := best(rs, keep)
	if !ok {
		return x, false, nil
	}
	if decision(q, x, rs).probability() < answerProbability {
		if x, ok = closeSecond(q, x, rs, keep); !ok {
			return x, false, nil
		}
	}
	list := listOf(o.lex, q, rs)
	for _, y := range list {
		if keep(y.u.text) {
			x = extendList(y, list, keep)
			break
		}
	}
	if q.kind == kindHours && !reDay.MatchString(q.text) {
		x = wholeSchedule(schedule(x, rs, keep), rs, keep)
	}
	return placePrefix(q, x, rs, keep), true, nil
}

// placePrefix returns, when q names places, the shortest unit that opens
// x and names them all, unless the sentence after it points back at
// them: "do home visits go as far as Gresham?" is answered by "We make
// home visits in ... and Gresham.", not also by the towns it does not
// visit in the sentence after; "We also work in Castle Rock, Brighton and
// Erie." keeps "Repairs in these three towns carry a $125 trip charge."
func placePrefix(q question, x rated, rs []rated, keep func(string) bool) rated {
	if len(placesAsked(q.text)) == 0 {
		return x
	}
	best := x
	for _, y := range rs {
		if y.result.ChunkID != x.result.ChunkID || len(y.u.text) >= len(best.u.text) ||
			!strings.HasPrefix(x.u.text, y.u.text) || missesPlace(q, y.u.text) || !keep(y.u.text) {
			continue
		}
		next, _, _ := strings.Cut(strings.TrimSpace(x.u.text[len(y.u.text):]), ". ")
		if !pointsBack(normalize(next)) {
			best = y
		}
	}
	return best
}

// closeSecond returns, when the best unit x does not answer, the first of
// the units scored close behind it, from another passage, that does.
func closeSecond(q question, x rated, rs []rated, keep func(string) bool) (rated, bool) {
	var near []rated
	for _, y := range rs {
		if y.u != x.u && y.score >= x.score-secondMargin && !strings.HasPrefix(y.u.text, x.u.text) &&
			!strings.HasPrefix(x.u.text, y.u.text) && keep(y.u.text) {
			near = append(near, y)
		}
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].score > near[j].score })
	for i, y := range near {
		if i == maxSeconds {
			break
		}
		if decision(q, y, rs).probability() >= answerProbability {
			return y, true
		}
	}
	return x, false
}

const (
	secondMargin = 0.5
	maxSeconds   = 3
)

// reWhatVerb is a question whose answer is a list of the things a verb
// takes: "what do I need to bring", "what do members get", "what should
// I expect".
var reWhatVerb = regexp.MustCompile(leadIn + `what (?:else )?(?:do|does|should|can|will|would|must) (?:i|we|you|u|members?|they) (?:need to |have to |want to |got to )?([a-z]+)\b`)

// extendList adds to a list's first items those that follow them, one
// at a time, while the reply can carry them: a window of items may not be
// among the units ("What members get" names nothing the lead said).
func extendList(x rated, list []rated, keep func(string) bool) rated {
	for {
		var next *rated
		for i := range list {
			y := &list[i]
			if y.result.ChunkID == x.result.ChunkID && y.u.n == 1 && y.u.first == x.u.first+x.u.n {
				next = y
				break
			}
		}
		if next == nil {
			return x
		}
		text := x.u.text + " " + afterIntro(x.u.text, next.u.text)
		if !keep(text) {
			return x
		}
		u := *x.u
		u.text, u.n = text, u.n+1
		x.u = &u
	}
}

// afterIntro returns next without the intro it shares with prev ("Every
// replacement includes: "), which prev has said: items of one list quoted
// together say their intro once.
func afterIntro(prev, next string) string {
	if head, _, ok := strings.Cut(prev, ": "); ok {
		return strings.TrimPrefix(next, head+": ")
	}
	return next
}

// notListVerbs ask what to know or do about a topic the question names
// ("what do I need to know about hail claims?"), not for a list a heading
// with the verb would give.
var notListVerbs = wordSet(`know do be have think say mean tell ask call`)

// listOf returns, for a question whose answer is a list of the things a
// verb takes, the units that are items under a heading or intro with that
// verb ("What to bring", "What members get"); none for another question.
func listOf(lex *lexicon.Lexicon, q question, rs []rated) []rated {
	m := reWhatVerb.FindStringSubmatch(q.text)
	if m == nil || cueWords[m[1]] || notListVerbs[m[1]] {
		return nil
	}
	verb := lex.Lemma(m[1])
	says := func(label string) bool {
		for _, w := range words(normalize(label)) {
			if lex.Lemma(w) == verb {
				return true
			}
		}
		return false
	}
	var out []rated
	for _, x := range rs {
		if x.u.item && (says(lastHeading(x.result.Heading)) || says(x.u.context)) {
			out = append(out, x)
		}
	}
	// The list from its first item: "A photo ID. Your insurance card."
	// before the items further down.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.result.ChunkID != b.result.ChunkID {
			// Chunks are numbered in the order of their document.
			return a.result.ChunkID < b.result.ChunkID
		}
		if a.u.first != b.u.first {
			return a.u.first < b.u.first
		}
		return a.u.n > b.u.n
	})
	return out
}

// reDay finds a day named in a question.
var reDay = regexp.MustCompile(`\b(?:` + dayNames + `|today|tonight|tomorrow|holidays?)\b`)

// schedule returns, for a question about opening hours that names no
// day, the unit that states hours for the most days, all its sentences
// stating hours, or x when none does: "what are your hours?" is answered
// by the week's hours, not by the one evening the office stays open late.
func schedule(x rated, rs []rated, keep func(string) bool) rated {
	out, most := x, 0
	for _, y := range rs {
		if !keep(y.u.text) || !allState(y.u, kindHours) {
			continue
		}
		if n := daysNamed(y.u.text); n > most || n == most && n > 0 && y.score > out.score {
			out, most = y, n
		}
	}
	return out
}

// allState reports whether every sentence of u states a fact of kind k.
func allState(u *unit, k kind) bool {
	for _, f := range u.sentFacts {
		if !f.has(k) {
			return false
		}
	}
	return true
}

// reDayName finds the names of days, as a schedule writes them.
var reDayName = regexp.MustCompile(`(?i)\b(?:` + dayNames + `)\b`)

// daysNamed counts the distinct days (or weekdays, weekends) text names;
// "Sat" and "Saturdays" are one day.
func daysNamed(text string) int {
	seen := map[string]bool{}
	for _, d := range reDayName.FindAllString(text, -1) {
		d = strings.ToLower(d)
		if !strings.HasPrefix(d, "week") {
			d = d[:3]
		}
		seen[strings.TrimSuffix(d, "s")] = true
	}
	return len(seen)
}

// wholeSchedule widens x, a line of opening hours, to the most lines of
// its schedule that fit: "when are you open?" names no day, and one day's
// hours would answer it in part.
func wholeSchedule(x rated, rs []rated, keep func(string) bool) rated {
	out := x
	for _, y := range rs {
		if y.result.ChunkID != x.result.ChunkID || y.u.n <= out.u.n || !keep(y.u.text) {
			continue
		}
		if y.u.first > x.u.first || y.u.first+y.u.n < x.u.first+x.u.n {
			continue // does not hold x
		}
		if allState(y.u, kindHours) {
			out = y
		}
	}
	return out
}

// rarity returns how rare q's words are in the knowledge, when the
// retriever can tell, else nil.
func (o *Offline) rarity(ctx context.Context, q question) ([]float64, error) {
	tc, ok := o.retriever.(TermCounter)
	if !ok {
		return nil, nil
	}
	ws := make([]string, 0, len(q.terms))
	for _, t := range q.terms {
		if !t.phrase {
			ws = append(ws, t.word)
		}
	}
	counts, n, err := tc.TermCounts(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("offline turn: count words: %w", err)
	}
	return rarity(q, counts, n), nil
}

func (o *Offline) search(ctx context.Context, query string) ([]knowledge.Result, error) {
	results, err := o.retriever.Search(ctx, query, o.thresholds.K)
	if err != nil {
		return nil, fmt.Errorf("offline turn: search knowledge: %w", err)
	}
	return results, nil
}

// unitFilter is what a unit must be to be quoted on the turn's channel:
// within the budget, and on a call at most MaxSentences sentences.
func (o *Offline) unitFilter(in TurnInput, fits func(string) bool) func(string) bool {
	if in.Channel != ChannelVoice {
		return fits
	}
	return func(text string) bool {
		return fits(text) && len(SplitSentences(text)) <= o.thresholds.MaxSentences
	}
}

// budget returns a test of whether a text fits the channel's budget when
// the reply is made of parts such texts: on SMS, a share of MaxSegments,
// leaving room for the AI disclosure on the first turn.
func (o *Offline) budget(in TurnInput, parts int) func(string) bool {
	reserve := ""
	switch {
	case in.Purpose == PurposeFirstTouch:
		// The answer sits between the greeting and the qualifying
		// question, with the opt-out line after them.
		reserve = o.firstTouchOpening(in.Lead) + defaultQualifyingQuestion + " " + OptOutLine + " "
	case in.FirstTurn:
		reserve = "I'm the AI assistant for " + o.businessName() + ". "
	}
	return func(text string) bool {
		if in.Channel == ChannelVoice {
			// As the voice guardrail will say it, within what it lets
			// a call say.
			return len(reserve)+parts*(len(speakable(text))+1) <= voiceMaxChars
		}
		n := len(FoldGSM(reserve + strings.Repeat(text+" ", parts)))
		return fits(reserve+strings.Repeat(text+" ", parts), o.thresholds.MaxSegments) && n > 0
	}
}

// area answers a question about a town the knowledge did not answer for:
// the unit that names it, else the business's own service-area line that
// names it, else, when the business says where it works, that the town
// is not among those places.
func (o *Offline) area(ctx context.Context, in TurnInput, q question, fits func(string) bool) (areaAnswer, error) {
	places := placesAsked(q.text)
	if len(places) == 0 {
		return areaAnswer{}, nil
	}
	var areaUnit *rated
	// The last place named is where the lead wants the business to go
	// ("from Wicker Park to Austin"): it decides.
	for i := len(places) - 1; i >= 0; i-- {
		p := places[i]
		query := p.name + " " + p.state + " service area"
		results, err := o.search(ctx, query)
		if err != nil {
			return areaAnswer{}, err
		}
		pq := q
		pq.terms = append(termsOf(o.lex, normalize(p.name+" "+p.state), 1), q.terms...)
		rs := rate(pq, results, o.units, in.History, nil, nil)
		var named []rated
		for _, x := range rs {
			if mentions(x.u.text, p) {
				named = append(named, x)
			}
			if isAreaUnit(x.u, x.result) && (areaUnit == nil || x.score > areaUnit.score) {
				x := x
				areaUnit = &x
			}
		}
		if x, ok := best(named, o.unitFilter(in, fits)); ok {
			a := areaAnswer{text: x.u.text, cites: []int64{x.result.ChunkID}, served: !x.u.negative}
			// How well it answers the question itself, place aside.
			for _, y := range rate(q, []knowledge.Result{x.result}, o.units, in.History, nil, nil) {
				if y.u == x.u {
					a.score = y.score
				}
			}
			return a, nil
		}
		if c := areaClause(o.business.ServiceArea, p); c != "" && fits(c) {
			return areaAnswer{text: c, served: true}, nil
		}
	}
	if areaUnit == nil && o.business.ServiceArea == "" {
		return areaAnswer{}, nil
	}
	p := places[len(places)-1]
	if !strings.Contains(p.name, " ") && o.lex.Count(p.name) > rareWord {
		// Not the knowledge's, and a word of ordinary English: likely not
		// a town at all ("in installments").
		return areaAnswer{}, nil
	}
	text := "Sorry, " + displayPlace(p) + " isn't in our service area."
	switch {
	case areaUnit != nil && fits(text+" "+areaUnit.u.text):
		return areaAnswer{text: text + " " + areaUnit.u.text, cites: []int64{areaUnit.result.ChunkID}}, nil
	case o.business.ServiceArea != "" && fits(text+" We serve "+ensureStop(o.business.ServiceArea)):
		return areaAnswer{text: text + " We serve " + ensureStop(o.business.ServiceArea)}, nil
	}
	return areaAnswer{text: text + " Someone from " + o.businessName() + " can confirm."}, nil
}

// answersBesidePlaces reports whether x, the best answer found, stands
// although it does not name the places q names: they are served (a), q
// asks a price, a time or a duration that x states, x says a weighty word
// of q that is no place, and it meets q better than the unit naming them
// ("need to move a piano from Berwyn to Pilsen, how much": the
// piano-only price, not the zone list naming Berwyn).
func answersBesidePlaces(q question, x rated, a areaAnswer) bool {
	return a.served && q.fact() == kindAny && q.kind != kindAny && q.kindMet(x.u) && x.score > a.score &&
		namesOtherThanPlaces(q, x)
}

// namesOtherThanPlaces reports whether x says a word the lead asks about
// that is no place the lead names and says much ("piano", not "come" or
// "charge").
func namesOtherThanPlaces(q question, x rated) bool {
	inPlaces := map[string]bool{}
	for _, p := range placesAsked(q.text) {
		for _, w := range words(p.name) {
			inPlaces[w] = true
		}
	}
	for _, t := range q.terms {
		if t.cue || t.background || t.phrase || inPlaces[t.word] || t.weight < topicWeight {
			continue
		}
		if match(t, x.u) == 1 {
			return true
		}
	}
	return false
}

// topicWeight is how much a word must say to name what a message is
// about.
const topicWeight = 0.5

// areaAnswer is what area says of the places a question names, if
// anything ("" text).
type areaAnswer struct {
	text  string
	cites []int64
	// served: the text names the place as one the business works in;
	// score is how well that unit meets the question, place aside (0
	// for the business's own service-area line).
	served bool
	score  float64
}

// reAskArea asks where the business works without naming a place: "what
// areas do you serve?", "which towns do you cover", "how far do you go?".
var reAskArea = regexp.MustCompile(`\b(?:what|which)(?: [a-z]+)? (?:areas?|towns?|cities|neighbou?rhoods|counties|suburbs|zip codes|zips|parts of [a-z]+)\b[^?.]{0,20}?\b(?:serve|service|cover|work in|work|go to|travel to|come to|go|deliver to)\b|\bservice areas?\b|\bwhere (?:all )?do (?:you|u|y'all|yall|ya)(?: guys| all)? (?:serve|service|cover|work|go|travel)\b|\bhow far (?:out )?(?:do|will|would) (?:you|u|y'all|yall|ya)(?: guys| all)? (?:go|travel|come)\b|\b(?:serve|service|cover|come to|come out to|go to|work in) (?:my|our|this|that) (?:area|neighbou?rhood|town|city|zip(?: code)?|part of town|county)\b`)

// serviceArea answers where the business works: the business's own
// service-area line, which says just that, else the knowledge's best unit
// that names the places it serves.
func (o *Offline) serviceArea(ctx context.Context, in TurnInput, q question, fits func(string) bool) (string, []int64, bool, error) {
	if text := serviceAreaText(o.business.ServiceArea, fits); text != "" {
		return text, nil, true, nil
	}
	areas, err := o.areaUnits(ctx, q, in)
	if err == nil && len(areas) == 0 {
		// "where all do you guys work?" finds the pages about work; the
		// knowledge says where in its own words, which a plain question
		// of where it serves finds.
		areas, err = o.areaUnits(ctx, readQuestion(o.lex, areaQuestion), in)
	}
	if err != nil {
		return "", nil, false, err
	}
	pick := wholeArea(areas, o.unitFilter(in, fits))
	if len(pick) == 0 {
		return "", nil, false, nil
	}
	var cites []int64
	for _, x := range pick {
		cites = appendCite(cites, x.result.ChunkID)
	}
	return joinAnswers(pick), cites, true, nil
}

// areaQuestion asks where a business works in the words knowledge says
// it in.
const areaQuestion = "what areas, towns and cities do you serve?"

// areaUnits searches the knowledge for q and returns the units that say
// where the business works.
func (o *Offline) areaUnits(ctx context.Context, q question, in TurnInput) ([]rated, error) {
	rs, _, err := o.rated(ctx, q, in)
	if err != nil {
		return nil, err
	}
	var areas []rated
	for _, x := range rs {
		if servesPlaces(x.u, x.result) {
			areas = append(areas, x)
		}
	}
	return areas, nil
}

// serviceAreaText says the business's service-area line, or as much of
// it as fits, cut after a sentence or a clause ("Denver metro: Denver,
// Aurora, ...; also Castle Rock ..."), or "" when nothing does.
func serviceAreaText(area string, fits func(string) bool) string {
	area = strings.TrimSpace(area)
	if area == "" {
		return ""
	}
	cuts := []int{len(area)}
	for i := len(area) - 1; i > 0; i-- {
		if area[i] == ';' {
			cuts = append(cuts, i)
		}
	}
	off := 0
	var ends []int
	for _, sent := range SplitSentences(area) {
		if j := strings.Index(area[off:], sent); j >= 0 {
			off += j + len(sent)
			ends = append(ends, off)
		}
	}
	cuts = append(cuts, ends...)
	sort.Sort(sort.Reverse(sort.IntSlice(cuts)))
	for _, c := range cuts {
		if text := "Our service area: " + ensureStop(strings.TrimRight(area[:c], ";. ")); fits(text) {
			return text
		}
	}
	return ""
}

// missesPlace reports whether a question asks about a place the answer
// does not name: "do you come out to Riverton?" is not answered by the
// list of towns without it, which the area answer says plainly.
func missesPlace(q question, text string) bool {
	for _, p := range placesAsked(q.text) {
		if !mentions(text, p) {
			return true
		}
	}
	return false
}

// overlapsAny reports whether x quotes part of what one of picks quotes
// without being the same unit: two windows of one table would say its
// shared rows twice.
func overlapsAny(x rated, picks []rated) bool {
	for _, p := range picks {
		if p.result.ChunkID != x.result.ChunkID || p.u == x.u {
			continue
		}
		if p.u.first < x.u.first+x.u.n && x.u.first < p.u.first+p.u.n {
			return true
		}
	}
	return false
}

func containsText(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func appendCite(cites []int64, id int64) []int64 {
	for _, c := range cites {
		if c == id {
			return cites
		}
	}
	return append(cites, id)
}

// Considered is what the offline responder weighed to answer one message
// as a whole: every unit of the retrieved chunks with its features. It is
// for training and measuring the responder's weights (make train), which
// see the same features a turn does.
type Considered struct {
	Units []Candidate
	q     question
	rs    []rated
}

// Candidate is one unit considered.
type Candidate struct {
	Text    string
	ChunkID int64
	// Features are the unit's features, named by UnitFeatureNames.
	Features []float64
	// Fits: the unit fits the turn's channel budget, so it may be quoted.
	Fits bool
}

// Consider returns what the offline responder weighs to answer in.Text.
func (o *Offline) Consider(ctx context.Context, in TurnInput) (Considered, error) {
	rs, q, err := o.rated(ctx, withHistory(o.lex, readQuestion(o.lex, in.Text), in.History), in)
	if err != nil {
		return Considered{}, err
	}
	fits := o.unitFilter(in, o.budget(in, 1))
	c := Considered{q: q, rs: rs}
	for _, x := range rs {
		c.Units = append(c.Units, Candidate{Text: x.u.text, ChunkID: x.result.ChunkID, Features: append([]float64(nil), x.f[:]...),
			Fits: fits(x.u.text)})
	}
	return c, nil
}

// Decision returns the features of the decision to quote unit i when the
// units score scores, named by DecisionFeatureNames.
func (c Considered) Decision(i int, scores []float64) []float64 {
	rs := append([]rated(nil), c.rs...)
	for j := range rs {
		rs[j].score = scores[j]
	}
	d := decision(c.q, rs[i], rs)
	return d[:]
}
