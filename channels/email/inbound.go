package email

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"time"
)

// Inbound is one email that arrived, channel-neutral: the SMTP receiver
// and the inbound-parse webhook both make one.
type Inbound struct {
	From     string // the sender's address, lower-cased
	FromName string
	To       []string
	Subject  string
	// MessageID, InReplyTo and References are without angle brackets.
	MessageID  string
	InReplyTo  string
	References []string
	// Text is the body as written, quoted history and all (NewText strips
	// it); HTML is the HTML alternative, kept only to fall back on.
	Text        string
	HTML        string
	Attachments []Attachment
	// Header holds the headers that tell an auto-reply or a bounce apart.
	Header textproto.MIMEHeader
	// DeliveryStatus is a bounce report's machine-readable part, if any.
	DeliveryStatus string
	ReceivedAt     time.Time
}

// Attachment is recorded, never read: its name, type and size.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// maxPartBytes bounds how much of a text part is kept.
const maxPartBytes = 1 << 20

// ParseMessage reads a raw RFC 5322 message, as SMTP delivers it.
func ParseMessage(r io.Reader) (Inbound, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(r))
	if err != nil {
		return Inbound{}, fmt.Errorf("parse email: %w", err)
	}
	in := fromHeader(textproto.MIMEHeader(msg.Header))
	if err := in.readPart(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return Inbound{}, fmt.Errorf("parse email %s: %w", in.MessageID, err)
	}
	return in, nil
}

// fromHeader reads the envelope-like headers every source has.
func fromHeader(h textproto.MIMEHeader) Inbound {
	dec := new(mime.WordDecoder)
	decode := func(s string) string {
		if d, err := dec.DecodeHeader(s); err == nil {
			return d
		}
		return s
	}
	in := Inbound{Header: h, Subject: strings.TrimSpace(decode(h.Get("Subject")))}
	if a, err := (&mail.AddressParser{WordDecoder: dec}).Parse(h.Get("From")); err == nil {
		in.From, in.FromName = strings.ToLower(a.Address), a.Name
	} else {
		in.From = strings.ToLower(strings.Trim(strings.TrimSpace(h.Get("From")), "<>"))
	}
	for _, to := range h.Values("To") {
		if list, err := mail.ParseAddressList(to); err == nil {
			for _, a := range list {
				in.To = append(in.To, strings.ToLower(a.Address))
			}
		}
	}
	in.MessageID = firstID(h.Get("Message-Id"))
	in.InReplyTo = firstID(h.Get("In-Reply-To"))
	in.References = ids(h.Get("References"))
	if d, err := mail.ParseDate(h.Get("Date")); err == nil {
		in.ReceivedAt = d
	}
	return in
}

var idPattern = regexp.MustCompile(`<([^<>\s]+)>`)

// ids reads a list of <message-ids>.
func ids(s string) []string {
	var out []string
	for _, m := range idPattern.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func firstID(s string) string {
	if l := ids(s); len(l) > 0 {
		return l[0]
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}

// maxDepth bounds nested multiparts.
const maxDepth = 8

// readPart walks one MIME part: the first plain and HTML texts are the
// body, a delivery-status part is kept, anything with a file name is an
// attachment, counted and dropped.
func (in *Inbound) readPart(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > maxDepth {
		return errors.New("multipart nested too deep")
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType, params = "text/plain", map[string]string{}
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", mediaType, err)
			}
			if err := in.readPart(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}
	body = decoded(h.Get("Content-Transfer-Encoding"), body)
	if disposition == "attachment" || name != "" {
		n, err := io.Copy(io.Discard, body)
		if err != nil {
			return fmt.Errorf("read attachment %q: %w", name, err)
		}
		in.Attachments = append(in.Attachments, Attachment{Name: name, ContentType: mediaType, Size: n})
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(body, maxPartBytes))
	if err != nil {
		return fmt.Errorf("read %s: %w", mediaType, err)
	}
	_, _ = io.Copy(io.Discard, body)
	text := strings.ToValidUTF8(string(b), "\uFFFD")
	switch {
	case mediaType == "text/plain" && in.Text == "":
		in.Text = text
	case mediaType == "text/html" && in.HTML == "":
		in.HTML = text
	case mediaType == "message/delivery-status":
		in.DeliveryStatus = text
	}
	return nil
}

// decoded undoes a part's transfer encoding.
func decoded(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &newlineSkipper{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// newlineSkipper drops the line breaks base64 bodies are wrapped with.
type newlineSkipper struct{ r io.Reader }

func (s *newlineSkipper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	if j == 0 && n > 0 && err == nil {
		return s.Read(p)
	}
	return j, err
}

// headerBlock reads a raw header block (a webhook's "headers" field).
func headerBlock(raw string) textproto.MIMEHeader {
	raw = strings.TrimLeft(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(strings.TrimRight(raw, "\n") + "\n\n")))
	h, err := r.ReadMIMEHeader()
	if err != nil && h == nil {
		return textproto.MIMEHeader{}
	}
	return h
}
