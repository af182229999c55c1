package cadence_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/leadagent/leadagent/cadence"
)

func TestStateOf(t *testing.T) {
	t.Parallel()
	tests := []struct{ phone, want string }{
		{"+18135550123", "FL"}, // Tampa
		{"+16565550123", "FL"}, // Tampa's overlay
		{"+13055550123", "FL"}, // Miami
		{"+16455550123", "FL"}, // Miami's newest overlay
		{"+19045550123", "FL"}, // Jacksonville
		{"+13245550123", "FL"}, // Jacksonville's overlay
		{"+14055550123", "OK"}, // Oklahoma City
		{"+15725550123", "OK"}, // its overlay
		{"+19185550123", "OK"}, // Tulsa
		{"+14105550123", "MD"}, // Baltimore
		{"+12275550123", "MD"}, // the 301/240 overlay
		{"+15125550123", "TX"}, // Austin
		{"+17375550123", "TX"}, // Austin's overlay
		{"+17265550123", "TX"}, // San Antonio's overlay
		{"+19455550123", "TX"}, // Dallas's newest overlay
		{"+17205550123", ""},   // Denver: the default
		{"+19705550123", ""},   // Colorado
		{"+12125550123", ""},   // New York
		{"+12025550123", ""},   // Washington, DC, next to Maryland
		{"+18005550123", ""},   // toll-free
		{"+16475550123", ""},   // Toronto: +1, not the US
		{"+447700900123", ""},  // the UK
		{"not a number", ""},
	}
	for _, tt := range tests {
		if got := cadence.StateOf(tt.phone); got != tt.want {
			t.Errorf("StateOf(%s) = %q, want %q", tt.phone, got, tt.want)
		}
	}
}

// TestStateTableAgainstGeocoding checks the cited table against the
// geocoding data phonenumbers ships: no area code it places in FL, OK, MD
// or TX is missing, and every code in the table is placed there.
func TestStateTableAgainstGeocoding(t *testing.T) {
	t.Parallel()
	names := map[string]string{"Florida": "FL", "FL": "FL", "Oklahoma": "OK", "OK": "OK", "Maryland": "MD", "MD": "MD",
		"Texas": "TX", "TX": "TX"}
	for npa := 200; npa <= 999; npa++ {
		placed := ""
		for _, exchange := range []string{"234", "456", "567", "789", "955"} {
			num, err := phonenumbers.Parse(fmt.Sprintf("+1%d%s0123", npa, exchange), "")
			if err != nil {
				continue
			}
			where, _ := phonenumbers.GetGeocodingForNumber(num, "en")
			if i := strings.LastIndex(where, ", "); i >= 0 {
				where = where[i+2:]
			}
			if s, ok := names[where]; ok {
				placed = s
				break
			}
		}
		if got := cadence.StateOf(fmt.Sprintf("+1%d5550123", npa)); got != placed {
			t.Errorf("area code %d: the table says %q, phonenumbers %q", npa, got, placed)
		}
	}
}

// TestWindowAllowed is each state's window in the lead's own zone, and
// Florida's cap of three automated texts in any 24 hours.
func TestWindowAllowed(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Saturday 28 November 2026, a winter weekend (EST -5, CST -6, MST -7).
	tests := []struct {
		name, phone, tz, at string
		sent                []string
		want                string
	}{
		{"Tampa, Saturday 19:59", "+18135550123", "America/New_York", "2026-11-29T00:59:00Z", nil, "2026-11-29T00:59:00Z"},
		{"Tampa, Saturday 20:00: Sunday 08:00", "+18135550123", "America/New_York", "2026-11-29T01:00:00Z", nil, "2026-11-29T13:00:00Z"},
		{"Tampa, 07:30: 08:00", "+18135550123", "America/New_York", "2026-11-30T12:30:00Z", nil, "2026-11-30T13:00:00Z"},
		{"Tampa, two texts today: the third may go", "+18135550123", "America/New_York", "2026-11-29T15:00:00Z",
			[]string{"2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z"}, "2026-11-29T15:00:00Z"},
		{"Tampa, three texts: the oldest 24 h old", "+18135550123", "America/New_York", "2026-11-29T15:00:00Z",
			[]string{"2026-11-29T13:00:00Z", "2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z"}, "2026-11-29T23:00:00Z"},
		{"Tampa, three texts, the oldest free at 21:00: next morning", "+18135550123", "America/New_York", "2026-11-29T15:00:00Z",
			[]string{"2026-11-29T02:00:00Z", "2026-11-29T13:00:00Z", "2026-11-29T14:00:00Z"}, "2026-11-30T13:00:00Z"},
		{"Tampa, texts older than a day do not count", "+18135550123", "America/New_York", "2026-11-30T15:00:00Z",
			[]string{"2026-11-28T23:00:00Z", "2026-11-29T00:00:00Z", "2026-11-29T13:00:00Z"}, "2026-11-30T15:00:00Z"},
		{"Oklahoma City, 20:30: 08:00", "+14055550123", "America/Chicago", "2026-11-30T02:30:00Z", nil, "2026-11-30T14:00:00Z"},
		{"Oklahoma, a cap too", "+19185550123", "America/Chicago", "2026-11-30T16:00:00Z",
			[]string{"2026-11-30T14:00:00Z", "2026-11-30T15:00:00Z", "2026-11-30T15:30:00Z"}, "2026-12-01T14:00:00Z"},
		{"Baltimore, 20:00: 08:00", "+14105550123", "America/New_York", "2026-12-01T01:00:00Z", nil, "2026-12-01T13:00:00Z"},
		{"Austin, Saturday 20:30", "+15125550123", "America/Chicago", "2026-11-29T02:30:00Z", nil, "2026-11-29T02:30:00Z"},
		{"Austin, Saturday 21:00: Sunday noon", "+15125550123", "America/Chicago", "2026-11-29T03:00:00Z", nil, "2026-11-29T18:00:00Z"},
		{"Austin, Sunday 10:00: noon", "+15125550123", "America/Chicago", "2026-11-29T16:00:00Z", nil, "2026-11-29T18:00:00Z"},
		{"Austin, Monday 08:30: 09:00", "+15125550123", "America/Chicago", "2026-11-30T14:30:00Z", nil, "2026-11-30T15:00:00Z"},
		{"Austin, no cap", "+15125550123", "America/Chicago", "2026-11-30T16:00:00Z",
			[]string{"2026-11-30T15:00:00Z", "2026-11-30T15:10:00Z", "2026-11-30T15:20:00Z", "2026-11-30T15:30:00Z"}, "2026-11-30T16:00:00Z"},
		{"Denver, Saturday 20:30", "+17205550123", "America/Denver", "2026-11-29T03:30:00Z", nil, "2026-11-29T03:30:00Z"},
		{"Denver, Sunday 07:00: 08:00", "+17205550123", "America/Denver", "2026-11-29T14:00:00Z", nil, "2026-11-29T15:00:00Z"},
		{"Denver, no cap", "+17205550123", "America/Denver", "2026-11-29T16:00:00Z",
			[]string{"2026-11-29T15:00:00Z", "2026-11-29T15:10:00Z", "2026-11-29T15:20:00Z"}, "2026-11-29T16:00:00Z"},
	}
	for _, tt := range tests {
		var sent []time.Time
		for _, s := range tt.sent {
			sent = append(sent, at(s))
		}
		got, err := cadence.WindowFor(tt.phone).Allowed(at(tt.at), tt.tz, sent)
		if err != nil || !got.Equal(at(tt.want)) {
			loc, _ := time.LoadLocation(tt.tz)
			t.Errorf("%s: %v (%v), want %v", tt.name, got.In(loc), err, at(tt.want).In(loc))
		}
	}
	if w := cadence.WindowFor("+18135550123"); w.Cap != 3 || w.Law == "" {
		t.Errorf("Florida: %+v", w)
	}
}
