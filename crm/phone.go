package crm

import (
	"strings"

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
