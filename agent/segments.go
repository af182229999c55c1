package agent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SMS encodings, as Segments reports them.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Segment sizes: a single message, and each part of a concatenated one
// (the user data header takes the difference).
const (
	gsmSingle  = 160 // septets
	gsmPart    = 153
	ucs2Single = 70 // UTF-16 code units
	ucs2Part   = 67
)

// gsmBasicNonASCII is the part of the GSM 03.38 basic character set outside
// printable ASCII; each costs one septet.
const gsmBasicNonASCII = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"

// gsmExtension is the GSM 03.38 extension table: each character is sent as
// ESC plus the character, two septets.
const gsmExtension = "\f^{}\\[~]|€"

// gsmSeptets reports how many septets r takes in GSM-7, or 0 when r is not
// in the GSM-7 alphabet.
func gsmSeptets(r rune) int {
	switch {
	case r == '\n' || r == '\r':
		return 1
	case r >= ' ' && r <= '~':
		switch r {
		case '`':
			return 0
		case '^', '{', '}', '\\', '[', '~', ']', '|':
			return 2
		}
		return 1
	case r < utf8.RuneSelf && r != '\f':
		return 0
	case strings.ContainsRune(gsmBasicNonASCII, r):
		return 1
	case strings.ContainsRune(gsmExtension, r):
		return 2
	}
	return 0
}

// IsGSM7 reports whether text can be sent in the GSM-7 alphabet.
func IsGSM7(text string) bool {
	for _, r := range text {
		if gsmSeptets(r) == 0 {
			return false
		}
	}
	return true
}

// Segments reports how many SMS segments text takes and in which encoding:
// GSM-7 when every character is in the GSM 03.38 alphabet (160 septets in a
// single message, 153 per part, extension-table characters count two),
// otherwise UCS-2 (70 UTF-16 code units single, 67 per part, so characters
// outside the Basic Multilingual Plane such as emoji count two). Like
// carriers, it never splits an escape sequence or a surrogate pair across
// parts. Empty text is 0 segments.
func Segments(text string) (n int, encoding string) {
	if text == "" {
		return 0, EncodingGSM7
	}
	if IsGSM7(text) {
		return countParts(text, gsmSeptets, gsmSingle, gsmPart), EncodingGSM7
	}
	return countParts(text, utf16Units, ucs2Single, ucs2Part), EncodingUCS2
}

func utf16Units(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

// countParts packs the characters of text into parts of at most part units,
// moving a character that does not fit whole to the next part; text that
// fits in single units is one message.
func countParts(text string, size func(rune) int, single, part int) int {
	total := 0
	for _, r := range text {
		total += size(r)
	}
	if total <= single {
		return 1
	}
	parts, used := 1, 0
	for _, r := range text {
		s := size(r)
		if used+s > part {
			parts++
			used = 0
		}
		used += s
	}
	return parts
}

// gsmFolds replaces common characters outside GSM-7 by GSM equivalents, so
// that a curly quote from a pasted document does not turn a whole reply into
// UCS-2 and halve what fits in a segment.
var gsmFolds = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`,
	"\u00ab", `"`, "\u00bb", `"`,
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
	"\u2026", "...",
	"\u00a0", " ", "\u2002", " ", "\u2003", " ", "\u2009", " ", "\u202f", " ", "\u200b", "",
	"\u2022", "-", "\u00b7", "-",
	"\u2122", "", "\u00ae", "", "\u00a9", "",
	"\u00b0", " degrees",
	"`", "'",
	"\t", " ",
)

// FoldGSM replaces typographic punctuation (curly quotes, dashes, ellipsis,
// non-breaking spaces, bullets) by GSM-7 equivalents. Characters with no
// equivalent, such as emoji, are kept; the text is then sent as UCS-2.
func FoldGSM(text string) string {
	return foldFractions(gsmFolds.Replace(text))
}

// fractions are the fraction characters, as digits.
var fractions = map[rune]string{'¼': "1/4", '½': "1/2", '¾': "3/4", '⅓': "1/3", '⅔': "2/3", '⅛': "1/8", '⅜': "3/8",
	'⅝': "5/8", '⅞': "7/8"}

// foldFractions writes fraction characters in digits, apart from a whole
// number before them: "33⅓%" is "33 1/3%", not "331/3%".
func foldFractions(text string) string {
	if !strings.ContainsAny(text, "¼½¾⅓⅔⅛⅜⅝⅞") {
		return text
	}
	var b strings.Builder
	prev := ' '
	for _, r := range text {
		if f, ok := fractions[r]; ok {
			if unicode.IsDigit(prev) {
				b.WriteByte(' ')
			}
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// fits reports whether text takes at most max segments.
func fits(text string, max int) bool {
	n, _ := Segments(text)
	return n <= max
}

// ellipsis marks a reply cut short at a word boundary.
const ellipsis = "..."

// TrimToSegments returns text folded to GSM-7 where possible and cut to at
// most max segments: whole sentences are dropped from the end first; a
// single sentence that is still too long is cut at a word boundary and
// ends with "...". It never cuts inside a word.
func TrimToSegments(text string, max int) string {
	text = strings.TrimSpace(FoldGSM(text))
	if max < 1 || fits(text, max) {
		return text
	}
	sentences := SplitSentences(text)
	for len(sentences) > 1 {
		sentences = sentences[:len(sentences)-1]
		if t := strings.Join(sentences, " "); fits(t, max) {
			return t
		}
	}
	if len(sentences) == 1 {
		text = sentences[0]
	}
	return cutAtWord(text, max)
}

// cutAtWord returns the longest prefix of text that ends at a word boundary
// and, with an ellipsis, fits in max segments.
func cutAtWord(text string, max int) string {
	// No prefix longer than this many runes can fit; it bounds the scan.
	limit := max * gsmSingle
	best := ""
	inWord := false
	runes := 0
	for i, r := range text {
		runes++
		space := r == ' ' || r == '\n'
		if space && inWord {
			prefix := strings.TrimRight(text[:i], " ,;:-")
			if prefix != "" && fits(prefix+ellipsis, max) {
				best = prefix
			}
		}
		inWord = !space
		if runes > limit {
			break
		}
	}
	if best == "" {
		// One giant word: nothing to cut at. Say less rather than split it.
		return ""
	}
	return strings.TrimRight(best, ".!?") + ellipsis
}
