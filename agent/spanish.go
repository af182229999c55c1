package agent

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/kljensen/snowball/spanish"
)

// A lead may write in Spanish, or mix it with English ("hola! cuanto
// cuesta un techo de metal? the standing seam kind"), and the knowledge
// is in English. Such a message is read by the words the knowledge can
// meet: Spanish function words (Snowball's Spanish stop list) name no
// topic, and a word that is neither English nor the knowledge's own
// ("techo", "esposo") says nothing an English passage could be found by,
// so it weighs little rather than making the message look like one about
// something the business never mentions.

// spanishStop reports whether w, lower case and maybe written without its
// accents ("esta", "que", "donde"), is a Spanish function word.
func spanishStop(w string) bool {
	w = claimFold(w)
	if spanish.IsStopWord(w) {
		return true
	}
	// The stop list writes accents; leads often leave them out: try
	// each vowel accented.
	for i := 0; i < len(w); i++ {
		if a, ok := accented[w[i]]; ok && spanish.IsStopWord(w[:i]+a+w[i+1:]) {
			return true
		}
	}
	return false
}

var accented = map[byte]string{'a': "á", 'e': "é", 'i': "í", 'o': "ó", 'u': "ú"}

// nameParticles are Spanish function words that also open English place
// and brand names ("Las Vegas", "El Paso", "De Soto"): alone they do not
// make a message Spanish.
var nameParticles = wordSet(`la el los las de del lo san`)

// isSpanish reports whether a normalised message is written in Spanish,
// at least in part: two or more Spanish function words that are not
// English ones, one of them more than a particle of a name.
func isSpanish(norm string) bool {
	seen := map[string]bool{}
	strong := false
	for _, w := range words(norm) {
		if seen[w] || isStop(w) || !spanishStop(w) {
			continue
		}
		seen[w] = true
		strong = strong || !nameParticles[w]
	}
	return len(seen) >= 2 && strong
}

// foreignWeight scales the weight of a word of a Spanish message that
// neither English nor the knowledge has.
const foreignWeight = 0.05

// withoutSpanishStops drops the Spanish function words of a Spanish
// message's terms, and of any phrase they are part of.
func withoutSpanishStops(ts []term) []term {
	return slices.DeleteFunc(ts, func(t term) bool { return slices.ContainsFunc(strings.Fields(t.word), spanishStop) })
}

// weighForeign lowers, in a Spanish message, the weight of each word
// that the lexicon does not know, no chunk of the knowledge holds (idf 1)
// and no retrieved unit meets as a cognate or a likely typo. It also
// reports whether the question still names what it asks about in words
// that can be read: a word of the question proper, not a cue, that is
// not foreign. "¿cuánto cobran por una limpieza?" names its subject only
// in Spanish, and a price of something else is no answer to it.
func weighForeign(q question, idf []float64, units [][]unit) (question, bool) {
	if !q.spanish || idf == nil {
		return q, true
	}
	ts := append([]term(nil), q.terms...)
	readable := q.fact() != kindAny
	for i, t := range ts {
		foreign := !t.known && !t.phrase && idf[i] >= 1 && !anyMeets(units, t)
		if foreign {
			ts[i].weight *= foreignWeight
		}
		readable = readable || !foreign && !t.cue && !t.aside && !t.background && !t.phrase
	}
	q.terms = ts
	return q, readable
}

// cognates gives each word of a Spanish message that English does not
// know the stem Snowball's Spanish stemmer finds, when it is long enough
// to be the same word in English ("reservar" and "reserve", "dentista"
// and "dentist"): it meets the English word's key in full.
func cognates(ts []term) {
	for i, t := range ts {
		if t.known || t.phrase || strings.Contains(t.word, " ") {
			continue
		}
		// The Spanish stem may keep a vowel the English one drops
		// ("financi" of "financiamiento", "financ" of "financing").
		st := spanish.Stem(claimFold(t.word), true)
		for _, k := range []string{st, strings.TrimRight(st, "aeiou")} {
			if len(k) >= minCognate && k != t.key && !slices.Contains(ts[i].implied, k) {
				ts[i].implied = append(ts[i].implied, k)
			}
		}
	}
}

// minCognate is the shortest Spanish stem taken for an English key:
// shorter ones meet unrelated words ("techo", a roof, is not "tech").
const minCognate = 5

// spanishFrames are the closed class of Spanish words and phrases that
// frame a question (how much, where, how long, when), as English words
// that frame it the same way; what the question is about stays the
// lead's.
var spanishFrames = []struct {
	re *regexp.Regexp
	en string
}{
	{regexp.MustCompile(`\b(?:con )?cuanto tiempo (?:de |con )?(?:antes|anticipacion)\b`), "how far ahead"},
	{regexp.MustCompile(`\bcuanto (?:tiempo|tarda|tardan|dura|duran)\b`), "how long"},
	{regexp.MustCompile(`\bcuanto (?:cuesta|cuestan|cobran|cobra|sale|salen|vale|valen|es|son|seria|costaria)\b|\bcuanto\b`), "how much does it cost"},
	{regexp.MustCompile(`\b(?:que )?(?:precio|precios|costo|costos|tarifa|tarifas)\b`), "price"},
	{regexp.MustCompile(`\bdonde (?:esta|estan|queda|quedan|se encuentra|se encuentran)(?: ubicad[oa]s?)?(?: (?:la|el|su) (?:oficina|tienda|taller|clinica|local|negocio))?\b`), "where are you located"},
	{regexp.MustCompile(`\bdonde\b`), "where"},
	{regexp.MustCompile(`\b(?:a )?que hora\b|\bcuando\b`), "when"},
	{regexp.MustCompile(`\bhorarios?\b`), "hours"},
	{regexp.MustCompile(`\b(?:el |los )?fin(?:es)? de semana\b`), "weekends"},
	{regexp.MustCompile(`\b(?:abren|abierto|abiertos)\b`), "open"},
}

// reSpanishDay is a day of the week in Spanish, with its article ("el
// sabado"), as the guardrails read it (spanishWeekdays).
var reSpanishDay = regexp.MustCompile(`\b(?:(?:el|los) )?(` + strings.Join(slices.Sorted(maps.Keys(spanishWeekdays)), "|") + `)\b`)

// englishFrames writes a Spanish message's question frames and days in
// English.
func englishFrames(norm string) string {
	norm = claimFold(norm)
	for _, f := range spanishFrames {
		norm = f.re.ReplaceAllString(norm, f.en)
	}
	return reSpanishDay.ReplaceAllStringFunc(norm, func(m string) string {
		return spanishWeekdays[reSpanishDay.FindStringSubmatch(m)[1]]
	})
}
