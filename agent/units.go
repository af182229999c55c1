package agent

import (
	"context"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/lexicon"
)

// A unit is what the offline responder may quote: one to a few sentences
// of one chunk that read as a whole (a sentence with the one it leans on,
// an FAQ answer, a short list under its intro, a table row with its
// columns). Units depend on the chunk alone, so a chunk's are made once
// and kept.
type unit struct {
	text    string // as it would be quoted
	first   int    // index of its first passage in the chunk
	n       int    // passages it spans
	context string // the FAQ question or list intro it answers
	// answers: context is an FAQ question, or the chunk's title or
	// heading is one, and the unit opens its answer.
	answers bool
	// whole: the unit is all of its paragraph's answer or list.
	whole bool
	// item: it is list items or table rows.
	item bool

	textKeys  map[string]bool // lexicon keys of its own words
	ctxKeys   map[string]bool // of its FAQ question or list intro
	headKeys  map[string]bool // of its headings
	titleKeys map[string]bool // of its document's title
	rawWords  map[string]bool // its words as written, for typos
	// sentKeys and sentFacts are the keys and facts of each of its
	// sentences.
	sentKeys  []map[string]bool
	sentFacts []facts
	// labels are the weighted keys of what names the unit: its FAQ
	// question or list intro, and its nearest heading.
	labels [][]weightedKey

	facts facts
	vec   []float32 // its local embedding
	// heads are the keys of its words that it has only as the last word
	// of a compound the lexicon knows ("pump" of "heat pumps"), each with
	// the keys of the words before it.
	heads map[string]map[string]bool
	// mods are the keys of its words that it has only as the first word
	// of such a compound ("emergency" of "emergency brake"), each with the
	// keys of the words after it.
	mods map[string]map[string]bool
	// names are the keys of its words that it has only inside capitalised
	// names, each with the names' keys (nameWords).
	names map[string]map[string]bool
	// negative: it says what the business does not do.
	negative bool
	// leans: it opens with a pronoun or a connective ("It costs...",
	// "However, ...") whose referent it does not hold.
	leans bool
}

// facts are the kinds of fact a text states, a bit for each kind.
type facts uint32

// has reports whether a fact of kind k is stated; any text states kindAny.
func (f facts) has(k kind) bool {
	return k == kindAny || f&(1<<k) != 0
}

// holidayNames are the public holidays a schedule names.
const holidayNames = `new year.?s(?: day| eve)?|memorial day|independence day|fourth of july|july 4(?:th)?|labor day|thanksgiving|christmas(?: day| eve)?`

// dayNames are the ways a schedule names days.
const dayNames = `(?:mon|tues|wednes|thurs|fri|satur|sun)days?|mon|tue|tues|wed|thu|thur|thurs|fri|sat|weekdays?|weekends?|daily|every day`

var (
	rePriceFact    = regexp.MustCompile(`(?i)[$€£]\s?\d|\d\s?(?:dollars|bucks|cents|usd)\b|\d(?:\.\d+)?\s?(?:%|percent)`)
	reFreeFact     = regexp.MustCompile(`(?i)\b(?:free|no charge|at no cost|no cost|no (?:extra |additional |upfront |up-front )?(?:charge|cost|fee)s?|complimentary|waived?|nothing (?:up ?front|to pay))\b`)
	reDurationFact = regexp.MustCompile(`(?i)\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|a few|several)(?:\s?(?:-|–|to|or)\s?\d+)?[- ](?:business |calendar |full |working )?(?:minutes?|min|hours?|hrs?|days?|weeks?|months?|years?|yrs?)\b|\bsame[- ]day\b|\bovernight\b|\bnext (?:business )?day\b|\bhalf an hour\b|\byear[- ]round\b|\blifetime\b`)
	reTimeFact     = regexp.MustCompile(`(?i)\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\b\.?|p\.?m\b\.?)|\b(?:noon|midnight|24/7|around the clock|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|weekdays?|weekends?|holidays?|closed|mornings?|afternoons?|evenings?)\b`)
	reNumberFact   = regexp.MustCompile(`\d`)
	// reSinceFact finds when the business began: "opened Desert Auto
	// Care in 2003", "moving our neighbors since 2007".
	reSinceFact = regexp.MustCompile(`(?i)\b(?:since|founded|opened|started|established|began|launched)\b[^.;]{0,80}?\b(?:1[89]\d\d|20[0-4]\d)\b`)
	// reFinancingFact finds a way to pay over time: an APR, interest-free
	// months, a payment plan, monthly payments.
	reFinancingFact = regexp.MustCompile(`(?i)\b\d+(?:\.\d+)?\s?% APR\b|\binterest[- ]free\b|\bno interest\b|\bfinancing\b|\bpayment plans?\b|\bmonthly payments?\b|\bin installments\b`)
	// rePhoneFact finds a North American phone number: "(503) 555-0162",
	// "602-555-0148", "1-800-555-0199".
	rePhoneFact = regexp.MustCompile(`(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b`)
	// reHoursFact finds opening hours: a day with a time of day or
	// "closed" ("Saturday: 8:00 a.m. to 12:00 p.m.", "open Monday
	// through Friday from 7 to 6", "Sunday: Closed"), or every hour or
	// day ("24/7", "seven days a week").
	reHoursFact = regexp.MustCompile(`(?i)\b(?:` + dayNames + `)\b[^;\n]{0,60}?(?:\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\b|p\.?m\b|-|–|to\b)|\bnoon\b|\bclosed\b)|(?:\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\b|p\.?m\b)|\bclosed\b)\.?[^;\n]{0,40}?\b(?:` + dayNames + `)\b|\b24/7\b|\bopen 24 hours\b|\b(?:seven|7) days a week\b|\baround the clock\b|\b(?:close[ds]?|open)\b[^.;\n]{0,30}\b(?:holidays?|` + holidayNames + `)\b`)
	// reHoliday finds a public holiday named.
	reHoliday = regexp.MustCompile(`(?i)\b(?:` + holidayNames + `)\b`)
	// reDiscountFact finds a discount: "10% off any repair", "members
	// save 15%", "$50 off", "for $199 (a $385 value)", or one named.
	reDiscountFact = regexp.MustCompile(`(?i)\d(?:\.\d+)?\s?(?:%|percent)\s+(?:off|discount|less)\b|[$€£]\d[\d,]*(?:\.\d\d)?\s+off\b|\bsaves?\s+(?:up to\s+)?[$€£]?\d|\bdiscount(?:s|ed)?\b|\bcoupons?\b|\ban?\s+[$€£]\d[\d,]*\s+value\b|\bpromotion\b`)
	// reRatingFact finds what customers make of the business: "4.9 out
	// of 5 stars", "a 4.9-star rating", "1,100 Google reviews", "A+".
	reRatingFact = regexp.MustCompile(`(?i)\b\d(?:\.\d)?(?:[- ]stars?\b| out of (?:5|five)\b)|\b\d[\d,]*\+? (?:google |yelp |online |customer |client |verified |five-star |5-star )?reviews\b|\bA\+ (?:rating|rated)\b|\bBBB\b`)
	// reWalkInFact finds whether a visit needs an appointment: "walk-ins
	// are welcome", "visitors by appointment only", "first come, first
	// served".
	reWalkInFact = regexp.MustCompile(`(?i)\bwalk-?ins?\b|\bby appointment\b|\bappointments? (?:are|is) (?:not )?(?:required|needed|necessary|recommended)\b|\bno appointment\b|\bwithout an appointment\b|\bfirst come,? first served\b`)
	// reEmailFact finds an email address.
	reEmailFact = regexp.MustCompile(`\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b`)
	// rePaymentFact finds a way to pay; two in a sentence list what is
	// accepted ("We accept cash, checks, Visa and Mastercard").
	rePaymentFact = regexp.MustCompile(`(?i)\b(?:visa|mastercard|master card|american express|amex|discover|apple pay|google pay|zelle|venmo|paypal|cash|(?:personal |business )?checks|debit cards?|credit cards?|ach|carecredit|financing)\b`)
	// rePlaceFact finds a street address ("3318 N. 24th Street", "2418
	// SE Belmont St.") or a state and ZIP code ("Portland, OR 97214").
	rePlaceFact = regexp.MustCompile(`\b\d{1,6}\s+(?:[NSEW]{1,2}\.?\s+)?(?:[A-Z0-9][\w.'-]*\s+){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Ter|Terrace|Sq|Square|Trl|Trail|Plaza|Suite|Ste)\b|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b`)
	reNegative  = regexp.MustCompile(`(?i)\b(?:not|never|cannot)\b|n['’]t\b`)
	// rePersonFact finds a person's name: a title and a name, or two
	// capitalised words after a lower-case one or a comma ("led by Dana
	// Whitfield", "Kiara Bell, Senior Case Manager" after another name).
	rePersonFact = regexp.MustCompile(`\b(?:Dr|Mr|Mrs|Ms|Attorney|Judge)\.?\s+[A-Z][a-z]+|(?:^|[a-z,:]\s+)[A-Z][a-z]+ [A-Z][a-z]+\b`)
	reLeans      = regexp.MustCompile(`^(?:It|Its|It's|He|He's|She|She's|His|Her|This|That|These|Those|They|Them|Their|Both|Each|Either|Neither|Also|However|But|And|Or|So|Otherwise|Instead|Then|There|Here|Which|If so|If not|Otherwise)\b`)
)

// factTests say whether a text states a fact of each kind.
var factTests = []kindTest{
	{kindPrice, func(s string) bool { return rePriceFact.MatchString(s) || reFreeFact.MatchString(s) }},
	{kindDuration, reDurationFact.MatchString},
	{kindTime, reTimeFact.MatchString},
	{kindNumber, reNumberFact.MatchString},
	{kindPerson, rePersonFact.MatchString},
	{kindPlace, rePlaceFact.MatchString},
	{kindSince, reSinceFact.MatchString},
	{kindPayment, func(s string) bool { return len(rePaymentFact.FindAllString(s, 2)) == 2 }},
	{kindFinancing, reFinancingFact.MatchString},
	{kindPhone, rePhoneFact.MatchString},
	{kindEmail, reEmailFact.MatchString},
	{kindHours, func(s string) bool {
		// "We do not schedule moves on New Year's Day, Memorial Day, ...":
		// holidays listed are when the business is closed or open.
		return reHoursFact.MatchString(s) || len(reHoliday.FindAllString(s, 2)) == 2
	}},
	{kindDiscount, reDiscountFact.MatchString},
	{kindRating, reRatingFact.MatchString},
	{kindWalkIn, reWalkInFact.MatchString},
}

func factsOf(s string) facts {
	s = foldFractions(s) // "33⅓%" is a percentage
	var f facts
	for _, t := range factTests {
		if t.test(s) {
			f |= 1 << t.k
		}
	}
	return f
}

// maxUnitSentences bounds a window of sentences; a list under its intro
// may be longer (maxListItems), as its items are short.
const (
	maxUnitSentences = 3
	maxListItems     = 16
	shortIntroWords  = 6
)

// chunkUnits are a chunk's units.
type chunkUnits struct {
	key   string // title, heading and text: tells a reused id with new text apart
	units []unit
}

// unitCache keeps the units of recent chunks, bounded. The units in it are
// shared and must not be written to.
type unitCache struct {
	lex     *lexicon.Lexicon
	emb     *knowledge.LocalEmbedder
	mu      sync.Mutex
	entries map[int64]*chunkUnits
	max     int
}

func newUnitCache(lex *lexicon.Lexicon, max int) *unitCache {
	return &unitCache{lex: lex, emb: knowledge.NewLocalEmbedder(), entries: map[int64]*chunkUnits{}, max: max}
}

// of returns r's units.
func (c *unitCache) of(r knowledge.Result) []unit {
	key := r.Title + "\x00" + r.Heading + "\x00" + r.Content
	c.mu.Lock()
	cu, ok := c.entries[r.ChunkID]
	c.mu.Unlock()
	if ok && cu.key == key {
		return cu.units
	}
	cu = &chunkUnits{key: key, units: buildUnits(c.lex, c.emb, r)}
	c.mu.Lock()
	if len(c.entries) >= c.max {
		// Dropping everything is crude but bounded; a busy knowledge base
		// refills the cache with what leads ask about.
		c.entries = map[int64]*chunkUnits{}
	}
	c.entries[r.ChunkID] = cu
	c.mu.Unlock()
	return cu.units
}

// question returns the local embedding of a question's text.
func (c *unitCache) question(text string) []float32 {
	vecs, err := c.emb.Embed(context.Background(), []string{text})
	if err != nil || len(vecs) == 0 {
		return nil
	}
	return vecs[0]
}

// buildUnits cuts a chunk into units. What a unit is made of is worked
// out once per sentence (its keys, facts, words, embedding) and per block
// (its question, headings), and a unit takes the union of its sentences':
// a chunk's units share most of their sentences.
func buildUnits(lex *lexicon.Lexicon, emb *knowledge.LocalEmbedder, r knowledge.Result) []unit {
	ps := parsePassages(r.Content)
	faqChunk := isQuestion(r.Title) || isQuestion(r.Heading)
	titleKeys := keysOf(lex, r.Title)
	var vecs [][]float32
	if emb != nil && len(ps) > 0 {
		texts := make([]string, len(ps))
		for i, p := range ps {
			texts[i] = p.text
		}
		// The local embedder fails only when its context ends, which a
		// background one never does.
		vecs, _ = emb.Embed(context.Background(), texts)
	}
	var out []unit
	// A block is a run of passages that belong together: one paragraph
	// under one heading, answering one question or listed under one intro.
	for start := 0; start < len(ps); {
		end := start + 1
		for end < len(ps) && sameBlock(ps[start], ps[end]) {
			end++
		}
		block := ps[start:end]
		if start == 0 && len(block) > 0 && startsMidSentence(block[0].text) {
			// Chunks overlap: the first words may be the tail of a
			// sentence that began in the chunk before.
			block = block[1:]
			start++
		}
		if len(block) == 0 {
			start = end
			continue
		}
		head := r.Heading
		if h := block[0].heading; h != "" && !strings.Contains(head, h) {
			head = strings.TrimSpace(head + " > " + h)
		}
		ctx := block[0].context
		answers := block[0].question || faqChunk && ctx == ""
		if faqChunk && ctx == "" {
			ctx = r.Title
			if isQuestion(r.Heading) {
				ctx = r.Heading
			}
		}
		headKeys := keysOf(lex, head)
		labels := labelsOf(lex, ctx, lastHeading(head))
		ctxKeys := map[string]map[string]bool{}
		sent := make([]sentence, len(block))
		for i, p := range block {
			sent[i] = readSentence(lex, p.text, p.header)
			if vecs != nil {
				sent[i].vec = vecs[start+i]
			}
			if _, ok := ctxKeys[p.header]; !ok {
				ctxKeys[p.header] = keysOf(lex, ctx+" "+p.header)
			}
		}
		prefixes := map[string]sentence{}
		mkFrom := func(block []passage, sent []sentence, i, j int) unit {
			u := unit{first: start + i, n: j - i, context: ctx, answers: answers && i == 0, whole: i == 0 && j == len(block)}
			prefix := unitPrefix(block[i:j], head, ctx)
			u.text = FoldGSM(prefix + joinPassages(block[i:j]))
			u.item = allItems(block[i:j])
			u.ctxKeys = ctxKeys[block[i].header]
			u.headKeys = headKeys
			u.titleKeys = titleKeys
			u.labels = labels
			parts := sent[i:j]
			if prefix != "" {
				pre, ok := prefixes[prefix]
				if !ok {
					pre = readSentence(lex, prefix, "")
					prefixes[prefix] = pre
				}
				parts = append([]sentence{pre}, parts...)
			}
			u.sentKeys = make([]map[string]bool, j-i)
			u.sentFacts = make([]facts, j-i)
			for k := i; k < j; k++ {
				u.sentKeys[k-i], u.sentFacts[k-i] = sent[k].keys, sent[k].facts
			}
			if prefix != "" {
				// The prefix states its fact for every sentence after it.
				for k := range u.sentFacts {
					u.sentFacts[k] |= prefixes[prefix].facts
				}
			}
			all := unionOf(parts)
			u.textKeys, u.rawWords, u.facts, u.vec, u.heads, u.mods, u.names = all.keys, all.raw, all.facts, all.vec, all.heads,
				all.mods, all.names
			u.negative = saysDoesNot(block[i].text)
			u.leans = i > 0 && (reLeans.MatchString(block[i].text) || refersBack(lex, block[i].text, sent[i-1].keys)) ||
				i == 0 && start > 0 && reLeans.MatchString(block[i].text) && !block[i].item ||
				j == i+1 && saysNothingOwn(sent[i], block[i].text)
			return u
		}
		mk := func(i, j int) unit { return mkFrom(block, sent, i, j) }
		for i := range block {
			for j := i + 1; j <= len(block) && j-i <= maxUnitSentences; j++ {
				if j == i+1 && tooShort(block[i]) {
					// "Sí.", "Hello,": nothing to quote alone.
					continue
				}
				out = append(out, mk(i, j))
			}
		}
		if len(block) > maxUnitSentences && (block[0].question || allItems(block) && len(block) <= maxListItems) {
			out = append(out, mk(0, len(block)))
		}
		for i, p := range block {
			// An item longer than a text can carry is also quoted by its
			// first sentences: "Diagnostic: $139. This covers the first
			// hour. If you approve the repair, the $139 is credited
			// toward it." of an item that goes on.
			for _, lead := range leadingSentences(p) {
				part := p
				part.text = lead
				qs := readSentence(lex, lead, p.header)
				if emb != nil {
					if v, err := emb.Embed(context.Background(), []string{lead}); err == nil {
						qs.vec = v[0]
					}
				}
				u := mkFrom([]passage{part}, []sentence{qs}, 0, 1)
				u.first, u.whole = start+i, false
				out = append(out, u)
			}
		}
		start = end
	}
	return out
}

// longItem is the length of a list item past which it is also read by
// its first sentences: longer than a text's reply can carry.
const longItem = 300

// leadingSentences returns, for a list item too long to quote whole, its
// first sentences, one, two, and so on, each shorter than the item.
func leadingSentences(p passage) []string {
	if !p.item || len(p.text) <= longItem {
		return nil
	}
	ss := SplitSentences(p.text)
	var out []string
	for k := 1; k < len(ss); k++ {
		out = append(out, strings.Join(ss[:k], " "))
	}
	return out
}

// sentence is what a unit takes from one of its sentences.
type sentence struct {
	keys  map[string]bool
	raw   map[string]bool
	facts facts
	vec   []float32
	heads map[string]map[string]bool // see unit.heads
	mods  map[string]map[string]bool // see unit.mods
	names map[string]map[string]bool // see unit.names
}

// readSentence reads a sentence: its keys, with those of a table row's
// column names (header: "Monday to Friday: 8:30 to 5:30" under "Day |
// Hours" states hours), the facts it states, its words, and the words it
// has only at the end of a compound. Its embedding is the caller's.
func readSentence(lex *lexicon.Lexicon, text, header string) sentence {
	heads, mods := compounds(lex, text)
	s := sentence{keys: keysOf(lex, text), facts: factsOf(text), raw: rawWordsOf(text), heads: heads, mods: mods,
		names: nameWords(lex, text)}
	if header != "" {
		for k := range keysOf(lex, header) {
			s.keys[k] = true
		}
	}
	return s
}

// unionOf joins sentences: their keys and words, the facts any states,
// the words they have only at the end of a compound (none that one of
// them has standing alone), and the normalised sum of their embeddings.
// A single sentence's maps are shared, not copied.
func unionOf(ss []sentence) sentence {
	if len(ss) == 1 {
		return ss[0]
	}
	out := sentence{keys: map[string]bool{}, raw: map[string]bool{}}
	looseHead, looseMod, looseName := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range ss {
		for k := range s.keys {
			out.keys[k] = true
			if s.heads[k] == nil {
				looseHead[k] = true
			}
			if s.mods[k] == nil {
				looseMod[k] = true
			}
			if s.names[k] == nil {
				looseName[k] = true
			}
		}
		for w := range s.raw {
			out.raw[w] = true
		}
		out.facts |= s.facts
		out.heads = mergeCompounds(out.heads, s.heads)
		out.mods = mergeCompounds(out.mods, s.mods)
		out.names = mergeCompounds(out.names, s.names)
		if s.vec != nil {
			if out.vec == nil {
				out.vec = make([]float32, len(s.vec))
			}
			for i, x := range s.vec {
				out.vec[i] += x
			}
		}
	}
	for k := range looseHead {
		delete(out.heads, k) // a word standing alone in one sentence
	}
	for k := range looseMod {
		delete(out.mods, k)
	}
	for k := range looseName {
		delete(out.names, k)
	}
	var norm float64
	for _, x := range out.vec {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range out.vec {
			out.vec[i] *= inv
		}
	}
	return out
}

// tooShort: a sentence of fewer than three words, unless it is a list
// item or table row, answers nothing alone.
func tooShort(p passage) bool {
	return !p.item && len(strings.Fields(p.text)) < 3
}

// sameBlock reports whether b continues a's block.
func sameBlock(a, b passage) bool {
	return a.para == b.para && a.heading == b.heading && a.context == b.context
}

func allItems(ps []passage) bool {
	for _, p := range ps {
		if !p.item {
			return false
		}
	}
	return true
}

// unitPrefix is what a unit's sentences follow, when they need it to
// stand alone: a list's short intro ("Local moves: ..."), the heading
// that says the items are what the business does not do, or, before a
// bare list of names, the heading that states what the list does not
// ("Zone 3: Outer suburbs ($95 travel fee): Wilmette, Glenview, ...").
func unitPrefix(ps []passage, head, ctx string) string {
	switch {
	case ps[0].item && !ps[0].question && ctx != "" && len(strings.Fields(ctx)) <= shortIntroWords:
		return strings.TrimSuffix(ctx, ":") + ": "
	case ps[0].item && ctx == "" && reNegative.MatchString(lastHeading(head)) && !reNegative.MatchString(ps[0].text):
		// The items under "Items we cannot move" are not things it
		// moves: quoted without the heading they say the opposite.
		return strings.TrimSuffix(lastHeading(head), ":") + ": "
	case len(ps) == 1 && isBareList(ps[0].text):
		if h := lastHeading(head); h != "" && carriesFact(h, ps[0].text) {
			return strings.TrimSuffix(h, ":") + ": "
		}
	}
	return ""
}

// joinPassages joins sentences into one text.
func joinPassages(ps []passage) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = ensureStop(p.text)
	}
	return strings.Join(parts, " ")
}

// isBareList reports whether a sentence is a list of names ("Evanston,
// Skokie, Lincolnwood and Oak Park."): many commas, few small words.
func isBareList(s string) bool {
	return strings.Count(s, ",") >= 3 && strings.Count(s, ",")*3 >= len(strings.Fields(s))
}

// carriesFact: the heading states a price, a number or a time that the
// text does not.
func carriesFact(head, text string) bool {
	return reNumberFact.MatchString(head) && !reNumberFact.MatchString(text) || reFreeFact.MatchString(head)
}

func lastHeading(path string) string {
	if i := strings.LastIndex(path, " > "); i >= 0 {
		return path[i+3:]
	}
	return path
}

// refersBack reports whether a sentence opens with a definite noun the
// sentence before it named ("... carries a $50 fee. We waive the fee the
// first time."): quoted alone, the lead cannot tell which fee.
func refersBack(lex *lexicon.Lexicon, text string, before map[string]bool) bool {
	ws := words(strings.ToLower(text))
	for i := 0; i+1 < len(ws) && i < refersBackWords; i++ {
		if (ws[i] == "the" || ws[i] == "this" || ws[i] == "that" || ws[i] == "these" || ws[i] == "those") &&
			!isStop(ws[i+1]) && before[lex.Key(ws[i+1])] {
			return true
		}
	}
	return false
}

// refersBackWords is how far into a sentence refersBack looks.
const refersBackWords = 4

// saysDoesNot reports whether a sentence says what the business does not
// do: a negation with "we" or "our" just before it ("We do not repair
// motorcycles", "Our tow program does not cover Buckeye"), not one in a
// condition ("Balances not paid within 60 days are charged a fee").
func saysDoesNot(text string) bool {
	ws := strings.Fields(strings.ToLower(text))
	for i, w := range ws {
		if !reNegative.MatchString(w) {
			continue
		}
		for j := i; j >= max(0, i-saysDoesNotWords); j-- {
			if x := strings.Trim(ws[j], ".,;:!?()\""); x == "we" || x == "our" || strings.HasPrefix(x, "we'") || strings.HasPrefix(x, "we’") {
				return true
			}
		}
	}
	return false
}

// saysDoesNotWords is how many words before its negation a sentence's
// "we" or "our" may be.
const saysDoesNotWords = 4

// saysNothingOwn reports whether a sentence only points at what was said
// before it, naming at most one thing itself: "We can help you with
// that.", opening the answer to an FAQ question, says nothing without it.
func saysNothingOwn(s sentence, text string) bool {
	return len(s.keys) <= 1 && pointsBack(normalize(text))
}

// keysOf returns the lexicon keys of a text's words that carry a topic,
// and of the phrases the lexicon knows among them.
func keysOf(lex *lexicon.Lexicon, text string) map[string]bool {
	out := map[string]bool{}
	ws := words(normalize(text))
	for i, w := range ws {
		w = strings.Trim(strings.TrimSuffix(w, "'s"), "'")
		for n := 2; n <= 3 && i+n <= len(ws); n++ {
			if p, ok := lex.Phrase(ws[i : i+n]...); ok {
				out[p] = true
			}
		}
		if p := ratePeriod(ws, i); p != "" {
			out[rateKey(p)] = true
			continue
		}
		if isStop(w) || unitOfMeasure(ws, i) || provided(ws, i) {
			continue
		}
		out[lex.Key(w)] = true
	}
	return out
}

// compounds returns the keys a text has only as the last word of a
// two-word compound the lexicon knows, each with the keys of the words
// before it ("pump" with "heat" in "heat pumps and furnaces", none in
// "heat pumps and well pumps"), and those it has only as the first word
// of one, each with the keys of the words after it ("emergency" with
// "brake" in "pull the emergency brake").
func compounds(lex *lexicon.Lexicon, text string) (heads, mods map[string]map[string]bool) {
	ws := words(normalize(text))
	compound := func(a, b string) bool {
		_, ok := lex.Phrase(a, b)
		return ok
	}
	looseHead, looseMod := map[string]bool{}, map[string]bool{}
	for i, w := range ws {
		if isStop(w) {
			continue
		}
		k := lex.Key(w)
		if i > 0 && !isStop(ws[i-1]) && compound(ws[i-1], w) {
			heads = addTo(heads, k, lex.Key(ws[i-1]))
		} else {
			looseHead[k] = true
		}
		if i+1 < len(ws) && !isStop(ws[i+1]) && compound(w, ws[i+1]) {
			mods = addTo(mods, k, lex.Key(ws[i+1]))
			continue
		}
		looseMod[k] = true
	}
	for k := range looseHead {
		delete(heads, k)
	}
	for k := range looseMod {
		delete(mods, k)
	}
	return heads, mods
}

// nameWords returns the keys a text has only inside names it writes with
// capitals ("Oak Park", "Park Ridge", "Round Rock"), each with the keys of
// those names, two words each, written "a b": a name is a thing of its
// own, and "parking" does not meet the "Park" of "Oak Park".
func nameWords(lex *lexicon.Lexicon, text string) map[string]map[string]bool {
	fs := strings.Fields(FoldGSM(text))
	inName := make([]bool, len(fs))
	var out map[string]map[string]bool
	for i := 1; i < len(fs); i++ {
		// "Beaverton, Hillsboro": a list, not a name.
		// "On Saturdays we open": a sentence's first word, or a
		// stopword, is no part of a name.
		a, b := fs[i-1], strings.TrimRight(fs[i], ".,;:!?)'\"")
		first := i == 1 || strings.ContainsAny(fs[i-2][len(fs[i-2])-1:], ".!?:")
		if first || !capitalised(a) || !capitalised(b) || !isWord(a) || !isWord(b) ||
			isStop(strings.ToLower(a)) || isStop(strings.ToLower(b)) {
			continue
		}
		pair := lex.Key(a) + " " + lex.Key(b)
		out = addTo(out, lex.Key(a), pair)
		out = addTo(out, lex.Key(b), pair)
		inName[i-1], inName[i] = true, true
	}
	for i, f := range fs {
		if !inName[i] {
			for _, w := range words(f) {
				delete(out, lex.Key(w)) // the word outside a name too
			}
		}
	}
	return out
}

// isWord reports whether w is letters only.
func isWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

// capitalised reports whether w is a word written with a capital and
// then lower case ("Park", not "ASE" or "park").
func capitalised(w string) bool {
	r := []rune(w)
	return len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1])
}

// addTo adds other to k's set in m, making what is missing, and returns
// m: the key sets of compounds and names (unit.heads, mods, names).
func addTo(m map[string]map[string]bool, k, other string) map[string]map[string]bool {
	if m == nil {
		m = map[string]map[string]bool{}
	}
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][other] = true
	return m
}

// mergeCompounds adds b's key sets to a's.
func mergeCompounds(a, b map[string]map[string]bool) map[string]map[string]bool {
	for k, others := range b {
		for o := range others {
			a = addTo(a, k, o)
		}
	}
	return a
}

// A price per hour, day, week, month or year is met by a key of the
// period's own (rateKey): the lexicon's key of "hourly" is "hour", which a
// business's hours have too ("texts after hours"), and "monthly" is
// "month", which "a one-month minimum" has.
func rateKey(period string) string { return "#per-" + period }

// hourlyKey is the key of a price per hour.
var hourlyKey = rateKey("hour")

// periods are the words for the periods a price may be per, and the
// adjectives of a price per period ("hourly", "monthly").
var (
	periods = map[string]string{"hour": "hour", "hr": "hour", "day": "day", "night": "night", "week": "week",
		"wk": "week", "month": "month", "mo": "month", "year": "year", "yr": "year"}
	periodAdjectives = map[string]string{"hourly": "hour", "daily": "day", "nightly": "night", "weekly": "week",
		"monthly": "month", "yearly": "year", "annually": "year", "annual": "year"}
	adjectiveOf = map[string]string{"hour": "hourly", "day": "daily", "night": "nightly", "week": "weekly",
		"month": "monthly", "year": "yearly"}
)

// ratePeriod returns the period ws[i] makes a rate of, or "": "$139 per
// hour", "$69 per vault per month", "$150 an hour", "billed by the hour",
// "monthly", "how much is it a month". It reads as the period's key.
func ratePeriod(ws []string, i int) string {
	if p, ok := periodAdjectives[ws[i]]; ok {
		// "monthly fee", "billed monthly", "monthly: $32", "hourly"; not "our monthly
		// workshop" or "daily cleanup", which say how often.
		if p == "hour" || i+1 < len(ws) && (priceNouns[ws[i+1]] || isNumber(ws[i+1])) || i > 0 && payVerbs[ws[i-1]] {
			return p
		}
		return ""
	}
	p, ok := periods[ws[i]]
	if !ok || i == 0 {
		return ""
	}
	switch ws[i-1] {
	case "per", "each", "every":
		if ws[i-1] == "per" || i >= 2 && isNumber(ws[i-2]) {
			return p
		}
	case "an", "a":
		// "$150 an hour", "how much is it a month", not "after an
		// hour of pressure" or "takes a month".
		if i >= 2 && (isNumber(ws[i-2]) || rateBefore[ws[i-2]]) {
			return p
		}
	case "the":
		if i >= 2 && ws[i-2] == "by" {
			return p
		}
	}
	return ""
}

// priceNouns and payVerbs make a price of a period's adjective.
var (
	priceNouns = wordSet(`fee fees rate rates price prices cost costs charge charges payment payments installment
		installments premium premiums dues rent subscription`)
	payVerbs = wordSet(`billed billing bill charged charge charges paid pay payable invoiced`)
)

// rateBefore are the words after which "a month" or "an hour" is what a
// price is per.
var rateBefore = wordSet(`dollars bucks much it cost costs charge charges pay paying`)

// provided reports whether ws[i] is the "long" of "as long as" or "so
// long as", which sets a condition and says nothing of how long.
func provided(ws []string, i int) bool {
	return ws[i] == "long" && i > 0 && (ws[i-1] == "as" || ws[i-1] == "so") && i+1 < len(ws) && ws[i+1] == "as"
}

// unitOfMeasure reports whether ws[i] is "hour" or "hours" counting time
// ("$139 per hour", "a 2-hour window", "24 hours' notice"), which says
// nothing of a business's hours.
func unitOfMeasure(ws []string, i int) bool {
	if w := ws[i]; i == 0 || w != "hour" && w != "hours" && w != "hours'" {
		return false
	}
	prev := ws[i-1]
	return prev == "per" || prev == "an" || prev == "a" || prev == "each" || prev == "every" || isNumber(prev)
}

// weightedKey is a word's key with how much the word says in English.
type weightedKey struct {
	key    string
	weight float64
}

// labelsOf returns the weighted keys of each non-empty label.
func labelsOf(lex *lexicon.Lexicon, labels ...string) [][]weightedKey {
	var out [][]weightedKey
	for _, l := range labels {
		var ks []weightedKey
		seen := map[string]bool{}
		for _, w := range words(normalize(l)) {
			if isStop(w) || cueWords[w] {
				continue
			}
			if k := lex.Key(w); !seen[k] {
				seen[k] = true
				ks = append(ks, weightedKey{key: k, weight: termWeight(lex, w)})
			}
		}
		if len(ks) > 0 {
			out = append(out, ks)
		}
	}
	return out
}

// rawWordsOf returns a text's longer words as written, lower case, for
// matching a lead's typos.
func rawWordsOf(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words(strings.ToLower(text)) {
		if len(w) >= 4 && !stopwords[w] {
			out[w] = true
		}
	}
	return out
}

// startsMidSentence reports whether text begins with a lower-case word, as
// the tail of a sentence cut at a chunk boundary does.
func startsMidSentence(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return unicode.IsLower(r)
}

func isQuestion(s string) bool {
	return strings.HasSuffix(strings.TrimSpace(s), "?")
}

// isQuotation: a sentence in quotation marks, or attributed with a dash,
// is a customer's voice (a review), not the business's fact.
func isQuotation(s string) bool {
	return strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "“") || strings.HasPrefix(s, "'") ||
		strings.Contains(s, "\" -") || strings.Contains(s, "” —")
}

// sourceText is the text of a result that an answer may take facts from.
func sourceText(r knowledge.Result) string {
	return r.Title + "\n" + r.Heading + "\n" + r.Content
}
