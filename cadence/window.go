package cadence

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/leadagent/leadagent/hours"
)

// Window is when an automated text may reach a lead: the hours of each
// weekday in the lead's own time zone and, in some states, a cap on the
// automated contacts in any 24 hours. Answers to a lead's own message are
// not held to it.
//
// Holidays are out of scope: no state's holiday rules are kept, and a
// window is the same on a public holiday as on any other day of its
// weekday.
type Window struct {
	// State is the US state whose rules apply ("FL"), "" for the default.
	State string
	// Hours are the allowed hours, e.g. "Daily 08:00-21:00".
	Hours string
	// Cap is the most automated contacts in any 24 hours; 0 for no cap.
	Cap int
	// Law names the rule, for the timeline and for people reading it.
	Law string
}

// defaultWindow is the window everywhere without rules of its own: the
// federal TCPA's 8 a.m. to 9 p.m. (47 C.F.R. § 64.1200(c)(1)).
var defaultWindow = Window{Hours: "Daily 08:00-21:00", Law: "47 C.F.R. 64.1200(c)(1)"}

// stateWindows are the states whose telephone-solicitation laws are
// stricter than the default for texts. Keep it small and cited:
//
//   - FL: Florida Telephone Solicitation Act, Fla. Stat. § 501.059 (as
//     amended 2021 by SB 1120 and 2023 by HB 761), with Fla. Stat.
//     § 501.616(6)(a)-(b): no solicitation before 8 a.m. or after 8 p.m.
//     at the called person's location, and no more than three on the same
//     subject in 24 hours.
//   - OK: Oklahoma Telephone Solicitation Act of 2022 (HB 3168), 15 O.S.
//     § 775C.1 et seq.: 8 a.m. to 8 p.m., at most three in 24 hours.
//   - MD: Maryland Stop the Spam Calls Act of 2023 (SB 90), Md. Code, Com.
//     Law § 14-4501 et seq. (§ 14-4502): 8 a.m. to 8 p.m. in the called
//     party's time zone, at most three in 24 hours on the same subject.
//   - TX: Texas SB 140 (2025, in force September 1, 2025) brings texts
//     under Tex. Bus. & Com. Code ch. 302 and § 305.053; the hours are
//     § 301.051's: 9 a.m. to 9 p.m. Monday to Saturday, noon to 9 p.m.
//     Sunday.
var stateWindows = map[string]Window{
	"FL": {State: "FL", Hours: "Daily 08:00-20:00", Cap: 3, Law: "Fla. Stat. 501.059, 501.616(6)"},
	"OK": {State: "OK", Hours: "Daily 08:00-20:00", Cap: 3, Law: "15 O.S. 775C.1 et seq."},
	"MD": {State: "MD", Hours: "Daily 08:00-20:00", Cap: 3, Law: "Md. Com. Law 14-4501 et seq."},
	"TX": {State: "TX", Hours: "Mon-Sat 09:00-21:00, Sun 12:00-21:00", Law: "Tex. Bus. & Com. Code 301.051, 302, 305.053 (SB 140, 2025)"},
}

// stateAreaCodes are every area code (NPA) of the states in
// stateWindows, overlays included, from the North American Numbering Plan
// Administrator's NPA reports (NANPA, nationalnanpa.com, "Area Codes by
// State"), overlays in service by 2025. A new overlay must be added here;
// TestStateTableAgainstGeocoding checks the table against the geocoding
// data phonenumbers ships.
var stateAreaCodes = map[string][]int{
	"FL": {239, 305, 321, 324, 352, 386, 407, 448, 561, 645, 656, 689, 727, 728, 754, 772, 786, 813, 850, 863, 904, 941, 954},
	"OK": {405, 539, 572, 580, 918},
	"MD": {227, 240, 301, 410, 443, 667},
	"TX": {210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682, 713, 726, 737, 806, 817, 830, 832, 903, 915, 936, 940, 945, 956, 972, 979},
}

// stateOfNPA is stateAreaCodes by area code.
var stateOfNPA = func() map[int]string {
	m := map[int]string{}
	for state, codes := range stateAreaCodes {
		for _, npa := range codes {
			m[npa] = state
		}
	}
	return m
}()

// StateOf returns the US state of a phone number (E.164) from its area
// code when it is one of the states with rules of their own ("FL", "OK",
// "MD", "TX"), else "": another state, a number outside the US, one that
// does not parse. A ported or moved number keeps its area code's state;
// that is the best a number alone says.
func StateOf(e164 string) string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil || phonenumbers.GetRegionCodeForNumber(num) != "US" {
		return ""
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if len(nsn) != 10 {
		return ""
	}
	npa, err := strconv.Atoi(nsn[:3])
	if err != nil {
		return ""
	}
	return stateOfNPA[npa]
}

// WindowFor returns the window of a lead's phone number.
func WindowFor(e164 string) Window {
	if w, ok := stateWindows[StateOf(e164)]; ok {
		return w
	}
	return defaultWindow
}

// Allowed returns the first moment at or after t when an automated text
// may go out to a lead in zone tz (an IANA name) under this window, given
// when the lead's earlier automated texts went out (any order; texts older
// than a day do not matter). Over the cap, the text waits until the oldest
// of the texts that fill it is 24 hours old, and then for the hours.
func (w Window) Allowed(t time.Time, tz string, sent []time.Time) (time.Time, error) {
	s, err := hours.Parse(w.Hours, tz)
	if err != nil {
		return time.Time{}, fmt.Errorf("contact window %q in %q: %w", w.Hours, tz, err)
	}
	sent = append([]time.Time(nil), sent...)
	sort.Slice(sent, func(i, j int) bool { return sent[i].Before(sent[j]) })
	at := s.NextOpen(t)
	// Each turn moves at forward past at least one sent text, so the loop
	// ends.
	for w.Cap > 0 {
		var recent []time.Time
		for _, x := range sent {
			if x.After(at.Add(-24*time.Hour)) && !x.After(at) {
				recent = append(recent, x)
			}
		}
		if len(recent) < w.Cap {
			break
		}
		// Free one place: the oldest that keeps the count at the cap
		// leaves the 24 hours.
		at = s.NextOpen(recent[len(recent)-w.Cap].Add(24 * time.Hour))
	}
	return at, nil
}

// Allowed returns the first moment at or after t when an automated text
// may go out to a lead in zone tz under the default window (08:00 to
// 21:00, no cap).
func Allowed(t time.Time, tz string) (time.Time, error) {
	return defaultWindow.Allowed(t, tz, nil)
}
