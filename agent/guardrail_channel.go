package agent

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	reMarkdownLink  = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^)\s]+)\)`)
	reLineHeading   = regexp.MustCompile(`^\s*#{1,6}\s+`)
	reLineItem      = regexp.MustCompile(`^\s*(?:[-*+\x{2022}]|\d{1,3}[.)])\s+`)
	reLineQuote     = regexp.MustCompile(`^\s*>+\s?`)
	reTableLine     = regexp.MustCompile(`^\s*\|.*\|\s*$`)
	reCodeFence     = regexp.MustCompile("^\\s*```")
	reSpaceBeforeP  = regexp.MustCompile(`\s+([,.;:!?])`)
	reManySpaces    = regexp.MustCompile(`[ \t]+`)
	reReplyURL      = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>()]+[^\s<>().,;:!?'"]`)
	reDollarAmount  = regexp.MustCompile(`\$\s?(\d[\d,]*(?:\.\d{1,2})?)(\s?[kK]\b)?`)
	reSlashBetween  = regexp.MustCompile(`([A-Za-z])/([A-Za-z])`)
	reHashNumber    = regexp.MustCompile(`#\s?(\d)`)
	reVoiceSymbols  = regexp.MustCompile("[*_~`|<>\\[\\]{}^=\\\\#@]")
	reVoiceEllipsis = regexp.MustCompile(`\.{2,}`)
)

// plainReply turns a model's reply into plain text for any channel:
// Markdown links keep their URL, headings, list marks, emphasis, code
// fences and tables go, lines join into sentences, emoji go.
func plainReply(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = reMarkdownLink.ReplaceAllStringFunc(text, func(m string) string {
		sub := reMarkdownLink.FindStringSubmatch(m)
		if sub[1] == sub[2] {
			return sub[2]
		}
		return sub[1] + " (" + sub[2] + ")"
	})
	// CleanInline would take a URL's underscores for emphasis: park the
	// URLs and put them back.
	urls := reReplyURL.FindAllString(text, -1)
	text = reReplyURL.ReplaceAllStringFunc(text, func(string) string { return "\uE100" })
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		if reCodeFence.MatchString(line) {
			continue
		}
		if reTableLine.MatchString(line) {
			if strings.Trim(line, "|-: \t") == "" {
				continue
			}
			line = strings.Join(strings.FieldsFunc(line, func(r rune) bool { return r == '|' }), ", ")
		}
		item := reLineItem.MatchString(line) || reLineHeading.MatchString(line)
		line = reLineQuote.ReplaceAllString(line, "")
		line = reLineHeading.ReplaceAllString(line, "")
		line = reLineItem.ReplaceAllString(line, "")
		line = CleanInline(line)
		if !hasLetterOrDigit(line) && !strings.Contains(line, "\uE100") {
			continue
		}
		if item {
			line = ensureStop(line)
		}
		lines = append(lines, line)
	}
	// A line without closing punctuation ends a sentence when another
	// follows it.
	for i := 0; i+1 < len(lines); i++ {
		lines[i] = ensureStop(lines[i])
	}
	text = strings.Join(lines, " ")
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200d' || r >= '\ufe00' && r <= '\ufe0f':
			return -1
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Cs, r):
			return -1
		}
		return r
	}, text)
	for _, u := range urls {
		text = strings.Replace(text, "\uE100", u, 1)
	}
	text = reManySpaces.ReplaceAllString(text, " ")
	text = reSpaceBeforeP.ReplaceAllString(text, "$1")
	return strings.TrimSpace(FoldGSM(text))
}

// speakable rewrites plain text for a voice to read: URLs become "our
// website", amounts and symbols become words, what a voice cannot say
// goes.
func speakable(text string) string {
	text = reReplyURL.ReplaceAllString(text, "our website")
	text = reDollarAmount.ReplaceAllStringFunc(text, func(m string) string {
		sub := reDollarAmount.FindStringSubmatch(m)
		amount := strings.TrimRight(sub[1], ",")
		if strings.TrimSpace(sub[2]) != "" {
			amount += " thousand"
		}
		return amount + " dollars"
	})
	text = strings.NewReplacer(
		"24/7", "24 hours a day, 7 days a week",
		"%", " percent", "&", " and ", "e.g.", "for example", "i.e.", "that is",
		"approx.", "about", "w/", "with ", "+/-", "about",
	).Replace(text)
	text = reSlashBetween.ReplaceAllString(text, "$1 or $2")
	text = reHashNumber.ReplaceAllString(text, "number $1")
	text = reVoiceSymbols.ReplaceAllString(text, " ")
	text = reVoiceEllipsis.ReplaceAllString(text, ".")
	text = reManySpaces.ReplaceAllString(text, " ")
	text = reSpaceBeforeP.ReplaceAllString(text, "$1")
	return strings.TrimSpace(text)
}

// A spoken reply: a few sentences, about twenty seconds of speech.
const (
	voiceMaxSentences = 3
	voiceMaxChars     = 320
)

// trimVoice keeps the first sentences of a spoken reply that fit the
// voice budget; a first sentence that alone is too long is cut at a word.
func trimVoice(text string) string {
	sentences := SplitSentences(text)
	var kept []string
	n := 0
	for _, s := range sentences {
		if len(kept) == voiceMaxSentences || n+len(s)+1 > voiceMaxChars {
			break
		}
		kept = append(kept, s)
		n += len(s) + 1
	}
	if len(kept) > 0 {
		return strings.Join(kept, " ")
	}
	if len(sentences) == 0 {
		return ""
	}
	cut := sentences[0]
	for len(cut) > voiceMaxChars {
		i := strings.LastIndexByte(cut[:voiceMaxChars], ' ')
		if i <= 0 {
			return ""
		}
		cut = cut[:i]
	}
	return ensureStop(strings.TrimRight(cut, " ,;:-"))
}
