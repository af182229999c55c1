package agent

import (
	"regexp"
	"strings"
)

// This file reads the places a reply may send a lead: phone numbers,
// links, email addresses, handles and ways to pay. A reply gives only
// those the evidence or the business's details give; a number or link
// from anywhere else (a lead's message that asked the model to pass it
// on) is not the business's to give.

var (
	// Phone numbers: North American with or without the country code,
	// seven digits, international, and a number spelled out one digit at
	// a time ("5 5 5 0 1 9 9" once spellNumbers has read "five five
	// five ...").
	rePhoneNANP    = regexp.MustCompile(`(?:\+?\b1[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.-]?\d{3}[\s.-]?\d{4}\b`)
	rePhoneLocal   = regexp.MustCompile(`(?:^|[^\d\s.(),$-])\s*\b(\d{3}[\s.-]\d{4})\b`)
	rePhoneIntl    = regexp.MustCompile(`\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}\d`)
	rePhoneSpelled = regexp.MustCompile(`\b\d(?:(?:[\s,.-]{1,2}|\s(?:dash|-)\s)\d\b){6,14}`)
	// "1-800-FIX-HVAC": a number in letters.
	rePhoneVanity = regexp.MustCompile(`\b(?:1[\s.-])?8(?:00|33|44|55|66|77|88)-[a-z0-9]{3}-[a-z0-9]{4}\b`)
	// A run of digits long enough to dial or to be a card: "4111 1111
	// 1111 1111", "3035550142".
	reLongDigits = regexp.MustCompile(`\b\d{10,19}\b|\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{1,7}\b`)

	reURL = regexp.MustCompile(`\b(?:https?|hxxps?|ftp)://[^\s<>"']+|\bwww\.[^\s<>"']+|\b(?:tel|sms|mailto|wa\.me|t\.me):[^\s<>"']+`)
	// A bare domain, "evil.example/x", with a top-level domain from the
	// list, so that "e.g." and "a.m." are not domains.
	reDomain = regexp.MustCompile(`\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|co|us|info|biz|app|dev|ly|me|ai|xyz|site|online|shop|store|link|click|top|ru|cn|de|uk|ca|mx|es|gov|edu|tk|ml|ga|cf|gq|to|cc|gl|gd|be|example|live|pro|pay|cash|money|win|vip|icu|buzz|pw|ws|su|in|tv)\b(?:/[^\s<>"']*)?`)
	// "evil dot com", "evil [dot] com", "evil(.)com": a domain written to
	// slip past a link check.
	reDomainSpelled = regexp.MustCompile(`\b([a-z0-9-]+)\s*(?:\(dot\)|\[dot\]|\{dot\}|\[\.\]|\(\.\)| dot )\s*(com|net|org|io|co|us|info|biz|app|xyz|site|online|ly|me|example)\b`)
	reEmail         = regexp.MustCompile(`[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)
	reEmailSpelled  = regexp.MustCompile(`\b([a-z0-9._-]+)\s*(?:\(at\)|\[at\]|\{at\}| at )\s*([a-z0-9-]+)\s*(?:\(dot\)|\[dot\]|\[\.\]| dot |\.)\s*([a-z]{2,})\b`)
	reHandle        = regexp.MustCompile(`(?:^|[\s(])@([a-z0-9_.-]{3,})`)
	// Ways to pay a business does not use unless its knowledge says so:
	// they are how a lead is talked into paying someone else.
	rePayChannel = regexp.MustCompile(`\b(zelle|venmo|cash ?app|paypal|gift ?cards?|itunes cards?|google play cards?|wire (?:transfer|it|(?:the |your |a )?(?:money|payment|deposit|funds|balance))|western union|moneygram|bitcoin|btc|crypto(?:currency)?|usdt|ethereum|tarjetas? de regalo|transferencia)\b`)
)

// contactsIn returns the phone numbers, links, emails, handles and ways
// to pay in folded, spelled-out text, each as the value evidence is
// compared on: digits, host and path, address, handle, name.
func contactsIn(s string) []claim {
	var out []claim
	add := func(kind claimKind, value string, at []int) {
		if value != "" {
			out = append(out, claim{kind: kind, value: value, at: at})
		}
	}
	taken := func(at []int) bool {
		for _, c := range out {
			if at[0] < c.at[1] && c.at[0] < at[1] {
				return true
			}
		}
		return false
	}
	// Each pattern runs only on text that could hold what it finds: the
	// evidence is read sentence by sentence, and most sentences hold
	// no address at all.
	if strings.Contains(s, "@") {
		for _, m := range reEmail.FindAllStringIndex(s, -1) {
			add(claimEmail, s[m[0]:m[1]], m)
		}
	}
	if hasInnerDot(s) || strings.Contains(s, ":") {
		for _, re := range []*regexp.Regexp{reURL, reDomain} {
			for _, m := range re.FindAllStringIndex(s, -1) {
				if !taken(m) {
					add(claimLink, linkKey(s[m[0]:m[1]]), m)
				}
			}
		}
	}
	if strings.Contains(s, "dot") || strings.Contains(s, "[.]") || strings.Contains(s, "(.)") {
		for _, m := range reDomainSpelled.FindAllStringSubmatchIndex(s, -1) {
			if !taken(m[:2]) {
				add(claimLink, sub(s, m, 1)+"."+sub(s, m, 2), m[:2])
			}
		}
	}
	// "billing at evil dot com": after the links, so that "book at
	// ridgelinehvac.example/book" is a link.
	if strings.Contains(s, " at ") || strings.Contains(s, "(at)") || strings.Contains(s, "[at]") {
		for _, m := range reEmailSpelled.FindAllStringSubmatchIndex(s, -1) {
			if !taken(m[:2]) && sub(s, m, 2) != "the" {
				add(claimEmail, sub(s, m, 1)+"@"+sub(s, m, 2)+"."+sub(s, m, 3), m[:2])
			}
		}
	}
	if countDigits(s) >= 7 {
		for _, re := range []*regexp.Regexp{rePhoneIntl, rePhoneNANP, rePhoneVanity, reLongDigits, rePhoneSpelled} {
			for _, m := range re.FindAllStringIndex(s, -1) {
				if !taken(m) {
					add(claimPhone, phoneKey(s[m[0]:m[1]]), m)
				}
			}
		}
		for _, m := range rePhoneLocal.FindAllStringSubmatchIndex(s, -1) {
			if !taken(m[2:4]) {
				add(claimPhone, phoneKey(sub(s, m, 1)), m[2:4])
			}
		}
	} else if strings.Contains(s, "-") && hasDigit(s) {
		for _, m := range rePhoneVanity.FindAllStringIndex(s, -1) {
			add(claimPhone, phoneKey(s[m[0]:m[1]]), m)
		}
	}
	if strings.Contains(s, "@") {
		for _, m := range reHandle.FindAllStringSubmatchIndex(s, -1) {
			if !taken(m[2:4]) {
				add(claimHandle, strings.TrimRight(sub(s, m, 1), "._-"), m[2:4])
			}
		}
	}
	for _, m := range rePayChannel.FindAllStringSubmatchIndex(s, -1) {
		add(claimPayWith, strings.ReplaceAll(sub(s, m, 1), " ", ""), m[:2])
	}
	return out
}

// hasInnerDot reports whether s has a dot between a letter or digit and
// a letter, as a domain does ("evil.example"), unlike the end of a
// sentence.
func hasInnerDot(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '.' && isAlnum(s[i-1]) && s[i+1] >= 'a' && s[i+1] <= 'z' {
			return true
		}
	}
	return false
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// linkKey is a link as compared with the evidence's: host and path, no
// scheme, no "www.", no trailing punctuation.
func linkKey(link string) string {
	link = strings.TrimRight(link, ".,;:!?)]}'\"")
	if i := strings.Index(link, "://"); i >= 0 {
		link = link[i+3:]
	} else if i := strings.IndexByte(link, ':'); i >= 0 && !strings.Contains(link[:i], ".") {
		link = link[i+1:] // tel:, sms:, mailto:
	}
	link = strings.TrimPrefix(link, "www.")
	return strings.TrimRight(link, "/")
}

// linkHost is the host of a linkKey.
func linkHost(key string) string {
	host, _, _ := strings.Cut(key, "/")
	host, _, _ = strings.Cut(host, "?")
	return host
}

// phoneKey is a phone number's digits without the North American
// country code; letters of a vanity number count as their keys.
func phoneKey(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteByte(phoneKeypad[r-'a'])
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) < 7 {
		return ""
	}
	return d
}

// phoneKeypad is the digit of each letter on a phone's keypad.
const phoneKeypad = "22233344455566677778889999"

// contactSupported reports whether the evidence gives the contact c: the
// same number (a seven-digit one as the end of a longer), the same link
// (a bare host when the evidence links to a page of it), the same email
// address, handle or way to pay.
func (idx *evidenceIndex) contactSupported(c claim) bool {
	if len(idx.byKey[c.key()]) > 0 {
		return true
	}
	switch c.kind {
	case claimPhone:
		if len(c.value) == 7 {
			for _, p := range idx.values[claimPhone] {
				if strings.HasSuffix(p, c.value) {
					return true
				}
			}
		}
	case claimLink:
		if !strings.ContainsAny(c.value, "/?") {
			for _, l := range idx.values[claimLink] {
				if linkHost(l) == c.value {
					return true
				}
			}
			for _, e := range idx.values[claimEmail] {
				if _, host, _ := strings.Cut(e, "@"); host == c.value {
					return true
				}
			}
		}
	case claimPayWith:
		return strings.Contains(strings.ReplaceAll(idx.lower, " ", ""), c.value)
	}
	return false
}
