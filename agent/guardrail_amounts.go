package agent

import (
	"regexp"
	"strconv"
	"strings"
)

// This file reads amounts of money and percentages however a reply
// writes them: "$19", "19 bucks", "nineteen dollars", "€19", "USD 19",
// "diecinueve dólares", "two grand", "half price", "diez por ciento".

// numberWords are the numbers written as words, in English and Spanish
// (folded: no accents), with their values. The tens take a unit after
// them ("eighty-nine", "ochenta y nueve"); the hundreds of Spanish are
// words of their own.
var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40,
	"fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
	"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
	"ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
	"dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
	"veintiun": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
	"veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29, "treinta": 30, "cuarenta": 40,
	"cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
	"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
	"cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
	"seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
	"novecientos": 900, "novecientas": 900,
}

// numberScales multiply what comes before them: "two hundred", "dos mil",
// "two grand". "Grand" is always money, and says so when spelled out.
var numberScales = map[string]int{"hundred": 100, "thousand": 1000, "mil": 1000, "grand": 1000, "million": 1000000, "millon": 1000000, "millones": 1000000}

// startsAlone are the scales that make a number on their own: "mil
// quinientos", "hundred bucks"; "grand" alone is an opening, not money.
var startsAlone = map[string]bool{"hundred": true, "thousand": true, "mil": true}

// reNumberToken finds the words and plain numbers a spelled number is
// made of.
var reNumberToken = regexp.MustCompile(`[a-z]+|\d+(?:\.\d+)?`)

// spellNumbers writes the numbers of folded text that are spelled as
// words in digits, so that one set of patterns reads "nineteen dollars"
// and "19 dollars", "within two hours" and "within 2 hours". Words that
// do not join into one number stay apart: "five five five" is "5 5 5",
// as a phone number spelled out should be.
func spellNumbers(folded string) string {
	locs := reNumberToken.FindAllStringIndex(folded, -1)
	var b strings.Builder
	last := 0
	for i := 0; i < len(locs); {
		n, end, grand := readNumber(folded, locs, i)
		if end == i {
			i++
			continue
		}
		b.WriteString(folded[last:locs[i][0]])
		b.WriteString(strconv.Itoa(n))
		if grand {
			b.WriteString(" dollars")
		}
		last = locs[end-1][1]
		i = end
	}
	b.WriteString(folded[last:])
	return b.String()
}

// readNumber reads one spelled number from token i of locs: its value,
// the token after it, and whether it was said in "grand". It returns end
// == i when token i starts no spelled number (a bare digit run does not:
// it is already written in digits).
func readNumber(s string, locs [][]int, i int) (value, end int, grand bool) {
	tok := func(j int) string {
		if j >= len(locs) {
			return ""
		}
		return s[locs[j][0]:locs[j][1]]
	}
	// Tokens of one number are next to each other: a space or a hyphen
	// between them, nothing else.
	adjacent := func(j int) bool {
		if j+1 >= len(locs) {
			return false
		}
		gap := s[locs[j][1]:locs[j+1][0]]
		return gap == " " || gap == "-"
	}
	total, cur := 0, 0
	spelled := false
	prev := -1 // the value of the last word read, for what may follow it
	j := i
	for j < len(locs) {
		t := tok(j)
		switch v, isWord := numberWords[t]; {
		case t == "a" || t == "an":
			// "a hundred", "a grand", "a couple hundred"; not "a grand
			// opening".
			next := tok(j + 1)
			if !adjacent(j) || (numberScales[next] == 0 && next != "couple") || j != i ||
				next == "grand" && j+2 < len(locs) && s[locs[j+1][1]:locs[j+2][0]] == " " && numberWords[tok(j+2)] == 0 {
				return finish(total, cur, spelled, i, j, grand)
			}
			cur, prev = 1, 1
		case t == "couple" && adjacent(j) && numberScales[tok(j+1)] > 0:
			cur, prev = 2, 2
		case isWord && t == "ciento" && numberWords[tok(j+1)] == 0:
			// "por ciento" is a percentage; "ciento veinte" a number.
			return finish(total, cur, spelled, i, j, grand)
		case isWord:
			if prev >= 0 && !joins(prev, v) {
				return finish(total, cur, spelled, i, j, grand)
			}
			cur += v
			prev = v
			spelled = true
		case numberScales[t] > 0:
			if prev < 0 && !startsAlone[t] {
				return finish(total, cur, spelled, i, j, grand)
			}
			scale := numberScales[t]
			if scale == 100 {
				cur = max(cur, 1) * 100
			} else {
				total += max(cur, 1) * scale
				cur = 0
			}
			grand = grand || t == "grand"
			prev = scale
			spelled = true
		case isNumber(strings.ReplaceAll(t, ".", "")) && j == i && adjacent(j) && numberScales[tok(j+1)] > 0:
			// "2 grand", "3 thousand": a written number and a spelled scale.
			f, _ := strconv.ParseFloat(t, 64)
			scale := numberScales[tok(j+1)]
			total += int(f * float64(scale))
			grand = tok(j+1) == "grand"
			return total, j + 2, grand
		case (t == "and" || t == "y") && prev >= 0 && adjacent(j) && j+1 < len(locs):
			// "one hundred and fifty", "ochenta y nueve"
			if next, ok := numberWords[tok(j+1)]; !ok || !joins(prev, next) {
				return finish(total, cur, spelled, i, j, grand)
			}
		default:
			return finish(total, cur, spelled, i, j, grand)
		}
		if !adjacent(j) {
			j++
			break
		}
		j++
	}
	return finish(total, cur, spelled, i, j, grand)
}

func finish(total, cur int, spelled bool, i, j int, grand bool) (int, int, bool) {
	if !spelled {
		return 0, i, false
	}
	// A trailing "and" or "y" is not part of the number.
	return total + cur, j, grand
}

// joins reports whether a number word of value next may follow one of
// value prev in the same number: a unit after a ten ("twenty-five"),
// anything under a hundred after a hundred, under a thousand after a
// thousand.
func joins(prev, next int) bool {
	switch {
	case prev >= 1000:
		return next < 1000
	case prev >= 100 && prev%100 == 0:
		return next < 100
	case prev >= 20 && prev%10 == 0:
		return next >= 1 && next <= 9
	}
	return false
}

// Currencies, by the code a claim keeps: the symbol, code or word that
// names each. "$" and "bucks" are dollars; a reply in euros does not
// state the price the evidence gives in dollars.
var currencyNames = map[string]string{
	"$": "usd", "us$": "usd", "usd": "usd", "dollar": "usd", "dollars": "usd", "buck": "usd", "bucks": "usd",
	"dolar": "usd", "dolares": "usd", "cent": "usd", "cents": "usd", "centavo": "usd", "centavos": "usd", "¢": "usd",
	"€": "eur", "eur": "eur", "euro": "eur", "euros": "eur",
	"£": "gbp", "gbp": "gbp", "quid": "gbp", "pound": "gbp", "pounds": "gbp",
	"¥": "jpy", "jpy": "jpy", "yen": "jpy", "₹": "inr", "inr": "inr", "rupees": "inr",
	"mxn": "mxn", "mx$": "mxn", "peso": "mxn", "pesos": "mxn", "cad": "cad", "c$": "cad", "a$": "aud", "aud": "aud",
}

var (
	// "$19", "US$ 1,500.00", "€19", "$2k", "$5 mil"; "USD 19".
	reMoneyBefore = regexp.MustCompile(`([$€£¥₹])\s?(\d(?:[\d,.]*\d)?)(?:\s?(k|mil|grand|thousand|million|m)\b)?`)
	reCodeBefore  = regexp.MustCompile(`\b(usd|eur|gbp|mxn|cad|aud|inr|jpy)\s?(\d(?:[\d,.]*\d)?)(?:\s?(k|mil|grand|thousand|million|m)\b)?`)
	// "19 dollars", "19 bucks", "19€", "19,00 €", "89 dolares", "99 cents", "2k USD".
	reMoneyAfter = regexp.MustCompile(`\b(\d(?:[\d,.]*\d)?)(?:\s?(k|grand|thousand|million))?\s?(\$|€|£|¥|₹|¢|\b(?:usd|eur|gbp|mxn|cad|aud|inr|jpy|dollars?|bucks?|euros?|dolares|dolar|pesos?|cents?|centavos?|quid|pounds|rupees|yen)\b)`)
	// A bare number a price word gives away: "it costs 89", "the fee
	// is 120", "cuesta 89". The word after it tells a price from a
	// count ("costs 2 visits").
	reMoneyBare = regexp.MustCompile(`\b(?:costs?|cost is|priced at|price is|charges?|charging|fee is|runs you|total is|for only|cuesta|cuestan|precio es|cobramos|le cobramos|te cobramos)\s+(?:about |around |only |just |approximately |roughly )?(\d(?:[\d,.]*\d)?)(k)?(\s+[a-z]+|\s*[%:/]|[ -]\d+/|)`)
)

// notPriceUnits follow a bare number that counts something else.
var notPriceUnits = wordSet(`percent am pm a p years year months month weeks week days day hours hour hrs hr minutes minute
	mins min times time people person units unit tons ton gallons gallon sq square feet foot ft inch inches bedrooms bedroom
	rooms room of or to and visits visit systems system anos meses dias horas minutos veces`)

// moneyIn returns the amounts of money in folded, spelled-out text
// (spellNumbers), as "usd:89", "eur:19", "usd:0.99", with where each is.
func moneyIn(s string) []claim {
	if !hasDigit(s) {
		return nil // spellNumbers wrote every amount in digits
	}
	var out []claim
	seen := map[int]bool{}
	add := func(cur, num, mult string, at []int) {
		v, ok := parseAmount(num)
		if !ok || seen[at[0]] {
			return
		}
		switch mult {
		case "k", "mil", "grand", "thousand":
			v *= 1000
		case "million", "m":
			v *= 1000000
		}
		if cur == "cent" || cur == "cents" || cur == "centavo" || cur == "centavos" || cur == "¢" {
			v /= 100
		}
		seen[at[0]] = true
		out = append(out, claim{kind: claimMoney, value: currencyNames[cur] + ":" + formatAmount(v), at: at})
	}
	symbol := strings.ContainsAny(s, "$€£¥₹¢")
	code := containsAny(s, "usd", "eur", "gbp", "mxn", "cad", "aud", "inr", "jpy")
	if symbol {
		for _, m := range reMoneyBefore.FindAllStringSubmatchIndex(s, -1) {
			cur := s[m[2]:m[3]]
			if cur == "$" { // "US$", "MX$", "C$", "A$"
				for _, p := range []string{"us", "mx", "c", "a"} {
					if strings.HasSuffix(s[:m[2]], p) && (len(s[:m[2]]) == len(p) || !isLetter(s[m[2]-len(p)-1])) {
						cur = p + "$"
						break
					}
				}
			}
			add(cur, s[m[4]:m[5]], sub(s, m, 3), m[:2])
		}
	}
	if code {
		for _, m := range reCodeBefore.FindAllStringSubmatchIndex(s, -1) {
			add(s[m[2]:m[3]], s[m[4]:m[5]], sub(s, m, 3), m[:2])
		}
	}
	if symbol || code || containsAny(s, "dollar", "buck", "euro", "peso", "dolar", "cent", "quid", "pound", "rupee", "yen") {
		for _, m := range reMoneyAfter.FindAllStringSubmatchIndex(s, -1) {
			add(s[m[6]:m[7]], s[m[2]:m[3]], sub(s, m, 2), m[:2])
		}
	}
	if !containsAny(s, "cost", "price", "charg", "fee is", "runs you", "total is", "for only", "cuest", "precio", "cobramos") {
		return out
	}
	for _, m := range reMoneyBare.FindAllStringSubmatchIndex(s, -1) {
		next := strings.TrimSpace(sub(s, m, 3))
		if notPriceUnits[next] || strings.ContainsAny(next, "%:/") {
			continue
		}
		add("$", s[m[2]:m[3]], sub(s, m, 2), []int{m[2], m[3]})
	}
	return out
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }

// sub is the n-th submatch of m in s, or "".
func sub(s string, m []int, n int) string {
	if 2*n+1 >= len(m) || m[2*n] < 0 {
		return ""
	}
	return s[m[2*n]:m[2*n+1]]
}

// parseAmount reads "1,500", "1,500.00", "19,00" (a decimal comma),
// "1.500" (a thousands point) and "7.5".
func parseAmount(n string) (float64, bool) {
	comma, point := strings.LastIndex(n, ","), strings.LastIndex(n, ".")
	switch {
	case comma >= 0 && point >= 0:
		if comma > point { // "1.500,00"
			n = strings.ReplaceAll(n, ".", "")
			n = strings.Replace(n, ",", ".", 1)
		} else {
			n = strings.ReplaceAll(n, ",", "")
		}
	case comma >= 0:
		if reThousands.MatchString(n) {
			n = strings.ReplaceAll(n, ",", "")
		} else {
			n = strings.Replace(n, ",", ".", 1)
		}
	case point >= 0 && reThousandsPoint.MatchString(n):
		n = strings.ReplaceAll(n, ".", "")
	}
	v, err := strconv.ParseFloat(n, 64)
	return v, err == nil
}

var (
	reThousands      = regexp.MustCompile(`^\d{1,3}(?:,\d{3})+$`)
	reThousandsPoint = regexp.MustCompile(`^\d{1,3}(?:\.\d{3})+$`)
)

func formatAmount(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// normalizeNumber writes a number without thousands separators or
// trailing zero decimals.
func normalizeNumber(n string) string {
	if v, ok := parseAmount(n); ok {
		return formatAmount(v)
	}
	return n
}

var (
	rePercentage = regexp.MustCompile(`\b(\d+(?:[.,]\d+)?(?:[ -]\d/\d{1,2})?)\s?(?:%|percent\b|per cent\b|pct\b|por ?ciento\b)`)
	// Half, a quarter or a number off without its sign: "half price",
	// "half off", "a mitad de precio", "50 off".
	reHalfOff    = regexp.MustCompile(`\bhalf[ -](?:off|price|priced)\b|\bhalf (?:the|of the) (?:price|cost)\b|\b(?:a |la )?mitad de(?:l)? precio\b|\bal 50\b`)
	reQuarterOff = regexp.MustCompile(`\ba quarter off\b`)
	reBareOff    = regexp.MustCompile(`(?:^|[^$€£¥\d.,])\b(\d{1,2})\s+off\b`)
)

// percentsIn returns the percentages of folded, spelled-out text: "10",
// and "50" for half price.
func percentsIn(s string) []claim {
	if !hasDigit(s) && !strings.Contains(s, "half") && !strings.Contains(s, "mitad") && !strings.Contains(s, "quarter") {
		return nil
	}
	var out []claim
	if strings.Contains(s, "%") || containsAny(s, "percent", "per cent", "pct", "ciento") {
		for _, m := range rePercentage.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, claim{kind: claimPercent, value: normalizeNumber(s[m[2]:m[3]]), at: m[:2]})
		}
	}
	if containsAny(s, "half", "mitad", "al 50") {
		for _, m := range reHalfOff.FindAllStringIndex(s, -1) {
			out = append(out, claim{kind: claimPercent, value: "50", at: m})
		}
	}
	if strings.Contains(s, "quarter off") {
		for _, m := range reQuarterOff.FindAllStringIndex(s, -1) {
			out = append(out, claim{kind: claimPercent, value: "25", at: m})
		}
	}
	if strings.Contains(s, " off") {
		for _, m := range reBareOff.FindAllStringSubmatchIndex(s, -1) {
			out = append(out, claim{kind: claimPercent, value: normalizeNumber(s[m[2]:m[3]]), at: []int{m[2], m[1]}})
		}
	}
	return out
}
