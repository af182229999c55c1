package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoBusinessAgreesWithItsKnowledge: what make run serves for the demo
// business (its time zone and hours, which decide holding messages,
// on-duty routing and reports) is what the demo's own knowledge tells
// leads: the hours in hours-and-contact.md, in Fort Collins's time.
func TestDemoBusinessAgreesWithItsKnowledge(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(demoKnowledge, "hours-and-contact.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, "Fort Collins") || !strings.Contains(text, demoPhone) {
		t.Fatalf("hours-and-contact.md no longer places the business in Fort Collins at %s", demoPhone)
	}
	// The knowledge's own words: "Monday through Friday from 7:00 a.m. to
	// 6:00 p.m.", "On Saturdays we are open from 8:00 a.m. to 2:00 p.m.",
	// "closed on Sundays".
	span := func(re string) (open, close int) {
		t.Helper()
		m := regexp.MustCompile(re + ` from (\d{1,2}):(\d\d) a\.m\. to (\d{1,2}):(\d\d) p\.m\.`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("hours-and-contact.md does not say %q", re)
		}
		n := func(s string) int { v, _ := strconv.Atoi(s); return v }
		return n(m[1])*60 + n(m[2]), (n(m[3])+12)*60 + n(m[4])
	}
	wdOpen, wdClose := span(`Monday through Friday`)
	satOpen, satClose := span(`Saturdays we are open`)
	if !strings.Contains(text, "closed on Sundays") {
		t.Fatal("hours-and-contact.md no longer says the office is closed on Sundays")
	}

	c, err := LoadConfig(envOf(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BusinessName != demoName || c.Hours.TimeZone() != "America/Denver" {
		t.Fatalf("the demo business is %q in %s, want %q in America/Denver (Fort Collins)", c.BusinessName, c.Hours.TimeZone(), demoName)
	}
	denver, err := time.LoadLocation("America/Denver")
	if err != nil {
		t.Fatal(err)
	}
	// A winter week and a summer one: the hours are Fort Collins's, with
	// its daylight saving time.
	for _, monday := range []time.Time{time.Date(2026, 1, 5, 0, 0, 0, 0, denver), time.Date(2026, 7, 6, 0, 0, 0, 0, denver)} {
		for d := range 7 {
			day := monday.AddDate(0, 0, d)
			open, close := wdOpen, wdClose
			switch day.Weekday() {
			case time.Saturday:
				open, close = satOpen, satClose
			case time.Sunday:
				open, close = 0, 0
			}
			for minute := 0; minute < 24*60; minute += 30 {
				at := day.Add(time.Duration(minute) * time.Minute)
				if want := minute >= open && minute < close; c.Hours.Open(at) != want {
					t.Errorf("%s: open %v, the knowledge says %v", at.Format("Mon 2006-01-02 15:04 MST"), !want, want)
				}
			}
		}
	}
}

// TestBusinessHoursDefaults: the demo's hours are the defaults only while
// the business is the demo one, and the environment overrides them.
func TestBusinessHoursDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env        map[string]string
		zone, spec string
	}{
		{map[string]string{}, "America/Denver", demoHours},
		{map[string]string{"BUSINESS_TIMEZONE": "America/Chicago"}, "America/Chicago", demoHours},
		{map[string]string{"BUSINESS_HOURS": "Mon-Sat 08:00-16:00"}, "America/Denver", "Mon-Sat 08:00-16:00"},
		{map[string]string{"BUSINESS_NAME": "Peak Roofing"}, "UTC", "Mon-Fri 09:00-17:00"},
		{map[string]string{"BUSINESS_NAME": "Peak Roofing", "BUSINESS_TIMEZONE": "America/Denver", "BUSINESS_HOURS": "24/7"}, "America/Denver", "24/7"},
	}
	for _, tt := range tests {
		c, err := LoadConfig(envOf(tt.env))
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		if c.BusinessTimezone != tt.zone || c.BusinessHours != tt.spec || c.Hours.TimeZone() != tt.zone {
			t.Errorf("%v: %s %q (parsed %s), want %s %q", tt.env, c.BusinessTimezone, c.BusinessHours, c.Hours.TimeZone(), tt.zone, tt.spec)
		}
	}
	if _, err := LoadConfig(envOf(map[string]string{"BUSINESS_HOURS": "whenever"})); err == nil {
		t.Error("a bad BUSINESS_HOURS was accepted")
	}
}
