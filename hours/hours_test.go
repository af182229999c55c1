package hours

import (
	"testing"
	"time"
)

// Time zones come from the system's tzdata (/usr/share/zoneinfo).

func TestParse(t *testing.T) {
	t.Parallel()

	// Each spec is read and written back in canonical form; the canonical
	// form must read back to the same schedule.
	tests := []struct {
		spec string
		want string
	}{
		{"Mon-Fri 09:00-17:00", "Mon-Fri 09:00-17:00"},
		{"mon - fri  9am - 5pm", "Mon-Fri 09:00-17:00"},
		{"Mon-Fri 9 am-5 pm", "Mon-Fri 09:00-17:00"},
		{"Mon–Fri 9–17", "Mon-Fri 09:00-17:00"},
		{"Monday: 9:30AM-5:30PM", "Mon 09:30-17:30"},
		{"Mon,Wed,Fri 09:00-17:00, Sat 10:00-14:00", "Mon,Wed,Fri 09:00-17:00, Sat 10:00-14:00"},
		{"Mon, Wed, Fri 9-17; Sat 10-14", "Mon,Wed,Fri 09:00-17:00, Sat 10:00-14:00"},
		{"Mon-Fri 9-17 Sat 10-14", "Mon-Fri 09:00-17:00, Sat 10:00-14:00"},
		{"Mon-Fri, 9-17", "Mon-Fri 09:00-17:00"},
		{"Tues, Thurs 10-14", "Tue,Thu 10:00-14:00"},
		{"Fri-Mon 10-14", "Mon,Fri-Sun 10:00-14:00"},
		{"Daily 9-17", "Daily 09:00-17:00"},
		{"Every day: 8-20", "Daily 08:00-20:00"},
		{"Weekdays 9-17, Weekends 10am-2pm", "Mon-Fri 09:00-17:00, Sat-Sun 10:00-14:00"},

		// Several spans a day, with spaces or commas; overlaps merge.
		{"Mon-Fri 08:00-12:00 13:00-17:00", "Mon-Fri 08:00-12:00 13:00-17:00"},
		{"Mon-Fri 08:00-12:00, 13:00-17:00", "Mon-Fri 08:00-12:00 13:00-17:00"},
		{"Mon-Fri 9-12 11-17", "Mon-Fri 09:00-17:00"},

		// A later entry replaces the hours of the days it names.
		{"Mon-Sun 09:00-17:00, Sun closed", "Mon-Sat 09:00-17:00"},
		{"Mon-Fri 9-12, Mon-Fri 13-17", "Mon-Fri 13:00-17:00"},
		{"Mon 9-17, Tue 9-17", "Mon-Tue 09:00-17:00"},

		// One side's am/pm carries to the other, the right way round.
		{"Mon 9-5pm", "Mon 09:00-17:00"},
		{"Mon 1-5pm", "Mon 13:00-17:00"},
		{"Mon 11-1pm", "Mon 11:00-13:00"},
		{"Mon 9am-5", "Mon 09:00-17:00"},
		{"Sat 12pm-12am", "Sat 12:00-24:00"},

		// Overnight spans, including through Saturday midnight.
		{"Fri 22:00-02:00", "Fri 22:00-02:00"},
		{"Mon 9pm-2", "Mon 21:00-02:00"},
		{"Mon-Fri 22-2", "Mon-Fri 22:00-02:00"},
		{"Sat 22:00-02:00", "Sat 22:00-02:00"},
		{"Daily 22:00-06:00", "Daily 22:00-06:00"},
		{"Mon 22:00-24:00, Tue 00:00-02:00", "Mon 22:00-02:00"},
		{"Mon 09:00-24:00, Tue 00:00-09:00", "Mon 09:00-24:00, Tue 00:00-09:00"},
		{"Mon 11:00-10:00", "Mon 11:00-10:00"},

		// Never and always.
		{"", "closed"},
		{"  ", "closed"},
		{"Closed", "closed"},
		{"Sun closed", "closed"},
		{"24/7", "24/7"},
		{"always", "24/7"},
		{"Daily 00:00-24:00", "24/7"},
		{"24/7, Sun closed", "Mon-Sat 00:00-24:00"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.spec, "America/Denver")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			again, err := Parse(s.String(), s.TimeZone())
			if err != nil {
				t.Fatalf("Parse(String()): %v", err)
			}
			if !again.Equal(s) {
				t.Errorf("Parse(%q) is not Equal to Parse(%q)", s.String(), tt.spec)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		spec, tz string
		want     string
	}{
		{"Mon-Fri 9:00-25:00", "", `hours "Mon-Fri 9:00-25:00": 25:00 is not a time of day`},
		{"Mon 9:60-10:00", "", `hours "Mon 9:60-10:00": 9:60 is not a time of day`},
		{"Mon 13pm-2pm", "", `hours "Mon 13pm-2pm": 13pm is not a time of day`},
		{"Mon-Fri 0900-1700", "", `hours "Mon-Fri 0900-1700": 0900 is not a time of day`},
		{"Mnday 9-17", "", `hours "Mnday 9-17": "Mnday" is not a day of the week`},
		{"Mon-Xyz 9-17", "", `hours "Mon-Xyz 9-17": "Mon-Xyz" is not a day of the week`},
		{"Mon-Fri", "", `hours "Mon-Fri": missing times after "Mon-Fri"`},
		{"Mon; Wed 9-17", "", `hours "Mon; Wed 9-17": missing times after "Mon"`},
		{"Mon-Fri 9-17, Sat", "", `hours "Mon-Fri 9-17, Sat": missing times after "Sat"`},
		{"Mon-Fri noon-5pm", "", `hours "Mon-Fri noon-5pm": "noon-5pm" after "Mon-Fri" is not a span of hours such as 09:00-17:00`},
		{"9-17", "", `hours "9-17": 9-17 needs days before it, as in "Mon-Fri 9-17"`},
		{"Mon-Fri 9-17 closed", "", `hours "Mon-Fri 9-17 closed": "closed" needs days before it, as in "Sun closed"`},
		{"Mon 9:00", "", `hours "Mon 9:00": 9:00 is not a span of hours such as 09:00-17:00`},
		{"Mon 9-12-17", "", `hours "Mon 9-12-17": 9-12-17 is not a span of hours such as 09:00-17:00`},
		{"Mon 9:00-9:00", "", `hours "Mon 9:00-9:00": 9:00-9:00 starts and ends at the same time`},
		{"Mon 00:00-00:00", "", `hours "Mon 00:00-00:00": 00:00-00:00 starts and ends at the same time; write 00:00-24:00 for the whole day`},
		{"Mon 24:00-02:00", "", `hours "Mon 24:00-02:00": 24:00-02:00 cannot start at 24:00; write 00:00`},
		// "9-5" on a 24-hour clock runs 20 hours overnight; nobody means that.
		{"Mon-Fri 9-5", "", `hours "Mon-Fri 9-5": 9-5 is ambiguous: write 9am-5pm, or 09:00-05:00 to run overnight`},
		{"Sat 10:30-2:30", "", `hours "Sat 10:30-2:30": 10:30-2:30 is ambiguous: write 10:30am-2:30pm, or 10:30-02:30 to run overnight`},
		{"Mon-Fri 9-17", "Mars/Olympus", `hours "Mon-Fri 9-17": time zone "Mars/Olympus": unknown time zone Mars/Olympus`},
		// The server's zone is not the business's.
		{"Mon-Fri 9-17", "Local", `hours "Mon-Fri 9-17": time zone "Local": name an IANA zone such as America/Denver`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.spec, tt.tz)
			if err == nil {
				t.Fatalf("Parse = %q, want error %q", s, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustParse of a bad spec did not panic")
		}
	}()
	MustParse("Mon-Fri 9-25", "UTC")
}

// moment is what a schedule says about one instant.
type moment struct {
	at        string // RFC 3339, mostly in UTC so that the zone conversion is under test
	open      bool
	nextOpen  string // "" for the zero time
	nextClose string // "" for the zero time
}

func checkMoments(t *testing.T, s Schedule, moments []moment) {
	t.Helper()
	for _, m := range moments {
		at := parseTime(t, m.at)
		local := at.In(s.Location()).Format("Mon 2006-01-02 15:04:05 MST")
		if got := s.Open(at); got != m.open {
			t.Errorf("%s (%s): Open = %v, want %v", m.at, local, got, m.open)
		}
		if got, want := s.NextOpen(at), parseTime(t, m.nextOpen); !got.Equal(want) {
			t.Errorf("%s (%s): NextOpen = %s, want %s", m.at, local, got.UTC().Format(time.RFC3339), m.nextOpen)
		}
		if got, want := s.NextClose(at), parseTime(t, m.nextClose); !got.Equal(want) {
			t.Errorf("%s (%s): NextClose = %s, want %s", m.at, local, got.UTC().Format(time.RFC3339), m.nextClose)
		}
	}
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("bad time in test table: %v", err)
	}
	return at
}

func TestWeekdaysInDenver(t *testing.T) {
	t.Parallel()
	s := MustParse("Mon-Fri 09:00-17:00", "America/Denver")

	// January is MST, UTC-7: 09:00 is 16:00Z and 17:00 is 00:00Z the next UTC day.
	checkMoments(t, s, []moment{
		{"2026-01-12T06:00:00Z", false, "2026-01-12T16:00:00Z", ""}, // Sunday 23:00 local though Monday in UTC
		{"2026-01-12T15:59:59.5Z", false, "2026-01-12T16:00:00Z", ""},
		{"2026-01-12T16:00:00Z", true, "2026-01-12T16:00:00Z", "2026-01-13T00:00:00Z"}, // opening is inclusive
		{"2026-01-12T23:59:59Z", true, "2026-01-12T23:59:59Z", "2026-01-13T00:00:00Z"},
		{"2026-01-13T00:00:00Z", false, "2026-01-13T16:00:00Z", ""}, // closing is exclusive
		{"2026-01-14T19:00:00Z", true, "2026-01-14T19:00:00Z", "2026-01-15T00:00:00Z"},
		{"2026-01-16T23:59:00Z", true, "2026-01-16T23:59:00Z", "2026-01-17T00:00:00Z"},
		// Friday evening, the weekend: next open is Monday 09:00.
		{"2026-01-17T00:00:00Z", false, "2026-01-19T16:00:00Z", ""},
		{"2026-01-17T01:00:00Z", false, "2026-01-19T16:00:00Z", ""},
		{"2026-01-17T19:00:00Z", false, "2026-01-19T16:00:00Z", ""},
		{"2026-01-18T19:00:00Z", false, "2026-01-19T16:00:00Z", ""},
		// July is MDT, UTC-6.
		{"2026-07-06T14:59:00Z", false, "2026-07-06T15:00:00Z", ""},
		{"2026-07-06T15:00:00Z", true, "2026-07-06T15:00:00Z", "2026-07-06T23:00:00Z"},
	})
}

func TestOvernight(t *testing.T) {
	t.Parallel()

	t.Run("Friday night into Saturday", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Fri 22:00-02:00", "UTC"), []moment{
			{"2026-01-15T23:00:00Z", false, "2026-01-16T22:00:00Z", ""}, // Thursday night
			{"2026-01-16T21:59:00Z", false, "2026-01-16T22:00:00Z", ""},
			{"2026-01-16T22:00:00Z", true, "2026-01-16T22:00:00Z", "2026-01-17T02:00:00Z"},
			{"2026-01-17T01:00:00Z", true, "2026-01-17T01:00:00Z", "2026-01-17T02:00:00Z"}, // Saturday 01:00
			{"2026-01-17T02:00:00Z", false, "2026-01-23T22:00:00Z", ""},
		})
	})
	t.Run("Saturday night into Sunday, across the week's end", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Sat 22:00-02:00", "UTC"), []moment{
			{"2026-01-17T23:00:00Z", true, "2026-01-17T23:00:00Z", "2026-01-18T02:00:00Z"},
			{"2026-01-18T01:00:00Z", true, "2026-01-18T01:00:00Z", "2026-01-18T02:00:00Z"},
			{"2026-01-18T02:00:00Z", false, "2026-01-24T22:00:00Z", ""},
		})
	})
	t.Run("back to back days are one stretch", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Mon-Fri 22:00-24:00, Tue-Sat 00:00-06:00", "UTC"), []moment{
			{"2026-01-12T23:00:00Z", true, "2026-01-12T23:00:00Z", "2026-01-13T06:00:00Z"},
		})
	})
}

func TestSaturdayOnly(t *testing.T) {
	t.Parallel()
	// America/Chicago is CST, UTC-6, in January.
	checkMoments(t, MustParse("Sat 10:00-14:00", "America/Chicago"), []moment{
		{"2026-01-11T18:00:00Z", false, "2026-01-17T16:00:00Z", ""}, // a Sunday: six days to wait
		{"2026-01-17T15:59:00Z", false, "2026-01-17T16:00:00Z", ""},
		{"2026-01-17T19:59:00Z", true, "2026-01-17T19:59:00Z", "2026-01-17T20:00:00Z"},
		{"2026-01-17T20:00:00Z", false, "2026-01-24T16:00:00Z", ""}, // a whole week
	})
}

func TestDaylightSavingInNewYork(t *testing.T) {
	t.Parallel()

	// 2026-03-08 02:00 EST (07:00Z) the clocks jump to 03:00 EDT;
	// 2026-11-01 02:00 EDT (06:00Z) they fall back to 01:00 EST.
	t.Run("an opening is at 09:00 local on both sides", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Daily 09:00-17:00", "America/New_York"), []moment{
			{"2026-03-07T21:59:00Z", true, "2026-03-07T21:59:00Z", "2026-03-07T22:00:00Z"}, // Saturday, EST
			{"2026-03-07T22:00:00Z", false, "2026-03-08T13:00:00Z", ""},                    // to Sunday 09:00 EDT, 14 real hours
			{"2026-03-08T12:59:59Z", false, "2026-03-08T13:00:00Z", ""},
			{"2026-03-08T13:00:00Z", true, "2026-03-08T13:00:00Z", "2026-03-08T21:00:00Z"},
			{"2026-10-31T21:00:00Z", false, "2026-11-01T14:00:00Z", ""}, // Saturday 17:00 EDT to Sunday 09:00 EST
			{"2026-11-01T13:59:00Z", false, "2026-11-01T14:00:00Z", ""},
			{"2026-11-01T14:00:00Z", true, "2026-11-01T14:00:00Z", "2026-11-01T22:00:00Z"},
		})
	})
	t.Run("a span starting in the spring-forward gap opens after it", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Sun 02:30-04:00", "America/New_York"), []moment{
			{"2026-03-01T07:30:00Z", true, "2026-03-01T07:30:00Z", "2026-03-01T09:00:00Z"}, // an ordinary Sunday
			{"2026-03-08T06:00:00Z", false, "2026-03-08T07:00:00Z", ""},                    // 01:00 EST: opens at 03:00 EDT
			{"2026-03-08T06:59:59Z", false, "2026-03-08T07:00:00Z", ""},
			{"2026-03-08T07:00:00Z", true, "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"},
		})
	})
	t.Run("a span wholly inside the gap does not open that day", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Sun 02:00-02:30", "America/New_York"), []moment{
			{"2026-03-08T06:00:00Z", false, "2026-03-15T06:00:00Z", ""},
		})
	})
	t.Run("the repeated hour in the fall is open twice", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Sun 01:00-01:30", "America/New_York"), []moment{
			{"2026-11-01T05:00:00Z", true, "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z"}, // 01:00 EDT
			{"2026-11-01T05:45:00Z", false, "2026-11-01T06:00:00Z", ""},                    // 01:45 EDT: 01:00 EST comes next
			{"2026-11-01T06:00:00Z", true, "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z"},
			{"2026-11-01T06:30:00Z", false, "2026-11-08T06:00:00Z", ""},
		})
	})
	t.Run("an overnight span is shorter or longer in real time", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Sat 22:00-06:00", "America/New_York"), []moment{
			{"2026-03-08T03:00:00Z", true, "2026-03-08T03:00:00Z", "2026-03-08T10:00:00Z"}, // 7 hours
			{"2026-11-01T02:00:00Z", true, "2026-11-01T02:00:00Z", "2026-11-01T11:00:00Z"}, // 9 hours
		})
	})
}

func TestZonesFarFromUTC(t *testing.T) {
	t.Parallel()

	t.Run("Asia/Kolkata, UTC+5:30", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Mon-Fri 09:00-17:00", "Asia/Kolkata"), []moment{
			{"2026-01-11T20:00:00Z", false, "2026-01-12T03:30:00Z", ""}, // Sunday in UTC, Monday 01:30 local
			{"2026-01-12T03:30:00Z", true, "2026-01-12T03:30:00Z", "2026-01-12T11:30:00Z"},
			{"2026-01-16T11:29:59Z", true, "2026-01-16T11:29:59Z", "2026-01-16T11:30:00Z"},
			{"2026-01-16T11:30:00Z", false, "2026-01-19T03:30:00Z", ""},
			{"2026-01-16T20:00:00Z", false, "2026-01-19T03:30:00Z", ""}, // Friday in UTC, Saturday local
		})
	})
	t.Run("Pacific/Auckland, UTC+13 in January", func(t *testing.T) {
		t.Parallel()
		checkMoments(t, MustParse("Mon-Fri 09:00-17:00", "Pacific/Auckland"), []moment{
			{"2026-01-11T19:59:00Z", false, "2026-01-11T20:00:00Z", ""},
			{"2026-01-11T20:00:00Z", true, "2026-01-11T20:00:00Z", "2026-01-12T04:00:00Z"}, // Sunday in UTC, Monday 09:00 local
			{"2026-01-16T04:00:00Z", false, "2026-01-18T20:00:00Z", ""},
			{"2026-01-16T12:00:00Z", false, "2026-01-18T20:00:00Z", ""},                    // Friday in UTC, Saturday local
			{"2026-07-05T21:00:00Z", true, "2026-07-05T21:00:00Z", "2026-07-06T05:00:00Z"}, // NZST, UTC+12
		})
	})
}

func TestNeverAndAlways(t *testing.T) {
	t.Parallel()
	at := "2026-01-14T12:00:00Z"

	for _, s := range []Schedule{{}, MustParse("", "America/Denver"), MustParse("closed", "UTC")} {
		if !s.IsZero() {
			t.Errorf("%q: IsZero = false", s)
		}
		checkMoments(t, s, []moment{{at, false, "", ""}})
	}
	// Always open never closes: NextClose has nothing to say.
	checkMoments(t, MustParse("24/7", "Asia/Kolkata"), []moment{{at, true, at, ""}})

	var zero Schedule
	if zero.Location() != time.UTC || zero.TimeZone() != "UTC" || zero.String() != "closed" {
		t.Errorf("zero Schedule: Location %v, TimeZone %q, String %q", zero.Location(), zero.TimeZone(), zero)
	}
	if !zero.Equal(MustParse("", "")) {
		t.Error("the zero Schedule is not Equal to Parse(\"\", \"\")")
	}
}

// TestMatchesWallClock checks a year of instants against the calendar as
// the time package reads it.
func TestMatchesWallClock(t *testing.T) {
	t.Parallel()
	s := MustParse("Mon-Fri 09:00-17:00", "America/New_York")
	loc := s.Location()
	for at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() == 2026; at = at.Add(7 * time.Minute) {
		local := at.In(loc)
		want := local.Weekday() >= time.Monday && local.Weekday() <= time.Friday && local.Hour() >= 9 && local.Hour() < 17
		if got := s.Open(at); got != want {
			t.Fatalf("Open(%s) = %v, want %v", local, got, want)
		}
		next := s.NextOpen(at).In(loc)
		if !want && (next.Hour() != 9 || next.Minute() != 0 || next.Sub(at) > 3*24*time.Hour) {
			t.Fatalf("NextOpen(%s) = %s", local, next)
		}
	}
}

func TestSay(t *testing.T) {
	t.Parallel()
	s := MustParse("Mon-Fri 09:00-17:00", "America/New_York")
	// Monday 2026-01-12 20:00 EST, already Tuesday in UTC.
	now := parseTime(t, "2026-01-13T01:00:00Z")

	tests := []struct {
		at   string
		want string
	}{
		{"2026-01-13T02:30:00Z", "today at 9:30 PM"},
		{"2026-01-12T14:00:00Z", "today at 9:00 AM"},
		{"2026-01-13T14:00:00Z", "tomorrow at 9:00 AM"},
		{"2026-01-14T05:00:00Z", "Wednesday at 12:00 AM"},
		{"2026-01-15T17:00:00Z", "Thursday at 12:00 PM"},
		{"2026-01-18T14:00:00Z", "Sunday at 9:00 AM"},
		{"2026-01-19T14:00:00Z", "Mon, Jan 19 at 9:00 AM"}, // a week away, the same weekday: name the date
		{"2026-01-11T14:00:00Z", "Sun, Jan 11 at 9:00 AM"},
	}
	for _, tt := range tests {
		if got := s.Say(parseTime(t, tt.at), now); got != tt.want {
			t.Errorf("Say(%s) = %q, want %q", tt.at, got, tt.want)
		}
	}

	t.Run("a lead on Friday evening hears about Monday", func(t *testing.T) {
		t.Parallel()
		s := MustParse("Mon-Fri 09:00-17:00", "America/Denver")
		now := parseTime(t, "2026-01-17T01:00:00Z")
		if got, want := s.Say(s.NextOpen(now), now), "Monday at 9:00 AM"; got != want {
			t.Errorf("Say(NextOpen) = %q, want %q", got, want)
		}
	})
	t.Run("days count by the calendar across a DST change", func(t *testing.T) {
		t.Parallel()
		now := parseTime(t, "2026-03-08T04:30:00Z") // Saturday 23:30 EST
		if got, want := s.Say(parseTime(t, "2026-03-09T13:00:00Z"), now), "Monday at 9:00 AM"; got != want {
			t.Errorf("Say = %q, want %q", got, want)
		}
	})
	t.Run("the zero Schedule speaks UTC", func(t *testing.T) {
		t.Parallel()
		got := Schedule{}.Say(parseTime(t, "2026-01-13T09:05:00Z"), parseTime(t, "2026-01-12T23:00:00Z"))
		if want := "tomorrow at 9:05 AM"; got != want {
			t.Errorf("Say = %q, want %q", got, want)
		}
	})
}

// fuzzZones includes odd ones: half-hour DST (Lord Howe), a skipped day
// (Apia, 2011-12-30), quarter-hour offsets (Kathmandu).
var fuzzZones = []string{
	"UTC", "America/New_York", "America/Denver", "Asia/Kolkata", "Pacific/Auckland",
	"Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu", "America/St_Johns", "Europe/London",
}

// fuzzInstants are near zone changes, where mistakes hide.
var fuzzInstants = []string{
	"2026-03-08T06:59:30Z", "2026-03-08T07:00:00Z", "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z",
	"2026-04-04T13:30:00Z", "2026-09-26T13:59:00Z", "2026-04-04T14:45:00Z", "2011-12-30T09:00:00Z",
	"2026-03-29T00:59:00Z", "2026-10-25T00:30:00Z",
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"Mon-Fri 09:00-17:00", "Mon,Wed,Fri 09:00-17:00, Sat 10:00-14:00", "Mon-Fri 08:00-12:00 13:00-17:00",
		"Mon-Sun 09:00-17:00, Sun closed", "Fri 22:00-02:00", "Sat 22:00-02:00", "Daily 22:00-06:00",
		"", "closed", "24/7", "always", "24/7, Sun closed", "Weekdays 9am-5pm; weekends 10-2pm",
		"Every day 0:00-24:00", "Sun 02:00-02:30", "Sun 01:00-01:30", "Fri-Mon 9:30am-5:30pm",
		"Mon 09:00-24:00, Tue 00:00-09:00", "Mon-Fri 9-5", "Mon 9 am - 5 pm", "Tue 23:59-00:00",
	}
	for i, spec := range seeds {
		f.Add(spec, uint8(i), int64(i)*1_234_567_891)
	}
	base := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	const seconds = 100 * 365 * 24 * 3600
	f.Fuzz(func(t *testing.T, spec string, zone uint8, seed int64) {
		tz := fuzzZones[int(zone)%len(fuzzZones)]
		s, err := Parse(spec, tz)
		if err != nil {
			return
		}
		again, err := Parse(s.String(), tz)
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", spec, s, err)
		}
		if !again.Equal(s) {
			t.Fatalf("Parse(%q) = %q, which parses to %q", spec, s, again)
		}
		at := base.Add(time.Duration((seed%seconds+seconds)%seconds)*time.Second + time.Duration(seed&0xfff)*time.Millisecond)
		instants := []time.Time{at, at.Add(29 * time.Hour), at.Add(83 * time.Hour)}
		for _, v := range fuzzInstants {
			instants = append(instants, parseTime(t, v))
		}
		for _, at := range instants {
			if s.Open(at) != again.Open(at) {
				t.Fatalf("%q and %q disagree on Open(%s)", spec, s, at)
			}
			checkNext(t, s, at)
		}
	})
}

// checkNext holds NextOpen and NextClose to what they promise: the first
// instant from at in the wanted state, with nothing in between.
func checkNext(t *testing.T, s Schedule, at time.Time) {
	t.Helper()
	open := s.NextOpen(at)
	if s.IsZero() {
		if !open.IsZero() {
			t.Fatalf("%q: NextOpen(%s) = %s, want zero", s, at, open)
		}
		return
	}
	switch {
	case open.IsZero() || open.Before(at) || !s.Open(open):
		t.Fatalf("%q in %s: NextOpen(%s) = %s, which is not open", s, s.TimeZone(), at, open)
	case s.Open(at) != open.Equal(at):
		t.Fatalf("%q in %s: Open(%s) = %v but NextOpen = %s", s, s.TimeZone(), at, s.Open(at), open)
	case open.After(at) && s.Open(open.Add(-time.Nanosecond)):
		t.Fatalf("%q in %s: NextOpen(%s) = %s, but it was open just before", s, s.TimeZone(), at, open)
	}
	for _, part := range []time.Duration{4, 2} {
		if probe := at.Add(open.Sub(at) / part); probe.Before(open) && s.Open(probe) {
			t.Fatalf("%q in %s: NextOpen(%s) = %s, but %s is open", s, s.TimeZone(), at, open, probe)
		}
	}

	end := s.NextClose(open)
	if s.String() == "24/7" {
		if !end.IsZero() {
			t.Fatalf("24/7: NextClose = %s, want zero", end)
		}
		return
	}
	switch {
	case !end.After(open) || s.Open(end):
		t.Fatalf("%q in %s: NextClose(%s) = %s, which is not closed", s, s.TimeZone(), open, end)
	case !s.Open(end.Add(-time.Nanosecond)):
		t.Fatalf("%q in %s: NextClose(%s) = %s, but it had closed before", s, s.TimeZone(), open, end)
	}
	for _, part := range []time.Duration{4, 2} {
		if probe := open.Add(end.Sub(open) / part); !s.Open(probe) {
			t.Fatalf("%q in %s: NextClose(%s) = %s, but %s is closed", s, s.TimeZone(), open, end, probe)
		}
	}
	if !s.NextClose(end).IsZero() {
		t.Fatalf("%q: NextClose(%s) when closed is not zero", s, end)
	}
}
