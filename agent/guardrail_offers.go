package agent

import (
	"regexp"
	"strings"
)

// This file reads offers: a price of nothing ("free", "no charge",
// "we'll waive the fee", "gratis"), a discount or promotion ("half off"
// is a percentage: percentsIn reads it), a guarantee or a promise, and how
// long a guarantee runs. Each is a claim the evidence must make about
// the same thing.

// The phrases of each offer, the one source of the phrase set that finds
// them and of the words from which a streamed reply holds a sentence back
// to check it (streamHolds). A phrase's words match with a space or a hyphen between
// them: "no charge", "no-charge".
var (
	// freeWords state a price of nothing (freeIn tells "free" as a price
	// from "feel free").
	freeWords = []string{"free", "free of charge", "complimentary", "no charge", "no extra charge", "no cost", "no extra cost",
		"at no cost", "zero cost", "on the house", "gratis", "gratuito", "gratuita", "sin costo", "sin cargo", "sin cobro",
		"de cortesia", "de regalo", "waive", "waives", "waived", "waiving", "comped", "pay nothing", "for nothing", "nada que pagar"}
	// discountWords announce a discount or promotion; discountGroups says
	// what each is, so that "coupon" is not supported by "rebate".
	discountWords = []string{"discount", "discounts", "discounted", "coupon", "coupons", "promo", "promos", "promotion",
		"promotions", "promotional", "rebate", "rebates", "on sale", "sale price", "bogo", "clearance",
		"price match", "price-match", "descuento", "descuentos", "cupon", "cupones", "promocion", "promociones", "oferta",
		"ofertas", "rebaja", "rebajas", "precio especial"}
	// guaranteeWords give a guarantee, a warranty, a refund or a promise.
	guaranteeWords = []string{"guarantee", "guarantees", "guaranteed", "guaranteeing",
		"warranty", "warranties", "warrantied", "money back", "risk free", "lifetime",
		"we promise", "i promise", "promised", "refund", "refunds", "full refund",
		"garantia", "garantias", "garantizado", "garantizada", "garantizamos", "garantizo",
		"le prometo", "te prometo", "prometemos", "prometo", "reembolso", "devolucion del dinero"}
	// forLifeWords say a guarantee has no end.
	forLifeWords = []string{"lifetime", "for life", "forever", "for as long as you own", "de por vida", "para siempre"}
)

// discountGroups are what a discount word promises.
var discountGroups = map[string]string{
	"discount": "discount", "descuento": "discount", "coupon": "coupon", "cupon": "coupon", "promo": "promo",
	"promocion": "promo", "oferta": "promo", "rebate": "rebate", "sale": "sale", "rebaja": "sale", "clearance": "sale",
	"bogo": "bogo", "match": "match", "especial": "special",
}

var (
	freePhrases = newPhraseSet(freeWords)
	// reFreeSaid states a price of nothing in a sentence rather than a
	// phrase of freeWords.
	reFreeSaid = regexp.MustCompile(
		// "no travel fee", "no diagnostic charge"
		`\bno (?:[a-z-]+ ){0,2}(?:fee|fees|charge|charges)\b` +
			// "we won't charge you", "it doesn't cost a thing", "no le cobramos"
			`|\b(?:won't|wont|will not|don't|do not|doesn't|does not|never)\s+(?:charge|bill)\s+(?:you\b|for\b|extra\b)` +
			`|\b(?:won't|wont|will not|doesn't|does not|shouldn't|should not)\s+cost\s+(?:you\s+)?(?:a thing|anything|a dime|a penny|a cent|extra|nothing)\b` +
			`|\bno (?:le|te|les) (?:vamos a |va a )?cobra[a-z]*\b|\bno cobramos\b` +
			// "we'll cover the diagnostic", "we'll eat the cost"
			`|\b(?:we'll|we will|we can|i'll|i will|i can)\s+(?:cover|eat|absorb|take care of)\s+(?:the\s+|your\s+)?(?:[a-z-]+\s+)?(?:cost|fee|charge|bill)\b`)
	// "Free" that is not a price: "feel free", "toll-free", "free to
	// call", "hands-free".
	reNotPriceFree = regexp.MustCompile(`(?:feel|toll|hands|worry|hassle|stress|trouble|care|smoke|scent|gluten|sugar|fragrance|duty|risk|leak|rust|mold|dust|lead|maintenance|pet|cruelty|clog)[ -]$`)
	reNegated      = regexp.MustCompile(`(?:n't|\bnot|\bnever|\bno|\bcannot|\bnunca|\bni)\s+(?:[\w']+\s+){0,2}$`)
)

// freeIn returns where folded text states a price of nothing: the claim
// "$0" makes, so that each supports the other, and the words the
// evidence puts around its other prices tell "free estimates" from a
// "free install".
func freeIn(s string) []claim {
	var out []claim
	found := freePhrases.find(s)
	if containsAny(s, "fee", "charg", "cost", "bill", "cobr", "cover", "eat ", "absorb", "take care") {
		found = append(found, reFreeSaid.FindAllStringIndex(s, -1)...)
	}
	for _, loc := range found {
		if overlaps(claim{at: loc}, out) {
			continue // "no charge" is a phrase and a sentence
		}
		m := s[loc[0]:loc[1]]
		before := s[max(0, loc[0]-16):loc[0]]
		after := s[loc[1]:min(len(s), loc[1]+6)]
		if strings.HasPrefix(m, "free") && m != "free of charge" &&
			(reNotPriceFree.MatchString(before) || strings.HasPrefix(after, " to ") || strings.HasPrefix(after, " up")) {
			continue
		}
		if reNegated.MatchString(before) && !strings.HasPrefix(m, "no ") {
			continue // "it isn't free", "we can't waive it"
		}
		out = append(out, claim{kind: claimMoney, value: "usd:0", at: loc})
	}
	return out
}

var (
	discountPhrases = newPhraseSet(discountWords)
	// reDiscountSaid announces a discount in a sentence rather than a
	// phrase of discountWords.
	reDiscountSaid = regexp.MustCompile(`\b2[ -](?:for|por|x)[ -]1\b|\b2x1\b|\bbuy 1,? get 1\b` +
		`|\b(?:match|beat) (?:any|their|the|your|a|competitors?'?) (?:[a-z']+ )?(?:price|quote|estimate|offer)s?\b` +
		`|\b(?:knock|take|shave) (?:[a-z$0-9%]+ ){0,3}off\b` +
		`|\b(?:lower|reduce|cut|drop) (?:the|your) (?:price|bill|quote|rate|fee)\b|\breduced (?:price|rate|fee)\b`)
	// "Special" is a promotion next to an amount or a season, or as an
	// offer: "$99 special", "tune-up special this month", "special offer".
	reSpecial       = regexp.MustCompile(`\bspecials?\b`)
	reSpecialBefore = regexp.MustCompile(`(?:\$\d[\d,.]*k?|\d+ dollars|month(?:'s|ly)?|week(?:'s|ly)?|season(?:'s|al)?|holiday|spring|summer|fall|winter)(?:\s+[\w-]+){0,3}\s+$`)
	reSpecialAfter  = regexp.MustCompile(`^\s+(?:this|for|of the|offers?|deals?|prices?|pricing|rates?|promotions?|discounts?|until|ends|going on|running)\b`)
)

// discountsIn returns where folded text announces a discount, each with
// what kind it is ("coupon", "match", "off", "special").
func discountsIn(s string) []claim {
	var out []claim
	found := discountPhrases.find(s)
	if containsAny(s, "2 for", "2-for", "2 por", "2-por", "2 x", "2x1", "buy 1", "match", "beat", " off", "reduc", "lower", "cut the", "cut your", "drop the", "drop your") {
		found = append(found, reDiscountSaid.FindAllStringIndex(s, -1)...)
	}
	for _, loc := range found {
		before := s[max(0, loc[0]-24):loc[0]]
		if reNegated.MatchString(before) {
			continue // "we don't have any coupons"
		}
		if reAmountBefore.MatchString(before) {
			continue // "a 10% discount": the amount is the claim
		}
		out = append(out, claim{kind: claimDiscount, value: discountGroup(s[loc[0]:loc[1]]), at: loc})
	}
	if !strings.Contains(s, "special") {
		return out
	}
	for _, loc := range reSpecial.FindAllStringIndex(s, -1) {
		before := s[max(0, loc[0]-40):loc[0]]
		after := s[loc[1]:min(len(s), loc[1]+20)]
		if reSpecialBefore.MatchString(before) || reSpecialAfter.MatchString(after) || strings.HasPrefix(s[loc[0]:], "specials") {
			out = append(out, claim{kind: claimDiscount, value: "special", at: loc})
		}
	}
	return out
}

// reAmountBefore is an amount that a discount word only names: "10%
// discount", "$20 discount", "10% de descuento".
var reAmountBefore = regexp.MustCompile(`(?:\d\s?%|\d (?:percent|por ciento)|\$\s?\d[\d,.]*|\d (?:dollars|dolares))\s+(?:de\s+)?$`)

// discountGroup is what a discount phrase promises.
func discountGroup(m string) string {
	m = strings.ReplaceAll(m, "-", " ")
	for _, w := range strings.Fields(m) {
		for stem, group := range discountGroups {
			if strings.HasPrefix(w, stem) {
				return group
			}
		}
	}
	switch {
	case strings.Contains(m, "2") || strings.Contains(m, "buy"):
		return "bogo"
	case strings.HasPrefix(m, "match") || strings.HasPrefix(m, "beat") || strings.Contains(m, "match"):
		return "match"
	}
	return "off" // "knock $20 off", "lower the price", "reduced rate"
}

// Guarantees and promises, and how long they run.
var (
	guaranteePhrases = newPhraseSet(guaranteeWords)
	forLifePhrases   = newPhraseSet(forLifeWords)
	reTermLength     = regexp.MustCompile(`\b(\d+)[ -](year|month|week|day|ano|mes|semana|dia)(?:s|es)?\b`)
)

// guaranteeGroup is what a guarantee word gives.
func guaranteeGroup(word string) string {
	switch {
	case strings.HasPrefix(word, "guarantee") || strings.HasPrefix(word, "garanti"):
		return "guarantee"
	case strings.HasPrefix(word, "warrant"):
		return "warranty"
	case strings.HasPrefix(word, "money") || strings.Contains(word, "refund") || strings.HasPrefix(word, "reembolso") || strings.HasPrefix(word, "devolucion"):
		return "refund"
	case strings.HasPrefix(word, "risk"):
		return "risk"
	case strings.Contains(word, "promise") || strings.Contains(word, "promet"):
		return "promise"
	}
	return word // "lifetime"
}

// guaranteesIn returns where folded text gives a guarantee. "We can't
// guarantee" gives none.
func guaranteesIn(s string) []claim {
	var out []claim
	for _, loc := range guaranteePhrases.find(s) {
		if reNegated.MatchString(s[max(0, loc[0]-24):loc[0]]) {
			continue
		}
		out = append(out, claim{kind: claimGuarantee, value: guaranteeGroup(strings.ReplaceAll(s[loc[0]:loc[1]], "-", " ")), at: loc})
	}
	return out
}

var termUnits = map[string]string{"ano": "year", "mes": "month", "semana": "week", "dia": "day"}

// termsIn returns how long the guarantees of folded, spelled-out text
// run: "2 year", and "life" for one without end.
func termsIn(s string) []claim {
	var out []claim
	for _, loc := range forLifePhrases.find(s) {
		out = append(out, claim{kind: claimTerm, value: "life", at: loc})
	}
	for _, m := range reTermLength.FindAllStringSubmatchIndex(s, -1) {
		unit := s[m[4]:m[5]]
		if u, ok := termUnits[unit]; ok {
			unit = u
		}
		out = append(out, claim{kind: claimTerm, value: s[m[2]:m[3]] + " " + unit, at: m[:2]})
	}
	return out
}
