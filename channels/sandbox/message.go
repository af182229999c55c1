package sandbox

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
)

// apiVersion is the Twilio REST API version the sandbox speaks.
const apiVersion = "2010-04-01"

// Message is one outbound message as the sandbox recorded it.
type Message struct {
	SID                 string // "SM" + 32 hex digits, "MM" with media
	AccountSID          string
	MessagingServiceSID string
	From                string // empty while a Messaging Service has not picked a number
	To                  string
	Body                string
	MediaURLs           []string
	// Status moves accepted (Messaging Service) or queued → sent →
	// delivered, or undelivered with ErrorCode.
	Status         string
	ErrorCode      int
	ErrorMessage   string
	NumSegments    int
	StatusCallback string
	// Direction is "outbound-api" (the zero value reads so) for a
	// message created through the API, DirectionReply for Twilio's own
	// answer to a keyword (see Server.Inbound).
	Direction string
	Created   time.Time
	Updated   time.Time
	Sent      time.Time // zero until sent
}

func (m Message) clone() Message {
	m.MediaURLs = append([]string(nil), m.MediaURLs...)
	return m
}

// messageResource is api.v2010.account.message of Twilio's OpenAPI
// description, nulls included.
type messageResource struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                *string           `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           *string           `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

// pricePerSegment is what the sandbox charges, in USD, like a US long code.
const pricePerSegment = 0.0079

func (m Message) resource() messageResource {
	uri := fmt.Sprintf("/%s/Accounts/%s/Messages/%s", apiVersion, m.AccountSID, m.SID)
	r := messageResource{
		AccountSID:  m.AccountSID,
		APIVersion:  apiVersion,
		Body:        m.Body,
		DateCreated: m.Created.UTC().Format(time.RFC1123Z),
		DateUpdated: m.Updated.UTC().Format(time.RFC1123Z),
		Direction:   cmp.Or(m.Direction, "outbound-api"),
		NumMedia:    strconv.Itoa(len(m.MediaURLs)),
		NumSegments: strconv.Itoa(m.NumSegments),
		SID:         m.SID,
		Status:      m.Status,
		SubresourceURIs: map[string]string{
			"media":    uri + "/Media.json",
			"feedback": uri + "/Feedback.json",
		},
		To:  m.To,
		URI: uri + ".json",
	}
	if !m.Sent.IsZero() {
		sent := m.Sent.UTC().Format(time.RFC1123Z)
		price := fmt.Sprintf("%.5f", -pricePerSegment*float64(max(m.NumSegments, 1)))
		unit := "USD"
		r.DateSent, r.Price, r.PriceUnit = &sent, &price, &unit
	}
	if m.ErrorCode != 0 {
		code, msg := m.ErrorCode, m.ErrorMessage
		r.ErrorCode, r.ErrorMessage = &code, &msg
	}
	if m.From != "" {
		from := m.From
		r.From = &from
	}
	if m.MessagingServiceSID != "" {
		svc := m.MessagingServiceSID
		r.MessagingServiceSID = &svc
	}
	return r
}

// newSID returns prefix followed by 32 random hex digits, Twilio's SID shape.
func newSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return prefix + hex.EncodeToString(b[:])
}

// segments is how many SMS segments body takes: GSM-7 when every
// character has a GSM-7 encoding (160 septets alone, 153 a part when
// concatenated; the extension characters take two), UCS-2 otherwise (70
// UTF-16 units alone, 67 a part). An empty body is one segment, as Twilio
// counts a media-only message.
func segments(body string) int {
	septets, gsm := 0, true
	for _, r := range body {
		switch {
		case isGSM7Basic(r):
			septets++
		case isGSM7Extension(r):
			septets += 2
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	if gsm {
		return parts(septets, 160, 153)
	}
	return parts(len(utf16.Encode([]rune(body))), 70, 67)
}

func parts(n, single, part int) int {
	if n <= single {
		return 1
	}
	return (n + part - 1) / part
}

const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

const gsm7Extension = "\f^{}\\[~]|€"

func isGSM7Basic(r rune) bool {
	for _, c := range gsm7Basic {
		if c == r {
			return true
		}
	}
	return false
}

func isGSM7Extension(r rune) bool {
	for _, c := range gsm7Extension {
		if c == r {
			return true
		}
	}
	return false
}
