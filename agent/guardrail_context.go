package agent

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// This file reads the words around a claim: what a price, a percentage,
// a time or a "free" is attached to. A reply's "a new furnace is $89" is
// supported only by evidence that says $89 of a furnace, not by evidence
// that says $89 of a tune-up; the words around the amount tell the two
// apart.

// claimFold is text as the fact rules read it: compatibility forms
// folded (full-width digits are digits, "＄" is "$"), accents and
// invisible characters gone, typographic punctuation made plain, lower
// case. Spanish reads the same without its accents, and a reply cannot
// hide "nineteen" behind a zero-width space.
func claimFold(s string) string {
	if isASCII(s) {
		return FoldGSM(strings.ToLower(s)) // most text: nothing to decompose
	}
	s = norm.NFKD.String(foldFractions(s)) // "33⅓" is "33 1/3", not "331/3"
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Mn, r):
			return -1
		case unicode.Is(unicode.Cf, r):
			return -1 // zero-width joiners and spaces, bidi marks
		case r == '\u2044':
			return '/' // the fraction slash NFKD makes of "½"
		}
		return unicode.ToLower(r)
	}, s)
	return FoldGSM(s)
}

// contextStopwords carry no attachment: function words of English and
// Spanish, and the words any sentence about a price, a time or an offer
// uses whatever it is about ("price", "get", "just", "our").
var contextStopwords = wordSet(`
	a an the and or but if then than so as at by for from in into of off on onto out over per to up via with within without
	through thru until till between since during
	is are was were be been being am do does did done have has had having will would shall should can could may might must
	i me my mine we us our ours you your yours he him his she her it its they them their this that these those there here
	what which who whom whose when where why how all any each every some no not nor only just also too very really still
	about around approximately roughly nearly almost under more less most least plus extra both either neither other another
	such same own again ever even much many few lot lots one ones something anything nothing everything someone anyone
	i'm i'll i'd i've we're we'll we've you're you'll you've it's that's there's here's what's let's don't doesn't
	didn't isn't aren't wasn't can't won't cannot wouldn't couldn't shouldn't
	yes yeah yep sure ok okay great good awesome perfect glad happy thanks thank please hi hello hey news question
	absolutely definitely certainly course totally right now today
	price prices priced pricing cost costs costing charge charges charged fee fees rate rates pay paid paying payment
	total amount dollar dollars buck bucks cent cents usd money worth spend flat starting start starts begin begins
	get gets got getting give gives given giving make makes made take takes took go goes going come comes came
	need needs want wants like let help offer offers offered provide provides include includes included including
	usually typically normally generally always often sometimes currently available just only
	el la los las un una unos unas de del al y o u e en con sin por para que se su sus es son esta este estos estas
	eso esa ese lo le les nos mi mis tu tus muy mas menos como cuando donde hay ser estar tiene tienen
	precio precios costo cuesta cuestan cobra cobramos tarifa pago pagar dolares dolar si claro gracias hola
`)

// contextGlossary maps the Spanish words of a trade, and the short
// forms of English ones, to the English words knowledge uses, so that
// "el técnico" and "a tech" stand where "technician" does.
var contextGlossary = map[string]string{
	"tech": "technician", "techs": "technician", "tecnico": "technician", "tecnicos": "technician",
	"appt": "appointment", "cita": "appointment", "citas": "appointment",
	"aire": "ac", "acondicionado": "ac", "calefaccion": "furnace", "horno": "furnace", "caldera": "furnace",
	"calentador": "heater", "reparacion": "repair", "reparaciones": "repair", "arreglo": "repair",
	"mantenimiento": "tune", "afinacion": "tune", "revision": "inspection", "instalacion": "install", "instalado": "install",
	"nuevo": "new", "nueva": "new", "nuevos": "new", "nuevas": "new", "sistema": "system", "sistemas": "system",
	"estimado": "estimate", "presupuesto": "estimate", "cotizacion": "estimate", "visita": "visit", "diagnostico": "diagnostic",
	"emergencia": "emergency", "emergencias": "emergency", "mayores": "senior", "veteranos": "veteran",
	"financiamiento": "financing", "mensual": "month", "mes": "month", "anual": "year", "ano": "year",
	"oficina": "office", "horario": "hour", "abierto": "open", "abiertos": "open", "cerrado": "closed",
	"piezas": "part", "mano": "labor", "obra": "labor", "llamada": "call", "viaje": "travel", "desplazamiento": "travel",
	"miembros": "member", "socios": "member", "plan": "plan",
}

// contextWords returns the words of folded text that can say what a
// claim is about, stemmed: not the stopwords, not numbers, not the claim
// vocabulary itself ("free", "discount", "tomorrow"), which the rules
// check on their own.
func contextWords(folded string) []string {
	return readWords(folded).in(0, len(folded))
}

// sentenceWords are the context words of a sentence, each with where it
// starts, so that a clause's words are taken from the sentence read once.
type sentenceWords struct {
	at    []int
	stems []string
}

func readWords(folded string) sentenceWords {
	var out sentenceWords
	for _, span := range wordSpans(folded) {
		w := strings.Trim(folded[span[0]:span[1]], "'")
		w = strings.TrimSuffix(w, "'s")
		if g, ok := contextGlossary[w]; ok {
			w = g
		}
		if len(w) < 2 || contextStopwords[w] || claimVocabulary[w] || hasDigit(w) {
			continue
		}
		out.at = append(out.at, span[0])
		out.stems = append(out.stems, english.Stem(w, false))
	}
	return out
}

// in returns the words that start between from and to.
func (w sentenceWords) in(from, to int) []string {
	var out []string
	for i, at := range w.at {
		if at >= from && at < to {
			out = append(out, w.stems[i])
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// sameWord reports whether two stemmed context words are one: equal, or
// one the start of the other when that start is long enough to be a
// word's root ("diagnost" and the Spanish "diagnostico", "instal" and
// "installation").
func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 5 && strings.HasPrefix(b, a)
}

func containsWord(set []string, w string) bool {
	for _, s := range set {
		if sameWord(s, w) {
			return true
		}
	}
	return false
}

// attachment is how the words around a claim in a reply meet those
// around the same claim in one place of the evidence.
type attachment struct {
	// covered counts the reply's words the evidence has around the
	// claim: one for a word it has only there, a half for one it also
	// puts around other values ("new" of a new system and of a new
	// furnace).
	covered float64
	// conflicts counts the reply's words the evidence puts only around
	// the same kind of claim with other values.
	conflicts float64
}

// holds reports whether the evidence's place supports the reply's claim:
// it shares a word with it, and the reply names things the evidence ties
// to other claims less than half as much as things it ties to this one.
// "A new furnace is $89" shares "furnace" with "a furnace tune-up is
// $89" but also names "new", which the evidence ties to $4,800: it does
// not hold. "Free install with any new system" shares "new system" with
// "estimates for new systems are free", but "install" is said of
// another price.
func (a attachment) holds() bool {
	return a.covered > 0 && 2*a.conflicts < a.covered
}

// attach measures the reply's words around a claim against one place in
// the evidence, given the words the evidence puts around the same kind
// of claim with other values.
func attach(reply, place []string, others []string) attachment {
	var a attachment
	for _, w := range reply {
		inOthers := containsWord(others, w)
		switch {
		case containsWord(place, w) && inOthers:
			a.covered += 0.5
		case containsWord(place, w):
			a.covered++
		case inOthers:
			a.conflicts++
		}
	}
	return a
}
