package crm

import (
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone returns raw in E.164 form, reading numbers without a
// country code as numbers of region (ISO 3166 code such as "US"). ok is
// false when raw is not a possible phone number; the caller then keeps raw
// as given (a carrier short code, an alphanumeric sender).
func NormalizePhone(raw, region string) (e164 string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return raw, false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// PhoneTimeZone returns the IANA time zone of a phone number's region
// ("America/Denver" for a 970 number), or "" when the number spans zones
// (toll-free, a country with several) or does not parse.
func PhoneTimeZone(e164 string) string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	zones, err := phonenumbers.GetTimezonesForNumber(num)
	if err != nil || len(zones) == 0 {
		return ""
	}
	// Zones that keep the same clock all year are one zone for quiet
	// hours (Europe/London, Europe/Guernsey).
	first, err := time.LoadLocation(zones[0])
	if err != nil {
		return ""
	}
	for _, z := range zones[1:] {
		loc, err := time.LoadLocation(z)
		if err != nil || !sameClock(first, loc) {
			return ""
		}
	}
	return zones[0]
}

// sameClock reports whether two zones show the same time through a year.
func sameClock(a, b *time.Location) bool {
	t := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for m := 0; m < 12; m++ {
		ta, tb := t.AddDate(0, m, 0).In(a), t.AddDate(0, m, 0).In(b)
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		if oa != ob {
			return false
		}
	}
	return true
}
