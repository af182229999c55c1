package agent

import (
	"testing"

	"github.com/leadagent/leadagent/lexicon"
)

func TestIsSpanish(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"hola! cuanto cuesta un techo de metal? the standing seam kind", true},
		{"donde esta la oficina?", true},
		{"hola, tienen agentes que hablen español? mis papás only speak a little english", true},
		{"cuánto tiempo antes tengo que reservar?", true},
		{"how much is a tune up?", false},
		// Particles of names alone are not Spanish.
		{"do you go out to Las Vegas or El Paso?", false},
		{"is the office near La Jolla, by the De Anza hotel?", false},
		// "a", "no", "me", "he" are English too.
		{"no, he told me a price already", false},
	} {
		if got := isSpanish(normalize(tc.text)); got != tc.want {
			t.Errorf("isSpanish(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestSpanishStop(t *testing.T) {
	t.Parallel()
	for w, want := range map[string]bool{"que": true, "qué": true, "esta": true, "está": true, "donde": true, "mis": true,
		"metal": false, "techo": false, "standing": false} {
		if got := spanishStop(w); got != want {
			t.Errorf("spanishStop(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestEnglishFrames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"cuánto cuesta un techo de metal?", "how much does it cost un techo de metal?"},
		{"cuanto cobran por una limpieza", "how much does it cost por una limpieza"},
		{"donde esta la oficina?", "where are you located?"},
		{"donde estan ubicados", "where are you located"},
		{"cuanto tiempo tarda?", "how long tarda?"},
		{"con cuanto tiempo de anticipacion hay que reservar", "how far ahead hay que reservar"},
		{"a que hora abren el sabado", "when open saturday"},
		{"cual es su horario", "cual es su hours"},
		{"abren los sabados o el domingo?", "open saturday o sunday?"},
	} {
		if got := englishFrames(tc.in); got != tc.want {
			t.Errorf("englishFrames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCognates: a Spanish word English does not know meets the English
// word it shares a long stem with, and a short stem meets nothing.
func TestCognates(t *testing.T) {
	t.Parallel()
	q := readQuestion(lexicon.Default(), "hola, cuanto tiempo antes tengo que reservar? mi techo")
	got := map[string][]string{}
	for _, tm := range q.terms {
		got[tm.word] = tm.implied
	}
	if imp := got["reservar"]; len(imp) != 1 || imp[0] != "reserv" {
		t.Errorf("reservar implies %q, want [reserv]", imp)
	}
	if imp := got["techo"]; len(imp) != 0 {
		t.Errorf("techo implies %q, want nothing", imp)
	}
	for _, w := range []string{"que", "tengo", "mi"} {
		if _, ok := got[w]; ok {
			t.Errorf("Spanish function word %q is a term", w)
		}
	}
}

// TestOfflineSpanish: a message in Spanish, or mixing it with English, is
// answered from the English knowledge by its question words, its English
// words and its cognates; one whose subject none of them names is not.
func TestOfflineSpanish(t *testing.T) {
	t.Parallel()
	runTurnCases(t, bikeShopResponder(t), []turnCase{
		{name: "a price", text: "hola! cuanto cuesta un tune-up para mi e-bike?",
			outcome: OutcomeAnswered, contains: []string{"$129"}},
		{name: "where", text: "hola, donde esta la tienda? queremos llevar la bici",
			outcome: OutcomeAnswered, contains: []string{"418 Alder St."}},
		{name: "how long", text: "cuanto tiempo tarda el full overhaul? es para mi bici",
			outcome: OutcomeAnswered, contains: []string{"5 business days"}},
		{name: "nothing the knowledge can meet", text: "hola, cuanto cuesta pintar mi bicicleta de otro color?",
			outcome: OutcomeUnknown, not: []string{"$"}},
		{name: "nothing the knowledge can meet, no price asked", text: "buenas tardes, ustedes venden cascos para niños?",
			outcome: OutcomeUnknown},
	})
}

// TestSpanishParts: each question of a Spanish message is read as
// Spanish, though one alone may not look it once its question words are
// English ("hola buenas noches, where are you located?").
func TestSpanishParts(t *testing.T) {
	t.Parallel()
	lex := lexicon.Default()
	q := readQuestion(lex, "hola buenas noches, donde esta la oficina? es en downtown atlanta?")
	parts := questionParts(q.text)
	if !q.spanish || len(parts) != 2 {
		t.Fatalf("spanish %v, parts %q", q.spanish, parts)
	}
	if readQuestion(lex, parts[0]).spanish {
		t.Fatalf("%q alone reads as Spanish: the test needs a part that does not", parts[0])
	}
	if !readQuestionIn(lex, parts[0], q.spanish).spanish {
		t.Errorf("%q of a Spanish message is not read as Spanish", parts[0])
	}
}
