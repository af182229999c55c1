package email

import (
	"html"
	"mime"
	"net/textproto"
	"regexp"
	"strings"
)

// NewText is what the lead wrote this time: the plain text (or, without
// one, the HTML's text) with quoted history and signature cut off.
func (in Inbound) NewText() string {
	text := in.Text
	if strings.TrimSpace(text) == "" && in.HTML != "" {
		text = htmlText(in.HTML)
	}
	return StripQuoted(text)
}

var (
	// "On Mon, Mar 2, 2026 at 10:00 AM Summit <leads@summit.example> wrote:"
	// (Gmail, Apple Mail), sometimes wrapped over two or three lines.
	onWrote = regexp.MustCompile(`(?is)^on\s.{1,300}\swrote:\s*$`)
	// "-----Original Message-----" (Outlook), "----- Forwarded message -----".
	originalMessage = regexp.MustCompile(`(?i)^-{2,}\s*(original message|forwarded message)\s*-{2,}$`)
	// The mobile mail apps' footers.
	sentFrom     = regexp.MustCompile(`(?i)^(sent from my \w+|sent from (mail|outlook|yahoo mail)\b.*|get outlook for \w+.*|sent from my .{1,40}(phone|device|tablet)\.?)$`)
	outlookRule  = regexp.MustCompile(`^_{10,}$`)
	headerLine   = regexp.MustCompile(`(?i)^\*?(from|de|von):\*?\s`)
	sentLine     = regexp.MustCompile(`(?i)^\*?(sent|date|envoyé|gesendet):\*?\s`)
	blankRuns    = regexp.MustCompile(`\n{3,}`)
	tags         = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>|<[^>]*>`)
	blockEnds    = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>`)
	quoteElement = regexp.MustCompile(`(?is)<blockquote\b.*?</blockquote>|<div class="gmail_quote".*$`)
)

// StripQuoted cuts what a reply quotes and signs off with: the history
// after "On ... wrote:", "-----Original Message-----" or an Outlook
// "From: ... Sent: ..." block, lines quoted with ">", a signature after
// the "-- " line or a "Sent from my iPhone", and a closing ("Thanks,"
// "Best regards") with the few short lines of name and number under it.
// Every line it keeps is a line of text.
func StripQuoted(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var kept []string
cut:
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case line == "-- " || line == "--" || t == "—":
			break cut
		case strings.HasPrefix(t, ">"):
			continue
		case originalMessage.MatchString(t), sentFrom.MatchString(t):
			break cut
		case outlookRule.MatchString(t) && i+1 < len(lines) && headerLine.MatchString(strings.TrimSpace(lines[i+1])):
			break cut
		case headerLine.MatchString(t) && outlookHeaders(lines[i+1:]):
			break cut
		case strings.HasPrefix(strings.ToLower(t), "on ") && wroteWithin(lines[i:]):
			break cut
		}
		kept = append(kept, line)
	}
	kept = withoutSignOff(kept)
	out := strings.Join(kept, "\n")
	out = blankRuns.ReplaceAllString(out, "\n\n")
	return strings.TrimSpace(out)
}

// A closing line: "Thanks", "Thank you!", "Best regards,", "Cheers",
// alone or with a name after it ("Thanks, Dana").
var (
	closing     = `(many thanks|thanks( so much| again| in advance)?|thank you( so much| again| in advance)?|thx|ty|best( regards| wishes)?|kind regards|warm regards|regards|cheers|sincerely|respectfully|take care|gracias|saludos)`
	closingLine = regexp.MustCompile(`(?i)^` + closing + `\s*[,.!]*$`)
	closingName = regexp.MustCompile(`(?i)^` + closing + `\s*[,.!-]+\s*[\p{L}][\p{L}.' -]{0,30}$`)
)

// signOffLines bounds what may follow a closing: a name, a title, a
// phone number, not a paragraph.
const signOffLines = 4

// withoutSignOff cuts a closing and what it signs with from the end of
// lines, when something was said before it: the agent should read "What
// are your hours?", not "What are your hours? Thanks Dana".
func withoutSignOff(lines []string) []string {
	for j := len(lines) - 1; j > 0; j-- {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		if !closingLine.MatchString(t) && !closingName.MatchString(t) {
			if j < len(lines)-signOffLines-1 || !signatureLine(t) {
				return lines // not a sign-off: the text goes on
			}
			continue
		}
		before := false
		for _, l := range lines[:j] {
			if strings.TrimSpace(l) != "" {
				before = true
				break
			}
		}
		if !before || !shortTail(lines[j+1:]) {
			return lines
		}
		return lines[:j]
	}
	return lines
}

// signatureLine: a line a signature holds (a name, a title, a number),
// not a sentence or a question.
func signatureLine(t string) bool {
	return len([]rune(t)) <= 40 && !strings.HasSuffix(t, "?")
}

// shortTail: what follows a closing is a signature's few short lines.
func shortTail(lines []string) bool {
	n := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		n++
		if n > signOffLines || !signatureLine(t) {
			return false
		}
	}
	return true
}

// outlookHeaders: the lines after a "From:" carry a "Sent:" within three.
func outlookHeaders(next []string) bool {
	for i := 0; i < len(next) && i < 3; i++ {
		if sentLine.MatchString(strings.TrimSpace(next[i])) {
			return true
		}
	}
	return false
}

// wroteWithin: an "On ..." line ends in "wrote:" on it or one of the two
// lines after (clients wrap a long attribution).
func wroteWithin(lines []string) bool {
	joined := ""
	for i := 0; i < len(lines) && i < 3; i++ {
		joined += " " + strings.TrimSpace(lines[i])
		if onWrote.MatchString(strings.TrimSpace(joined)) {
			return true
		}
	}
	return false
}

// htmlText is an HTML body's text, roughly: enough for a lead whose mail
// app sends no plain part.
func htmlText(h string) string {
	h = quoteElement.ReplaceAllString(h, "")
	h = blockEnds.ReplaceAllString(h, "\n")
	h = tags.ReplaceAllString(h, "")
	return html.UnescapeString(h)
}

// Kind is what an inbound email is, for whether anyone answers it.
type Kind string

const (
	// KindPersonal is a person writing: it gets an answer.
	KindPersonal Kind = "personal"
	// KindAutoReply is a mailbox answering by itself (out of office, a
	// ticket system): recorded, never answered, so two robots never loop.
	KindAutoReply Kind = "auto_reply"
	// KindBounce is a delivery failure report: recorded, never answered.
	KindBounce Kind = "bounce"
)

// Classification says what an inbound email is; for a bounce, whether it
// is hard (the address does not exist: status 5.x.x) and its status.
type Classification struct {
	Kind   Kind
	Hard   bool
	Status string
	// Recipient is the address that bounced (the report's
	// Final-Recipient or Original-Recipient), when the report names it.
	Recipient string
}

var (
	outOfOffice    = regexp.MustCompile(`(?i)^(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|auto:|autoreply|abwesenheitsnotiz|réponse automatique|on vacation|away from (the )?office)`)
	dsnStatus      = regexp.MustCompile(`(?im)^\s*status:\s*([245])\.(\d{1,3})\.(\d{1,3})`)
	finalRecipient = regexp.MustCompile(`(?im)^\s*(?:final|original)-recipient:\s*rfc822\s*;\s*(\S+@\S+)`)
	smtpCode       = regexp.MustCompile(`\b([45])\.(\d{1,3})\.(\d{1,3})\b`)
)

// Classify tells a bounce (RFC 3464 multipart/report with
// report-type=delivery-status, or a MAILER-DAEMON or postmaster sender)
// and an auto-reply (RFC 3834 Auto-Submitted other than "no",
// X-Autoreply, Precedence auto_reply, bulk or junk, an out-of-office
// subject) from a person writing.
func (in Inbound) Classify() Classification {
	if isBounce(in) {
		c := Classification{Kind: KindBounce}
		if m := dsnStatus.FindStringSubmatch(in.DeliveryStatus + "\n" + in.Text); m != nil {
			c.Status = m[1] + "." + m[2] + "." + m[3]
		} else if m := smtpCode.FindStringSubmatch(in.Text); m != nil {
			c.Status = m[1] + "." + m[2] + "." + m[3]
		}
		c.Hard = strings.HasPrefix(c.Status, "5.")
		if m := finalRecipient.FindStringSubmatch(in.DeliveryStatus); m != nil {
			c.Recipient = strings.ToLower(strings.Trim(m[1], "<>"))
		}
		return c
	}
	if isAutoReply(in.Header, in.Subject) {
		return Classification{Kind: KindAutoReply}
	}
	return Classification{Kind: KindPersonal}
}

func isBounce(in Inbound) bool {
	if in.DeliveryStatus != "" {
		return true
	}
	if mt, params, err := mime.ParseMediaType(in.Header.Get("Content-Type")); err == nil &&
		mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
		return true
	}
	local, _, _ := strings.Cut(in.From, "@")
	local = strings.ToLower(local)
	return local == "mailer-daemon" || local == "postmaster" || strings.EqualFold(in.FromName, "Mail Delivery Subsystem")
}

func isAutoReply(h textproto.MIMEHeader, subject string) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || h.Get("X-Autoresponder") != "" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "auto_reply", "bulk", "junk":
		return true
	}
	return outOfOffice.MatchString(strings.TrimSpace(subject))
}
