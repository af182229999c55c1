package crm_test

import (
	"testing"

	"github.com/leadagent/leadagent/crm"
)

func TestPhoneTimeZone(t *testing.T) {
	t.Parallel()
	tests := []struct{ phone, want string }{
		{"+19705551234", "America/Denver"},
		{"+12125551234", "America/New_York"},
		{"+13105551234", "America/Los_Angeles"},
		{"+447911123456", "Europe/Guernsey"}, // the UK's zones keep one clock
		{"+61412345678", "Australia/Sydney"},
		{"+18005551234", ""}, // toll free: anywhere
		{"12", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := crm.PhoneTimeZone(tt.phone); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.phone, got, tt.want)
		}
	}
}
