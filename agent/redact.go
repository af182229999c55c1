package agent

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redaction marks. Each keeps enough to read the conversation ("the lead
// sent a card number") and nothing that could be used. Every mark starts
// with "[REDACTED", which is how Redact knows one it wrote before.
const (
	redactedSecret   = "[REDACTED]"
	redactedKey      = "[REDACTED key]"
	redactedSSN      = "[REDACTED ssn]"
	redactedCard     = "[REDACTED card ending "
	redactedCardPart = "[REDACTED card part]"
)

// reMark matches a mark as Redact writes it; nothing inside one is
// redacted again, so Redact(Redact(s)) is Redact(s). Only the exact forms
// count: a lead's "[REDACTED 4111 1111 1111 1111]" is no mark.
var reMark = regexp.MustCompile(`\[REDACTED(?: key| ssn| private key| card part| card ending \d{4})?\]`)

// secretPatterns match credentials by their shape. Each is replaced whole.
var secretPatterns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]*PRIVATE KEY-----|$)`), "[REDACTED private key]"},
	// OpenAI (sk-..., sk-proj-...), Stripe (sk_live_..., rk_test_...).
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{16,}`), redactedKey},
	{regexp.MustCompile(`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}`), redactedKey},
	// Twilio account and API key SIDs.
	{regexp.MustCompile(`\b(?:AC|SK)[0-9a-fA-F]{32}\b`), redactedKey},
	// AWS access key ids.
	{regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b`), redactedKey},
	// GitHub, Slack, Google API keys, JSON web tokens.
	{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})`), redactedKey},
	{regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`), redactedKey},
	{regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`), redactedKey},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), redactedKey},
}

// reBearer matches an Authorization header's credentials; the third group
// is the credential.
var reBearer = regexp.MustCompile(`(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9\-._~+/]{12,}=*)`)

// reLabelledSecret matches a secret introduced by what it is: "password:
// hunter2", `"api_key": "abc"`, "my pin is 4455", "wifi pass Blue42horse",
// "secret word is tulip". The label stays and the value goes; a value in
// quotes may hold spaces. How sure the match is depends on what joins
// label and value (see labelledSecrets).
var reLabelledSecret = regexp.MustCompile(`(?i)(?:\b|_)(` +
	`wi-?fi(?: network)?[ _-]?(?:pass(?:word|code|phrase)?|pw|key|code)|` +
	`passwords?|passwd|pwd|pw|pass[ _-]?codes?|pass[ _-]?phrases?|pins?(?: code| number)?|` +
	`secret[ _-]?(?:access[ _-]?)?key|secret(?: (?:word|code|phrase|answer))?|client[ _-]?secret|` +
	`cvv2?|cvc2?|(?:card )?security code|api[ _-]?key|access[ _-]?key(?:[ _-]?id)?|auth[ _-]?token|access[ _-]?token|refresh[ _-]?token|private[ _-]?key)` +
	`(["']?\s*[:=]\s*|\s+(?:is|was|are)\s+(?:now\s+|still\s+|just\s+)?|['’]s\s+|\s+)` +
	`("[^"\n]*"|'[^'\n]*'|[^\s,;]+)`)

// notSecrets are words that follow a secret's label in talk about it ("my
// password is not working", "password reset"), not in the secret itself.
var notSecrets = wordSet(`not wrong incorrect invalid expired locked broken lost missing forgotten forgot too still the a an
	my your our their his her its this that same different changed change reset required needed empty blank working
	for to of on in at and or but please was is be been will would should can could cannot can't doesn't isn't won't didn't
	i you we they it me manager protected recovery hint field box strength out again anymore here there what which`)

// SSNs. With separators ("123-45-6789", "123 45 6789", "123.45.6789")
// nine digits are taken for one without a cue when the Social Security
// Administration could have issued them; after a cue ("ssn", "social",
// "social security number is") nine digits in any grouping are one.
var (
	reSSN    = regexp.MustCompile(`\b(\d{3})([-. ])(\d{2})([-. ])(\d{4})\b`)
	reSSNCue = regexp.MustCompile(`(?i)\b(?:ssn|s\.s\.n\.?|ss#|ss ?no\.?|soc(?:ial)?(?: sec(?:urity)?)?(?: number| num| no\.?| #)?)` +
		`[^0-9\n]{0,24}?` +
		`(\d{3}[-. ]{0,2}\d{2}[-. ]{0,2}\d{4}|\d{3}[-. ]{1,2}\d{3}[-. ]{1,2}\d{3})\b`)
)

// Redact removes what must never be stored or logged from s: payment card
// numbers (13 to 19 digits that pass the Luhn check, run together or in
// groups separated by spaces, dashes or dots, in any script's digits; the
// last four digits stay), API keys and tokens (OpenAI, Stripe, Twilio
// SIDs, AWS, GitHub, Slack, Google, JWTs, bearer credentials, private
// keys), secrets written after a label ("password: x", "wifi pass x",
// "secret word is x"), and US Social Security numbers. It reports whether
// it changed anything. Redact(Redact(s)) is Redact(s), and text that is
// valid UTF-8 stays so.
func Redact(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	t := foldForRedaction(s)
	var found redactSpans
	for _, m := range reMark.FindAllStringIndex(t.text, -1) {
		found.keep(m[0], m[1])
	}
	for _, p := range secretPatterns {
		for _, m := range p.re.FindAllStringIndex(t.text, -1) {
			found.add(m[0], m[1], p.with)
		}
	}
	for _, m := range reBearer.FindAllStringSubmatchIndex(t.text, -1) {
		found.add(m[6], m[7], redactedSecret)
	}
	findCards(t.text, &found)
	findLabelledSecrets(t.text, &found)
	for _, m := range reSSNCue.FindAllStringSubmatchIndex(t.text, -1) {
		if d := asciiDigits(t.text[m[2]:m[3]]); plausibleSSN(d[:3], d[3:5], d[5:]) {
			found.add(m[2], m[3], redactedSSN)
		}
	}
	for _, m := range reSSN.FindAllStringSubmatchIndex(t.text, -1) {
		sub := func(i int) string { return t.text[m[2*i]:m[2*i+1]] }
		if sub(2) == sub(4) && plausibleSSN(sub(1), sub(3), sub(5)) {
			found.add(m[0], m[1], redactedSSN)
		}
	}
	out := t.apply(found)
	return out, out != s
}

// labelledSecrets finds the values after a secret's label. After ":" or
// "=" any value is one; after "is" any but a word that talks about the
// secret ("is not working"); after a bare space only a value that looks
// like a secret (a digit, a symbol, or mixed case), or any value after a
// label that is nearly always followed by one (a wifi password, a
// passcode, a PIN, a secret word).
func findLabelledSecrets(text string, found *redactSpans) {
	for _, m := range reLabelledSecret.FindAllStringSubmatchIndex(text, -1) {
		label, joint, value := text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]
		word := strings.ToLower(strings.Trim(value, `.!?)"'`))
		switch {
		case strings.ContainsAny(joint, ":="):
		case notSecrets[word] || strings.HasPrefix(value, "[REDACTED"):
			continue
		case strings.TrimSpace(joint) != "": // is, was, 's
		case !looksSecret(value) && !alwaysSecret(label):
			continue
		}
		found.add(m[6], m[7], redactedSecret)
	}
}

// alwaysSecret reports whether a label is one whose next word is the
// secret itself, however plain it looks.
func alwaysSecret(label string) bool {
	l := strings.ToLower(label)
	return strings.HasPrefix(l, "wi") || strings.HasPrefix(l, "pin") || strings.HasPrefix(l, "pass") && l != "password" &&
		l != "passwords" || strings.HasPrefix(l, "secret ")
}

// looksSecret reports whether a word has what a password has and an
// ordinary word lacks: a digit, a symbol, or a capital after its first
// letter.
func looksSecret(w string) bool {
	for i, r := range w {
		switch {
		case unicode.IsDigit(r), unicode.IsUpper(r) && i > 0:
			return true
		case !unicode.IsLetter(r) && !strings.ContainsRune(`.!?)"'-`, r):
			return true
		}
	}
	return false
}

func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// plausibleSSN applies the Social Security Administration's rules: no 000,
// 666 or 9xx area, no 00 group, no 0000 serial.
func plausibleSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// cards finds card numbers in text: within a run of digit groups, from
// each group on, the longest redactSpan of whole groups with 13 to 19 digits
// that passes the Luhn check.
func findCards(text string, found *redactSpans) {
	for _, run := range cardDigitRuns(text) {
		for i := 0; i < len(run); {
			end, digits := longestCard(text, run[i:])
			if end < 0 || !found.add(run[i].from, run[i+end].to, cardMark(digits)) {
				i++
				continue
			}
			i += end + 1
		}
	}
}

// longestCard returns the index of the last group of the longest card
// number that starts at groups[0], and its digits; -1 when none does.
func longestCard(text string, groups []redactSpan) (int, string) {
	end, digits := -1, ""
	var acc strings.Builder
	for j, g := range groups {
		acc.WriteString(text[g.from:g.to])
		if acc.Len() > 19 {
			break
		}
		if acc.Len() >= 13 && luhn(acc.String()) {
			end, digits = j, acc.String()
		}
	}
	return end, digits
}

func cardMark(digits string) string {
	return redactedCard + digits[len(digits)-4:] + "]"
}

// RedactSplitCard finds a card number a lead sent over two texts in a row:
// the digit groups that end earlier and those that begin later, joined,
// make a card number of a known brand that passes the Luhn check. It
// returns earlier with its part marked, later with its part redacted as a
// card, and whether it found one; otherwise both as they were. Both texts
// should have been through Redact: a whole card in either is a mark by
// then, and is not looked at again.
func RedactSplitCard(earlier, later string) (string, string, bool) {
	e, l := foldForRedaction(earlier), foldForRedaction(later)
	tail, head := lastDigitRun(e.text), firstDigitRun(l.text)
	if len(tail) == 0 || len(head) == 0 {
		return earlier, later, false
	}
	for _, m := range reMark.FindAllStringIndex(e.text, -1) {
		if m[0] < tail[len(tail)-1].to && tail[0].from < m[1] {
			return earlier, later, false // the digits of a card's mark
		}
	}
	bestFrom, bestTo, best := -1, -1, ""
	for from := range tail {
		var part strings.Builder
		for _, g := range tail[from:] {
			part.WriteString(e.text[g.from:g.to])
		}
		for to := range head {
			joined := part.String()
			for _, g := range head[:to+1] {
				joined += l.text[g.from:g.to]
			}
			if len(joined) > 19 {
				break
			}
			if len(joined) > len(best) && len(joined) >= 13 && knownBrand(joined) && luhn(joined) {
				bestFrom, bestTo, best = from, to, joined
			}
		}
	}
	if best == "" {
		return earlier, later, false
	}
	var first, second redactSpans
	first.add(tail[bestFrom].from, tail[len(tail)-1].to, redactedCardPart)
	second.add(head[0].from, head[bestTo].to, cardMark(best))
	return e.apply(first), l.apply(second), true
}

// lastRun returns the run of digit groups a text ends with (trailing
// spaces and punctuation aside), or nil.
func lastDigitRun(text string) []redactSpan {
	runs := cardDigitRuns(text)
	if len(runs) == 0 {
		return nil
	}
	run := runs[len(runs)-1]
	last := run[len(run)-1]
	if strings.TrimRightFunc(text[last.to:], func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) != "" {
		return nil
	}
	// A card has at most 19 digits, one at least in the other text.
	n, first := 0, len(run)
	for first > 0 && n+run[first-1].to-run[first-1].from <= 18 {
		first--
		n += run[first].to - run[first].from
	}
	return run[first:]
}

// firstRun returns the run of digit groups a text begins with (leading
// spaces aside), or nil.
func firstDigitRun(text string) []redactSpan {
	runs := cardDigitRuns(text)
	if len(runs) == 0 || strings.TrimLeftFunc(text[:runs[0][0].from], isCardSeparator) != "" {
		return nil
	}
	run := runs[0]
	n, end := 0, 0
	for end < len(run) && n+run[end].to-run[end].from <= 18 {
		n += run[end].to - run[end].from
		end++
	}
	return run[:end]
}

// knownBrand reports whether digits start and are as long as a card of a
// brand in use: Visa, Mastercard, American Express, Discover, JCB, Diners
// Club, UnionPay or Maestro. Two numbers that happen to meet across two
// texts (a ZIP code, then a phone number) rarely do.
func knownBrand(d string) bool {
	n := len(d)
	p := func(k int) int {
		v := 0
		for i := 0; i < k && i < n; i++ {
			v = v*10 + int(d[i]-'0')
		}
		return v
	}
	switch {
	case d[0] == '4':
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720:
		return n == 16
	case p(2) == 34 || p(2) == 37:
		return n == 15
	case p(4) == 6011, p(3) >= 644 && p(3) <= 649, p(2) == 65, p(2) == 62, p(4) >= 3528 && p(4) <= 3589:
		return n >= 16
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39:
		return n >= 14
	case p(2) == 50, p(2) >= 56 && p(2) <= 69:
		return n >= 12 // Maestro
	}
	return false
}

// digitRuns returns the runs of ASCII digit groups in text: groups joined
// by one to three separators (spaces of any width, dashes, dots), as
// people write card numbers.
func cardDigitRuns(text string) [][]redactSpan {
	var runs [][]redactSpan
	var run []redactSpan
	for i := 0; i < len(text); {
		if !isASCIIDigit(text[i]) {
			i++
			continue
		}
		g := redactSpan{from: i}
		for i < len(text) && isASCIIDigit(text[i]) {
			i++
		}
		g.to = i
		run = append(run, g)
		// The group continues the run when separators lead to another.
		j, seps := i, 0
		for j < len(text) && seps < 3 {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !isCardSeparator(r) {
				break
			}
			j += size
			seps++
		}
		if seps == 0 || j >= len(text) || !isASCIIDigit(text[j]) {
			runs = append(runs, run)
			run = nil
			continue
		}
		i = j
	}
	return runs
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

func isCardSeparator(r rune) bool {
	return r == '-' || r == '.' || r == '·' || r == '・' || unicode.IsSpace(r) || unicode.Is(unicode.Pd, r)
}

// luhn reports whether a string of digits passes the Luhn check.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// redactSpan is a part of a redactText text, by byte offsets, and what it becomes.
type redactSpan struct {
	from, to int
	with     string
	keep     bool // an earlier mark: stays as it is
}

// redactSpans are the parts of a text to replace, in order. They never
// overlap: the first to claim a part has it.
type redactSpans []redactSpan

func (ss *redactSpans) add(from, to int, with string) bool {
	if from >= to {
		return false
	}
	// Kept in order, so a text with many finds is not quadratic.
	i := sort.Search(len(*ss), func(i int) bool { return (*ss)[i].from >= from })
	if i > 0 && (*ss)[i-1].to > from || i < len(*ss) && (*ss)[i].from < to {
		return false
	}
	*ss = slices.Insert(*ss, i, redactSpan{from: from, to: to, with: with})
	return true
}

func (ss *redactSpans) keep(from, to int) {
	if ss.add(from, to, "") {
		i := sort.Search(len(*ss), func(i int) bool { return (*ss)[i].from >= from })
		(*ss)[i].keep = true
	}
}

// redactText is a text with every decimal digit written as an ASCII digit and
// full-width forms as ASCII ("４１１１" is "4111"), so that one set of
// patterns reads them all; at maps each byte offset of text back to the
// original's. Everything else, invalid bytes included, is copied as it is.
type redactText struct {
	orig, text string
	at         []int
}

func foldForRedaction(s string) redactText {
	var b strings.Builder
	b.Grow(len(s))
	at := make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if n, ok := narrowRune(r); ok && size > 1 {
			b.WriteRune(n)
			for k := utf8.RuneLen(n); k > 0; k-- {
				at = append(at, i)
			}
		} else {
			b.WriteString(s[i : i+size])
			for k := 0; k < size; k++ {
				at = append(at, i+k)
			}
		}
		i += size
	}
	return redactText{orig: s, text: b.String(), at: append(at, len(s))}
}

// narrow is the ASCII form of a digit in any script, of a full-width
// character, and of the ideographic space.
func narrowRune(r rune) (rune, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0, true
	case r == 0x3000:
		return ' ', true
	case r >= utf8.RuneSelf && unicode.IsDigit(r):
		// Unicode's decimal digits come in blocks of ten that start at
		// zero, some blocks back to back.
		zero := r
		for k := 0; k < 60 && unicode.IsDigit(zero-1); k++ {
			zero--
		}
		return '0' + (r-zero)%10, true
	}
	return r, false
}

// apply writes the original text with the redactSpans replaced.
func (t redactText) apply(ss redactSpans) string {
	if len(ss) == 0 {
		return t.orig
	}
	var b strings.Builder
	last := 0
	for _, s := range ss {
		from, to := t.at[s.from], t.at[s.to]
		b.WriteString(t.orig[last:from])
		if s.keep {
			b.WriteString(t.orig[from:to])
		} else {
			b.WriteString(s.with)
		}
		last = to
	}
	b.WriteString(t.orig[last:])
	return b.String()
}
