package agent

import (
	"regexp"
	"strings"
)

// Redaction marks. Each keeps enough to read the conversation ("the lead
// sent a card number") and nothing that could be used.
const (
	redactedSecret = "[REDACTED]"
	redactedKey    = "[REDACTED key]"
	redactedSSN    = "[REDACTED ssn]"
	redactedCard   = "[REDACTED card ending "
)

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

// reBearer matches an Authorization header's credentials.
var reBearer = regexp.MustCompile(`(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9\-._~+/]{12,}=*`)

// reLabelledSecret matches a secret introduced by what it is ("password:
// hunter2", "api_key=abc", "aws_secret_access_key = x", "my pin is 4455");
// the label stays, the value
// goes. A value in quotes may hold spaces.
var reLabelledSecret = regexp.MustCompile(`(?i)(\b|_)(passwords?|passwd|pwd|pass ?codes?|pin(?: code| number)?|secret(?:[ _-]?(?:access[ _-]?)?key)?|client[ _-]?secret|api[ _-]?key|access[ _-]?key(?:[ _-]?id)?|auth[ _-]?token|access[ _-]?token|refresh[ _-]?token|private[ _-]?key)(\s*[:=]\s*|\s+is\s+)("[^"]*"|'[^']*'|[^\s,;]+)`)

// SSNs written with separators ("123-45-6789", "123 45 6789"), and plain
// nine digits right after "SSN" or "social security".
var (
	reSSN         = regexp.MustCompile(`\b(\d{3})[- ](\d{2})[- ](\d{4})\b`)
	reSSNLabelled = regexp.MustCompile(`(?i)\b(ssn|ss#|social security(?: number| no\.?| #)?|social)(\W{0,3}(?:is\W{1,2})?)(\d{9})\b`)
)

// reDigitRun matches digits in groups separated by single spaces or
// dashes, where a card number hides.
var reDigitRun = regexp.MustCompile(`\d+(?:[ -]\d+)*`)

// Redact removes what must never be stored or logged from s: payment card
// numbers (13 to 19 digits, spaced or dashed or not, that pass the Luhn
// check; the last four digits stay), API keys and tokens (OpenAI, Stripe,
// Twilio SIDs, AWS, GitHub, Slack, Google, JWTs, bearer credentials,
// private keys), secrets written after a label ("password: x"), and US
// Social Security numbers. It reports whether it changed anything.
// Redact(Redact(s)) is Redact(s).
func Redact(s string) (string, bool) {
	out := redactCards(s)
	for _, p := range secretPatterns {
		out = p.re.ReplaceAllString(out, p.with)
	}
	out = reBearer.ReplaceAllString(out, "${1}${2}"+redactedSecret)
	out = reLabelledSecret.ReplaceAllStringFunc(out, func(m string) string {
		sub := reLabelledSecret.FindStringSubmatch(m)
		if strings.HasPrefix(sub[4], "[REDACTED") {
			return m // a key pattern above got it already
		}
		return sub[1] + sub[2] + sub[3] + redactedSecret
	})
	out = reSSN.ReplaceAllStringFunc(out, func(m string) string {
		sub := reSSN.FindStringSubmatch(m)
		if !plausibleSSN(sub[1], sub[2], sub[3]) {
			return m
		}
		return redactedSSN
	})
	out = reSSNLabelled.ReplaceAllString(out, "${1}${2}"+redactedSSN)
	return out, out != s
}

// plausibleSSN applies the Social Security Administration's rules: no 000,
// 666 or 9xx area, no 00 group, no 0000 serial.
func plausibleSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// redactCards replaces each card number in s by its mark. Within a run of
// digit groups it looks, from each group on, for the longest span of whole
// groups with 13 to 19 digits that passes the Luhn check.
func redactCards(s string) string {
	runs := reDigitRun.FindAllStringIndex(s, -1)
	if len(runs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, run := range runs {
		text := s[run[0]:run[1]]
		if digitCount(text) < 13 {
			continue
		}
		groups := digitGroups(text)
		for i := 0; i < len(groups); {
			end, digits := -1, ""
			acc := ""
			for j := i; j < len(groups); j++ {
				acc += text[groups[j][0]:groups[j][1]]
				if len(acc) > 19 {
					break
				}
				if len(acc) >= 13 && luhn(acc) {
					end, digits = j, acc
				}
			}
			if end < 0 {
				i++
				continue
			}
			from, to := run[0]+groups[i][0], run[0]+groups[end][1]
			b.WriteString(s[last:from])
			b.WriteString(redactedCard + digits[len(digits)-4:] + "]")
			last = to
			i = end + 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// digitGroups returns the byte spans of the digit groups in a run.
func digitGroups(run string) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i < len(run); i++ {
		isDigit := run[i] >= '0' && run[i] <= '9'
		switch {
		case isDigit && start < 0:
			start = i
		case !isDigit && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(run)})
	}
	return out
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
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
