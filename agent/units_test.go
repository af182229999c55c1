package agent

import (
	"slices"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/knowledge"
	"github.com/leadagent/leadagent/lexicon"
)

// TestUnitsStandAlone: what a unit quotes reads whole: a table row keeps
// its columns, a bare list of names keeps the heading that states its
// fee, list items keep their short intro, a pronoun's sentence leans on
// the one before.
func TestUnitsStandAlone(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	texts := func(content, heading string) []string {
		var out []string
		for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 1, Title: "Doc", Heading: heading, Content: content}) {
			out = append(out, u.text)
		}
		return out
	}
	has := func(list []string, want string) bool {
		for _, s := range list {
			if s == want {
				return true
			}
		}
		return false
	}
	table := texts("| Crew | Weekdays | Saturday |\n| --- | --- | --- |\n| 2 movers | $139 per hour | $159 per hour |", "Rates")
	if !has(table, "2 movers: $139 per hour (Weekdays), $159 per hour (Saturday).") {
		t.Errorf("table units %q", table)
	}
	zone := texts("Evanston, Skokie, Lincolnwood, Niles and Oak Park.", "Service area > Zone 2: Near suburbs ($50 travel fee)")
	if !has(zone, "Zone 2: Near suburbs ($50 travel fee): Evanston, Skokie, Lincolnwood, Niles and Oak Park.") {
		t.Errorf("zone units %q", zone)
	}
	intro := texts("Local moves:\n- Cancelled 72 hours ahead: the deposit is refunded.", "")
	if !has(intro, "Local moves: Cancelled 72 hours ahead: the deposit is refunded.") {
		t.Errorf("intro units %q", intro)
	}
	// An item too long for a text is also quoted by its first sentences.
	long := texts("- **Tune-up:** $120. It covers the first hour of work on one bike, brakes and gears included. "+
		"If you approve the repair within 30 days, the $120 is credited toward it. Parts are billed at cost, and we "+
		"always ask before going past the first hour, or before ordering any part that has to be shipped to the shop from a supplier.", "Prices")
	if !has(long, "Tune-up: $120. It covers the first hour of work on one bike, brakes and gears included. If you approve the repair within 30 days, the $120 is credited toward it.") {
		t.Errorf("long item units %q", long)
	}
	if short := texts("- **Tune-up:** $120. It covers the first hour.", "Prices"); len(short) != 1 {
		t.Errorf("a short item is one unit, got %q", short)
	}
	for _, content := range []string{"We rent e-bikes. They cost $65 a day.", "Nathan handles car cases. He is a graduate of Emory."} {
		for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 2, Content: content}) {
			if (strings.HasPrefix(u.text, "They") || strings.HasPrefix(u.text, "He")) && !u.leans {
				t.Errorf("%q does not lean on what it follows", u.text)
			}
		}
	}
	// A two-column row states what its value column is named: these are
	// the hours, as "Open 8 to 5 (Hours)" would say in a wider table.
	for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 3, Content: "| Day | Hours |\n| --- | --- |\n| Monday to Friday | 8:30 a.m. to 5:30 p.m. |"}) {
		if strings.HasPrefix(u.text, "Monday to Friday") && !u.textKeys[lex.Key("hours")] {
			t.Errorf("%q does not say it states hours", u.text)
		}
	}
	// Items under a heading that says the business does not do them keep
	// it: alone, "Fireworks." reads as something it takes.
	for _, u := range texts("- Fireworks\n- Live animals", "What we won't haul") {
		if !strings.HasPrefix(u, "What we won't haul: ") {
			t.Errorf("%q lost the heading that negates it", u)
		}
	}
	// A list under a heading is one unit whole, without the prose after it.
	bring := texts("- A photo ID\n- Your insurance card\n- A list of your medications\n- Your x-rays, if you have them\nPlease arrive 10 minutes early.", "What to bring")
	if !has(bring, "A photo ID. Your insurance card. A list of your medications. Your x-rays, if you have them.") {
		t.Errorf("list units %q", bring)
	}
	caps := texts("WHAT TO BRING\n\n1. A photo ID.\n2. Your insurance card.", "")
	for _, s := range caps {
		if strings.Contains(s, "WHAT TO BRING") {
			t.Errorf("a heading in capitals quoted: %q", s)
		}
	}
}

func TestFactsOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		k    kind
		want bool
	}{
		{"Repairs have a $325 minimum charge.", kindPrice, true},
		{"Estimates are free.", kindPrice, true},
		{"Most roofs take one to two days.", kindDuration, true},
		{"We install year-round.", kindDuration, true},
		{"Saturday: 8:00 a.m. to noon.", kindTime, true},
		{"We serve Denver and Aurora.", kindPrice, false},
		{"We serve Denver and Aurora.", kindTime, false},
		{"Address: 3318 N. 24th Street, Phoenix, AZ 85016", kindPlace, true},
		{"Office: 2150 Piedmont Circle NE, Suite 410, Atlanta", kindPlace, true},
		{"Portland, OR 97214", kindPlace, true},
		{"We serve Denver and Aurora.", kindPlace, false},
		{"Ray Alvarez opened Desert Auto Care in 2003.", kindSince, true},
		{"Moving our neighbors since 2007.", kindSince, true},
		{"Most roofs take one to two days.", kindSince, false},
		{"We accept cash, checks, Visa and Mastercard.", kindPayment, true},
		{"Card payments over $5,000 carry a 3% fee.", kindPayment, false},
		{"0% APR for 12 months on projects of $3,000 or more.", kindFinancing, true},
		{"Don't open new credit cards or finance a car before closing.", kindFinancing, false},
		{"Crews of 2 movers start at $139 an hour.", kindPlace, false},
		{"Phone and text: (312) 555-0163.", kindPhone, true},
		{"Call 602-555-0148 and press 1.", kindPhone, true},
		{"Crews of 2 movers start at $139 an hour.", kindPhone, false},
		{"Email: office@peakroofing.example.com.", kindEmail, true},
		{"Email us any time.", kindEmail, false},
		{"Saturday: 8:00 a.m. to 12:00 p.m. (noon).", kindHours, true},
		{"Our office is open Monday through Friday from 7:00 a.m. to 6:00 p.m.", kindHours, true},
		{"Sunday: Closed.", kindHours, true},
		{"We're open seven days a week.", kindHours, true},
		{"Texts after hours are answered the next business morning.", kindHours, false},
		{"$159 per hour (Saturday and peak dates).", kindHours, false},
		{"We do not schedule moves on New Year's Day, Memorial Day or Thanksgiving.", kindHours, true},
		{"The office is closed on major holidays.", kindHours, true},
		{"Our Memorial Day sale takes 10% off.", kindHours, false},
		{"Walk-ins are welcome for oil changes before noon.", kindWalkIn, true},
		{"Visitors by appointment only.", kindWalkIn, true},
		{"A missed appointment carries a $50 fee.", kindWalkIn, false},
		{"Teachers get 15% off labor.", kindDiscount, true},
		{"Members save $40 on every visit.", kindDiscount, true},
		{"A first visit for $79 (a $129 value).", kindDiscount, true},
		{"Card payments over $5,000 carry a 3% fee.", kindDiscount, false},
		{"Free parking behind the building.", kindDiscount, false},
		{"Rated 4.7 out of 5 by our customers.", kindRating, true},
		{"More than 600 Google reviews.", kindRating, true},
		{"An attorney reviews every case.", kindRating, false},
		{"A 5-year warranty on labor.", kindRating, false},
	} {
		if got := factsOf(tc.text).has(tc.k); got != tc.want {
			t.Errorf("factsOf(%q).has(%d) = %v", tc.text, tc.k, got)
		}
	}
}

func TestFactsOfFractions(t *testing.T) {
	t.Parallel()
	// A percentage with a fraction character is a price's kind of fact.
	if !factsOf("Settled before a lawsuit is filed: 33⅓% (one-third) of the total recovery.").has(kindPrice) {
		t.Error(`"33⅓%" is not read as a percentage`)
	}
}

// TestItemsOfAskedHeading: items under a heading the lead names are what
// the lead asked for, though no item repeats the heading's words.
func TestItemsOfAskedHeading(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	q := map[string]bool{lex.Key("bring"): true, lex.Key("appointment"): true}
	for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 1, Heading: "What to bring", Content: "- A photo ID\n- Your insurance card"}) {
		if !itemOfAsked(&u, q) || idle(&u, q, kindAny) != 0 {
			t.Errorf("%q: not an item of what was asked", u.text)
		}
	}
	// A heading above the nearest one names the list too.
	for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 3, Heading: "First appointment > Checklist", Content: "- A photo ID\n- Your insurance card"}) {
		if !itemOfAsked(&u, q) {
			t.Errorf("%q under First appointment: not an item of what was asked", u.text)
		}
	}
	for _, u := range buildUnits(lex, nil, knowledge.Result{ChunkID: 2, Heading: "Parking", Content: "- Free lot behind the office\n- Street parking on Elm"}) {
		if itemOfAsked(&u, q) {
			t.Errorf("%q under Parking is an item of what to bring", u.text)
		}
	}
}

func TestRefersBack(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	before := keysOf(lex, "A missed visit carries a $50 fee.")
	for text, want := range map[string]bool{
		"We waive the fee the first time.":             true,
		"This fee is charged to your card.":            true,
		"We waive it for members.":                     false, // reLeans' case
		"The office is closed on Sundays.":             false,
		"We send a reminder two days before the fee.":  false, // too far in to open on it
		"Late arrivals may be rescheduled at no cost.": false,
	} {
		if got := refersBack(lex, text, before); got != want {
			t.Errorf("refersBack(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestSaysDoesNot(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"We do not repair motorcycles or scooters.":                     true,
		"We don't pick up outside those three towns.":                   true,
		"Our tow program does not cover Buckeye or Maricopa.":           true,
		"We’re not able to take cases outside Georgia.":                 true,
		"Balances not paid within 60 days are charged a late fee.":      false,
		"Prequalifying uses a soft check that does not affect a score.": false,
		"If the crew can't park, there is a long-carry fee.":            false,
	} {
		if got := saysDoesNot(text); got != want {
			t.Errorf("saysDoesNot(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestKeysOf: the words a sentence is met by are what it says, not its
// idioms: "as long as" sets a condition and is no length; "hours"
// counting time ("24 hours' notice") is not a business's hours; "$165 per
// hour" is an hourly rate, a key of its own that the hours never meet.
func TestKeysOf(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	long, hours := lex.Key("long"), lex.Key("hours")
	for _, tc := range []struct {
		text, key string
		want      bool
	}{
		{"The warranty transfers, as long as the new owner registers.", long, false},
		{"Free so long as you book by Friday.", long, false},
		{"A long driveway adds a carry fee.", long, true},
		{"How long the warranty lasts depends on the roof.", long, true},
		{"2 movers and a truck: $139 per hour.", hours, false},
		{"Give us 24 hours' notice to cancel.", hours, false},
		{"A 2-hour arrival window.", hours, false},
		{"Office hours: Monday to Friday, 8 to 5.", hours, true},
		{"Our hours change in summer.", hours, true},
		{"Labor rate: $165 per hour.", hourlyKey, true},
		{"We bill by the hour after the first two.", hourlyKey, true},
		{"Crews cost $150 an hour.", hourlyKey, true},
		{"Turn it off for an hour if you see ice.", hourlyKey, false},
		{"Plan on 2 hours for the visit.", hourlyKey, false},
		{"Texts after hours are answered Monday.", hourlyKey, false},
		{"Price: $69 per vault per month.", rateKey("month"), true},
		{"Storage runs $40 a month.", rateKey("month"), true},
		{"Billed monthly.", rateKey("month"), true},
		{"Monthly payments of $120.", rateKey("month"), true},
		{"She leads our monthly buyer workshop.", rateKey("month"), false},
		{"Minimum stay: one month, then month to month.", rateKey("month"), false},
		{"It takes a month to close.", rateKey("month"), false},
	} {
		if got := keysOf(lex, tc.text)[tc.key]; got != tc.want {
			t.Errorf("keysOf(%q) has %q: %v, want %v", tc.text, tc.key, got, tc.want)
		}
	}
	for text, key := range map[string]string{"how much do you charge per hour": hourlyKey,
		"how much is it a month": rateKey("month"), "whats the monthly fee": rateKey("month")} {
		q := readQuestion(lex, text)
		if !slices.ContainsFunc(q.terms, func(tm term) bool { return tm.key == key }) {
			t.Errorf("%q asks no rate per period (%s): %+v", text, key, q.terms)
		}
	}
}

// TestOtherCompound: a word a unit has only inside a compound or a name
// meets the lead's only when the lead means that compound or name.
func TestOtherCompound(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	// A text that has the word outside a compound too meets any kind.
	if hs, _ := compounds(lex, "We repair heat pumps and well pumps."); len(hs) != 0 {
		t.Errorf("compound heads = %v, want none: \"pumps\" stands alone too", hs)
	}
	for _, tc := range []struct {
		text, ask, word string
		want            float64
	}{
		// "pool pumps" are not the "heat pumps" a text names; "pumps"
		// alone, or "heat pumps", are.
		{"We repair furnaces, heat pumps and water heaters.", "do you repair pool pumps", "pumps", 0},
		{"We repair furnaces, heat pumps and water heaters.", "do you repair heat pumps", "pumps", 1},
		{"We repair furnaces, heat pumps and water heaters.", "do you repair pumps", "pumps", 1},
		{"We repair furnaces, heat pumps and water heaters.", "can you come fix pumps", "pumps", 1},
		{"We repair furnaces, heat pumps and water heaters.", "how much is a water heater", "heater", 1},
		// A word a text has only as the first word of a compound is
		// another thing than the lead's, unless the lead names that
		// compound.
		{"Pull the parking brake (emergency brake) slowly.", "do you offer emergency service?", "emergency", 0},
		{"We answer emergency calls all night.", "do you offer emergency service?", "emergency", 1},
		{"We fix emergency brakes.", "can you fix my emergency brake?", "emergency", 1},
		// An English word a text has only inside a capitalised name is
		// not met by the word alone; the name, and a name English does
		// not know, are.
		{"Zone 2: Evanston, Park Ridge, Des Plaines and Oak Park.", "do you have parking?", "parking", 0},
		{"Zone 2: Evanston, Park Ridge, Des Plaines and Oak Park.", "do you go to oak park?", "park", 1},
		{"Zone 2: Evanston, Park Ridge, Des Plaines and Oak Park.", "do you go to park ridge?", "park", 1},
		{"Our office is at 24 Belmont Street.", "are you on belmont?", "belmont", 1},
		{"We are open weekdays. On Saturdays we open at 8.", "are you open on saturdays?", "saturdays", 1},
		{"Free parking behind the building. Oak Park residents park free.", "do you have parking?", "parking", 1},
		// A compound the lead names is not met by its head alone, in a
		// text that has neither the compound nor the word that makes it
		// one.
		{"Standing seam: 24-gauge steel panels.", "do you install solar panels?", "panels", 0},
		{"We mount solar panels on new roofs.", "do you install solar panels?", "panels", 1},
		{"We leave room for solar on the south panels.", "do you install solar panels?", "panels", 1},
	} {
		if got := wordMeets(lex, tc.text, tc.ask, tc.word); got != tc.want {
			t.Errorf("%q of %q meets %q %.1f, want %.1f", tc.word, tc.ask, tc.text, got, tc.want)
		}
	}
}

// wordMeets is how far word, as ask reads it, meets the whole of text.
func wordMeets(lex *lexicon.Lexicon, text, ask, word string) float64 {
	us := buildUnits(lex, nil, knowledge.Result{ChunkID: 3, Content: text})
	whole := &us[0]
	for i := range us {
		if len(us[i].text) > len(whole.text) {
			whole = &us[i]
		}
	}
	got := -1.0
	for _, tm := range readQuestion(lex, ask).terms {
		if tm.word == word {
			got = max(got, match(tm, whole))
		}
	}
	return got
}

// TestWholeSchedule: "when are you open?" names no day, so a line of the
// hours table widens to the whole table, and a sentence stating hours is
// not idle though it has none of the question's words.
func TestWholeSchedule(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	us := buildUnits(lex, nil, knowledge.Result{ChunkID: 7, Heading: "Office hours",
		Content: "| Day | Hours |\n| --- | --- |\n| Monday to Friday | 9:00 a.m. to 6:00 p.m. |\n| Saturday | 10:00 a.m. to 4:00 p.m. |\n| Sunday | Closed |"})
	var rs []rated
	var line rated
	for i := range us {
		x := rated{u: &us[i], result: knowledge.Result{ChunkID: 7}}
		rs = append(rs, x)
		if strings.HasPrefix(us[i].text, "Saturday") && us[i].n == 1 {
			line = x
		}
	}
	if line.u == nil {
		t.Fatalf("no unit of the Saturday row alone among %d", len(us))
	}
	q := map[string]bool{lex.Key("open"): true}
	if idle(line.u, q, kindHours) != 0 || idle(line.u, q, kindAny) != 1 {
		t.Errorf("idle(%q): stating hours should count as answering an hours question", line.u.text)
	}
	// The week's hours, not one evening, answer a question naming no day.
	evening := buildUnits(lex, nil, knowledge.Result{ChunkID: 8, Content: "Evening consultations (until 7:00 p.m.) are available on Thursdays."})
	late := rated{u: &evening[0], result: knowledge.Result{ChunkID: 8}, score: 10}
	if got := schedule(late, append(rs, late), func(string) bool { return true }); daysNamed(got.u.text) < 3 {
		t.Errorf("schedule = %q, want the table's rows", got.u.text)
	}
	got := wholeSchedule(line, rs, func(string) bool { return true }).u.text
	for _, want := range []string{"Monday", "Saturday", "Sunday"} {
		if !strings.Contains(got, want) {
			t.Errorf("wholeSchedule = %q, want the whole table (%s)", got, want)
		}
	}
}

// TestOverlapsAny: two windows of one table share rows, so one message's
// two answers never pick both; a unit does not overlap itself, nor a
// unit of another chunk.
// TestJoinAnswers: a unit that answers two parts of a message is quoted
// once, though one part quotes its bare "No." and the other does not.
func TestJoinAnswers(t *testing.T) {
	t.Parallel()
	u := &unit{text: "No. Walk-ins are welcome before noon."}
	other := &unit{text: "Oil changes are $49."}
	asked, unasked := rated{u: u}, rated{u: u}
	asked.f[fLabel] = 1
	if q1, q2 := quote(asked), quote(unasked); q1 == q2 {
		t.Fatalf("both parts quote %q: the test needs two quotes", q1)
	}
	if got, want := joinAnswers([]rated{asked, {u: other}, unasked}), "No. Walk-ins are welcome before noon. Oil changes are $49."; got != want {
		t.Errorf("joinAnswers = %q, want %q", got, want)
	}
}

func TestOverlapsAny(t *testing.T) {
	t.Parallel()
	us := buildUnits(lexicon.Default(), nil, knowledge.Result{ChunkID: 1, Heading: "Services",
		Content: "| Service | Full | Essentials |\n| --- | --- | --- |\n| Open houses | Yes | No |\n| Staging | Yes | No |\n| Drone photos | Yes | Yes |"})
	var pair []rated
	for i := range us {
		if us[i].n == 2 {
			pair = append(pair, rated{u: &us[i], result: knowledge.Result{ChunkID: 1}})
		}
	}
	if len(pair) < 2 {
		t.Fatalf("want two windows of two rows among %d units", len(us))
	}
	if !overlapsAny(pair[1], pair[:1]) {
		t.Errorf("%q and %q share a row", pair[0].u.text, pair[1].u.text)
	}
	if overlapsAny(pair[0], pair[:1]) {
		t.Error("a unit overlaps itself")
	}
	other := pair[1]
	other.result.ChunkID = 2
	if overlapsAny(other, pair[:1]) {
		t.Error("units of two chunks overlap")
	}
}

// TestRateQuestion: what rate reads of the question as a whole. The
// share of the asked words no chunk has falls when the lead also asks
// about what the knowledge has; the words framing a fact question
// ("open") do not name a heading ("Open houses"), words naming a topic
// do.
func TestRateQuestion(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	cache := newUnitCache(lex, 16)
	heaters := []knowledge.Result{{ChunkID: 1, Content: "We install water heaters and furnaces."}}
	absent := func(text string) float64 {
		rs := rate(readQuestion(lex, text), heaters, cache, nil, nil, nil)
		if len(rs) == 0 {
			t.Fatalf("%q: no unit rated", text)
		}
		return rs[0].absent
	}
	if some, more := absent("do you install solar panels"), absent("do you install solar panels and water heaters"); !(more < some && some < 1) {
		t.Errorf("absent share: %.2f for solar panels alone, %.2f with water heaters too", some, more)
	}
	houses := []knowledge.Result{{ChunkID: 2, Heading: "Open houses", Content: "Open houses run Saturday and Sunday from 1:00 to 4:00 p.m."}}
	label := func(text string) float64 {
		rs := rate(readQuestion(lex, text), houses, cache, nil, nil, nil)
		if len(rs) == 0 {
			t.Fatalf("%q: no unit rated", text)
		}
		return rs[0].f[fLabel]
	}
	if l := label("when are you open?"); l != 0 {
		t.Errorf("\"when are you open?\" names the heading Open houses: label %.2f", l)
	}
	if l := label("when are your open houses?"); l == 0 {
		t.Error("\"when are your open houses?\" does not name the heading Open houses")
	}
	// A sentence that leans on the one before is rated only with it.
	lawyers := []knowledge.Result{{ChunkID: 3, Content: "Nathan Ruiz handles car cases. He is a graduate of Emory Law."}}
	rs := rate(readQuestion(lex, "did your lawyer go to emory"), lawyers, cache, nil, nil, nil)
	if len(rs) == 0 {
		t.Fatal("no unit rated for the lawyer")
	}
	for _, x := range rs {
		if strings.HasPrefix(x.u.text, "He ") {
			t.Errorf("%q rated alone, without the name it leans on", x.u.text)
		}
	}
}

// TestSaysNothingOwn: a sentence that only points back ("We can help you
// with that.") is never quoted alone; with the sentence after it, it is.
func TestSaysNothingOwn(t *testing.T) {
	t.Parallel()
	us := buildUnits(lexicon.Default(), nil, knowledge.Result{ChunkID: 5, Title: "What if I buy a home you listed?",
		Content: "We can help you with that. Texas law makes us an intermediary, with written consent from both sides."})
	found := 0
	for _, u := range us {
		switch u.text {
		case "We can help you with that.":
			found++
			if !u.leans {
				t.Errorf("%q stands alone", u.text)
			}
		case "We can help you with that. Texas law makes us an intermediary, with written consent from both sides.":
			found++
			if u.leans {
				t.Errorf("%q leans", u.text)
			}
		}
	}
	if found != 2 {
		t.Fatalf("units %v: want the first sentence alone and with the second", us)
	}
}
