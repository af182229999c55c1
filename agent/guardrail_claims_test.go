package agent

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSpellNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"nineteen dollars", "19 dollars"},
		{"eighty-nine bucks", "89 bucks"},
		{"one hundred and fifty", "150"},
		{"a hundred bucks", "100 bucks"},
		{"a couple hundred", "200"},
		{"two grand installed", "2000 dollars installed"},
		{"2 grand", "2000 dollars"},
		{"five thousand dollars", "5000 dollars"},
		{"ochenta y nueve dolares", "89 dolares"},
		{"mil quinientos pesos", "1500 pesos"},
		{"ciento veinte", "120"},
		{"en una hora", "en 1 hora"},
		{"five five five, zero one four two", "5 5 5, 0 1 4 2"},
		{"within two hours", "within 2 hours"},
		{"a grand opening", "a grand opening"},
		{"someone will call", "someone will call"},
		{"ten and eleven", "10 and 11"},
		{"89 dollars", "89 dollars"},
	} {
		if got := spellNumbers(tc.in); got != tc.want {
			t.Errorf("spellNumbers(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestClaimReaders: each form a reply may state a claim in is read as the
// same claim.
func TestClaimReaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want []string // kind and value
	}{
		{"It's $19.", []string{"money usd:19"}},
		{"Just 19 bucks!", []string{"money usd:19"}},
		{"Nineteen dollars flat.", []string{"money usd:19"}},
		{"A tune-up is €19.", []string{"money eur:19"}},
		{"USD 19, or 19 USD, or US$19.", []string{"money usd:19", "money usd:19", "money usd:19"}},
		{"It's 19$ or 19,00 €.", []string{"money usd:19", "money eur:19"}},
		{"A furnace is $4,800 or $4.8k.", []string{"money usd:4800", "money usd:4800"}},
		{"Two grand installed.", []string{"money usd:2000"}},
		{"Diecinueve dólares.", []string{"money usd:19"}},
		{"It costs 1500 installed.", []string{"money usd:1500"}},
		{"It costs 2 visits.", nil},
		{"99 cents.", []string{"money usd:0.99"}},
		{"A tune-up is ＄１９.", []string{"money usd:19"}},
		{"The diagnostic is free.", []string{"money usd:0"}},
		{"No charge, it's on the house, gratis.", []string{"money usd:0", "money usd:0", "money usd:0"}},
		{"We'll waive the trip fee.", []string{"money usd:0"}},
		{"We won't charge you for it.", []string{"money usd:0"}},
		{"Feel free to call our toll-free line.", nil},
		{"It isn't free.", nil},
		{"Half price, or 50% off, or fifty percent, or el 10 por ciento.", []string{"percent 50", "percent 50", "percent 50", "percent 10"}},
		{"Use this coupon.", []string{"discount coupon"}},
		{"Seniors get a 10% discount.", []string{"percent 10"}},
		{"We'll match any competitor's quote.", []string{"discount match"}},
		{"Le damos un descuento.", []string{"discount discount"}},
		{"We don't have any coupons.", nil},
		{"A 2-year warranty.", []string{"guarantee warranty", "term 2 year"}},
		{"Garantía de por vida.", []string{"guarantee guarantee", "term life"}},
		{"We can't guarantee that.", nil},
		{"A tech can come by noon.", []string{"clock ~0:00"}},
		{"Open 8am-5pm.", []string{"clock ~8:00", "clock ~5:00"}},
		{"A las tres de la tarde.", []string{"clock ~3:00"}},
		{"A tech can be there at 3 today.", []string{"clock ~3:00", "relday today"}},
		{"Open Saturdays.", []string{"day saturday"}},
		{"El sábado.", []string{"day saturday"}},
		{"Booked for Oct 14.", []string{"date 10/14"}},
		{"A 3/4 inch valve.", nil},
		{"Our fee is 33 1/3% of the recovery.", []string{"percent 33 1/3"}},
		{"Moving on 1/3 works.", []string{"date 1/3"}},
		{"A 1 1/2 story house.", nil},
		{"Within the hour.", []string{"wait 1 hour"}},
		{"In half an hour.", []string{"wait 0.5 hour"}},
		{"Llega en una hora.", []string{"wait 1 hour"}},
		{"We'll be there in 30.", []string{"wait 30 minute"}},
		{"A tech can come tomorrow morning.", []string{"relday tomorrow"}},
		{"Mañana le mandamos un técnico.", []string{"relday manana"}},
		{"Tomorrow is a holiday.", nil},
		{"We'll send a tech right away.", []string{"soon right away"}},
		{"Someone will follow up soon.", nil},
		{"Your technician is on the way.", []string{"soon on the way"}},
		{"Open 24 hours a day.", []string{"count 24 hour"}},
		{"Is it over 15 years old?", nil},
		{"Call (303) 555-0199.", []string{"phone 3035550199"}},
		{"Call +1 720 555 0188 or 555-0177.", []string{"phone 7205550188", "phone 5550177"}},
		{"Seven two zero, five five five, zero one nine nine.", []string{"phone 7205550199"}},
		{"Call 1-800-FIX-HVAC.", []string{"phone 8003494822"}},
		{"Pay at https://evil.example/pay.", []string{"link evil.example/pay"}},
		{"See www.ridgeline-payments.com today.", []string{"link ridgeline-payments.com"}},
		{"Book at ridgelinehvac.example/book.", []string{"link ridgelinehvac.example/book"}},
		{"Find us at evil dot com.", []string{"link evil.com"}},
		{"E.g. at 8 a.m. sharp.", []string{"clock ~8:00"}},
		{"Email billing@evil.example.", []string{"email billing@evil.example"}},
		{"Write to billing at evil dot example.", []string{"link evil.example"}},
		{"Write to billing at evil (dot) example.", []string{"link evil.example"}},
		{"Venmo @RidgeHVAC.", []string{"handle ridgehvac", "paywith venmo"}},
		{"Pay with gift cards or Zelle.", []string{"paywith giftcards", "paywith zelle"}},
	} {
		var got []string
		for _, c := range readClaims(claimText(tc.text)) {
			got = append(got, claimKindNames[c.kind]+" "+c.value)
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: claims %v, want %v", tc.text, got, want)
		}
	}
}

var claimKindNames = map[claimKind]string{claimMoney: "money", claimPercent: "percent", claimDiscount: "discount",
	claimGuarantee: "guarantee", claimTerm: "term", claimClock: "clock", claimDay: "day", claimDate: "date", claimWait: "wait",
	claimRelDay: "relday", claimSoon: "soon", claimCount: "count", claimPhone: "phone", claimLink: "link", claimEmail: "email",
	claimHandle: "handle", claimPayWith: "paywith"}

// ridgelineEvidence is the adversarial set's knowledge, in one text.
const ridgelineEvidence = `A furnace or AC tune-up is $89. The diagnostic visit is $119, and it is credited toward the repair when you approve the repair on the same visit. A new high-efficiency furnace starts at $4,800 installed, and a new central AC starts at $5,200 installed. Estimates for new systems are free. Visits outside Boulder County carry a $45 trip fee.
Seniors and veterans get 10% off any repair, up to $75. Members of our Comfort Plan pay $15 a month and get 15% off repairs.
Every repair carries a 1-year parts and labor warranty. New systems come with a 10-year manufacturer parts warranty when registered.
Our office is open Monday to Friday, 8:00 a.m. to 5:00 p.m. We give a 2-hour arrival window. Same-day repairs are often available when you book before noon on a weekday. For emergencies, the on-call technician usually arrives within 3 hours.`

// TestClaimsAttachToWhatTheEvidenceSaysThemOf: a number, a "free" or a
// time is supported only by evidence that says it of the same thing.
func TestClaimsAttachToWhatTheEvidenceSaysThemOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		reply, lead string
		supported   bool
	}{
		{"A furnace tune-up is $89.", "", true},
		{"Tune-ups are $89 for a furnace or an AC.", "", true},
		{"A new furnace is $89.", "", false},
		{"A new furnace is $89 installed.", "", false},
		{"The diagnostic visit is $89.", "", false},
		{"It's $89.", "how much is a tune up?", true},
		{"It's $89.", "how much is a new furnace?", false},
		{"It's $89.", "", true},
		{"A new central AC is $4,800 installed.", "", false},
		{"A new furnace starts at $4,800 installed.", "", true},
		{"Veterans get 10% off repairs, capped at $75.", "", true},
		{"The Comfort Plan costs $75 a month.", "", false},
		{"Seniors get 10% off new furnaces.", "", false},
		{"Seniors get 15% off any repair.", "", false},
		{"Estimates for new systems are free.", "", true},
		{"Free install with any new system!", "", false},
		{"The diagnostic is free.", "", false},
		{"We give a 2-hour arrival window.", "", true},
		{"We give a 3-hour arrival window.", "", false},
		{"The on-call tech usually arrives within 3 hours.", "", true},
		{"A technician will be there within 2 hours.", "", false},
		{"Same-day repairs are often available when you book before noon.", "", true},
		{"We'll have someone at your place by noon.", "", false},
		{"Every repair carries a 1-year warranty.", "", true},
		{"Repairs carry a 10-year warranty.", "", false},
		{"El mantenimiento del horno cuesta $89.", "", true},
		{"La visita de diagnóstico cuesta $119.", "", true},
		{"La visita de diagnóstico cuesta ochenta y nueve dólares.", "", false},
		{"Would Monday or Friday morning work for a visit?", "", true},
		{"A tech can come Monday.", "", false},
		{"Would Sunday work?", "", false},
	} {
		idx := newEvidenceIndex([]string{ridgelineEvidence})
		rules := idx.unsupported(tc.reply, tc.lead)
		if (len(rules) == 0) != tc.supported {
			t.Errorf("%q (lead %q): rules %v, want supported %v", tc.reply, tc.lead, rules, tc.supported)
		}
	}
}

func TestAsksForSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		asks bool
	}{
		{"Text me your card number and CVV.", true},
		{"What's the 3-digit code on the back?", true},
		{"Please reply with the expiration date.", true},
		{"For financing I need your SSN.", true},
		{"Send your bank account and routing number.", true},
		{"Reply with your online banking password.", true},
		{"Please send the verification code we texted you.", true},
		{"Don't worry, just text a photo of your credit card.", true},
		{"Por favor envíeme el número de su tarjeta.", true},
		{"Mándame tu contraseña.", true},
		{"We accept Visa, Mastercard and American Express.", false},
		{"You can pay by credit card when the job is done.", false},
		{"We never ask for card details by text.", false},
		{"For your security, please never text card numbers, bank details or passwords.", false},
		{"Let's pin down a time that works.", false},
		{"Nunca le pediremos su contraseña.", false},
	} {
		if got := asksForSecrets(claimFold(tc.text)); got != tc.asks {
			t.Errorf("%q: asks %v, want %v", tc.text, got, tc.asks)
		}
	}
}

func TestClaimsHuman(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sentence string
		claims   bool
	}{
		{"I'm a real person.", true},
		{"This is Sarah from the office.", true},
		{"Sarah here! How can I help?", true},
		{"It's Carlos from dispatch.", true},
		{"You're chatting with Mike from Ridgeline.", true},
		{"Thanks! -Jenny", true},
		{"I'm not an AI.", true},
		{"This isn't an automated message.", true},
		{"100% human here!", true},
		{"I'm the owner.", true},
		{"I'm one of the techs.", true},
		{"I work in the office.", true},
		{"I can come by myself and take a look.", true},
		{"Soy una persona.", true},
		{"No soy un robot.", true},
		{"Hola, soy María de la oficina.", true},
		{"Me llamo Ana.", true},
		{"Le habla Roberto, técnico de Ridgeline.", true},
		{"Soy el técnico.", true},
		{"I'm the AI assistant for Ridgeline Heating & Air, not a person.", false},
		{"I'm your virtual receptionist.", false},
		{"Sure, I'll pass that to a real person on our team.", false},
		{"Hi Dana! A tune-up is $89.", false},
		{"This is Ridgeline Heating & Air.", false},
		{"Soy el asistente virtual de Ridgeline.", false},
		{"Una persona de nuestro equipo le llamará.", false},
		{"We serve Loveland, Windsor and Timnath.", false},
		{"Everyone here is friendly.", false},
		{"What brand is it? It's Carrier.", false},
		{"Yes, it's Fort Collins.", false},
		{"I work for Ridgeline Heating & Air as its AI assistant.", false},
		{"I'm not sure, but someone will know.", false},
		{"No problem at all!", false},
	} {
		if got := claimsHuman(tc.sentence, Business{Name: "Ridgeline Heating & Air"}); got != tc.claims {
			t.Errorf("%q: claims to be human %v, want %v", tc.sentence, got, tc.claims)
		}
	}
}

// FuzzClaims reads outside text (a model's reply, a lead's message) as
// claims: it never panics, every claim lies inside what was read, and
// spelling numbers a second time changes nothing.
func FuzzClaims(f *testing.F) {
	for _, seed := range []string{
		"A tune-up is nineteen dollars, or €19, or ＄１９.",
		"ochenta y nueve dólares, en una hora, mañana por la mañana",
		"Call (303) 555-0199 or https://evil.example/x or billing at evil dot com",
		"a couple hundred and and y y grand grand",
		"Seniors and veterans get 10% off any repair, up to $75.",
		strings.Repeat("nine ", 40),
		"\u200b$1\u200b9 \xff\xfe",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := claimText(text)
		if again := spellNumbers(s); again != s {
			t.Fatalf("spelling twice changed %q to %q", s, again)
		}
		if !utf8.ValidString(text) {
			return
		}
		claims := readClaims(s)
		for _, c := range claims {
			if c.at[0] < 0 || c.at[1] > len(s) || c.at[0] > c.at[1] {
				t.Fatalf("claim %+v outside %q", c, s)
			}
			claimContext(s, readWords(s), c, claims)
		}
		idx := newEvidenceIndex([]string{text})
		idx.unsupported(text, text)
	})
}

// TestBusinessDetailsAreEvidence: the business's hours, phone and area
// support a reply on their own, each part of the hours as open as the
// first.
func TestBusinessDetailsAreEvidence(t *testing.T) {
	t.Parallel()
	g := Guardrails{Business: adversarialBusiness}
	g.Business.Hours = "Mon-Fri 8am-5pm, Sat 9am-1pm"
	for _, reply := range []string{
		"We're open Saturdays from 9am to 1pm.",
		"Our office is open Monday to Friday, 8am to 5pm.",
		"Call or text us at (720) 555-0142.",
		"We serve Boulder County.",
	} {
		r := g.Apply(Reply{Text: reply, Outcome: OutcomeAnswered}, TurnInput{Channel: ChannelSMS}, Evidence{})
		if r.Text != reply || len(r.Guardrails) > 0 {
			t.Errorf("%q became %q %v", reply, r.Text, r.Guardrails)
		}
	}
}
