package email_test

import (
	"net/textproto"
	"strings"
	"testing"

	"github.com/leadagent/leadagent/channels/email"
)

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain", "Do you service Trane units?", "Do you service Trane units?"},
		{"gmail attribution", "Yes, Tuesday works.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Summit Home Services <leads@summit.example> wrote:\n> Would Tuesday work?\n",
			"Yes, Tuesday works."},
		{"wrapped attribution", "Sounds good\n\nOn Mon, Mar 2, 2026 at 10:00 AM Summit Home Services <\nleads+abc@summit.example> wrote:\n\n> Hi Dana",
			"Sounds good"},
		{"quoted lines only", "> earlier text\n> more\nMy answer", "My answer"},
		{"outlook original message", "Please call me.\r\n\r\n-----Original Message-----\r\nFrom: Summit\r\nSent: Monday\r\n\r\nHi", "Please call me."},
		{"outlook header block", "Thursday is fine\n\nFrom: Summit Home Services <leads@summit.example>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Dana\nSubject: quote",
			"Thursday is fine"},
		{"outlook rule", "ok\n________________________________\nFrom: Summit\nSent: Monday", "ok"},
		{"signature delimiter", "How much for a tune-up?\n\n-- \nDana Smith\nAcme Corp\n555-0100", "How much for a tune-up?"},
		{"sent from my iphone", "Yes please\n\nSent from my iPhone", "Yes please"},
		{"get outlook", "Thanks!\n\nGet Outlook for Android", "Thanks!"},
		{"a line starting with on", "On second thought, what about Friday?\nOk", "On second thought, what about Friday?\nOk"},
		{"closing and name", "What are your hours?\n\nThanks\nDana", "What are your hours?"},
		{"closing with a name on its line", "Do you do boilers?\nThanks, Dana", "Do you do boilers?"},
		{"closing and signature", "Can someone call me tomorrow?\n\nBest regards,\nDana Smith\nAcme Corp\n(970) 555-0100", "Can someone call me tomorrow?"},
		{"thanks alone is the message", "Thanks!", "Thanks!"},
		{"thanks then a question", "Thanks for the quote.\nThanks\nOne more thing: do you install heat pumps too?", "Thanks for the quote.\nThanks\nOne more thing: do you install heat pumps too?"},
		{"thanks in a sentence", "Do you do boilers? Thanks so much for getting back to me", "Do you do boilers? Thanks so much for getting back to me"},
		{"a long paragraph after a closing", "Hi\nThanks\nWe have an old furnace in the basement that is making a loud banging noise", "Hi\nThanks\nWe have an old furnace in the basement that is making a loud banging noise"},
		{"from in text", "From: the kitchen, there is a leak.\nCan you come?", "From: the kitchen, there is a leak.\nCan you come?"},
		{"empty", "", ""},
		{"only quote", "> everything quoted", ""},
	}
	for _, tt := range tests {
		if got := email.StripQuoted(tt.in); got != tt.want {
			t.Errorf("%s: StripQuoted(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func FuzzStripQuoted(f *testing.F) {
	for _, s := range []string{"hi\n> q\nOn x wrote:\n", "-- \nsig", "From: a\nSent: b", "\r\n\r\n", "On\nOn\nwrote:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := email.StripQuoted(in)
		if len(out) > len(in) {
			t.Fatalf("StripQuoted grew %q to %q", in, out)
		}
		norm := strings.ReplaceAll(in, "\r\n", "\n")
		for _, line := range strings.Split(out, "\n") {
			if !strings.Contains(norm, line) {
				t.Fatalf("StripQuoted(%q) made up the line %q", in, line)
			}
		}
	})
}

func TestClassify(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) textproto.MIMEHeader {
		m := textproto.MIMEHeader{}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Set(kv[i], kv[i+1])
		}
		return m
	}
	tests := []struct {
		name string
		in   email.Inbound
		want email.Classification
	}{
		{"person", email.Inbound{From: "dana@example.com", Subject: "Re: quote", Header: h()}, email.Classification{Kind: email.KindPersonal}},
		{"auto-submitted no", email.Inbound{From: "dana@example.com", Header: h("Auto-Submitted", "no")}, email.Classification{Kind: email.KindPersonal}},
		{"auto-replied", email.Inbound{From: "dana@example.com", Header: h("Auto-Submitted", "auto-replied")}, email.Classification{Kind: email.KindAutoReply}},
		{"auto-generated", email.Inbound{From: "dana@example.com", Header: h("Auto-Submitted", "Auto-Generated")}, email.Classification{Kind: email.KindAutoReply}},
		{"x-autoreply", email.Inbound{From: "dana@example.com", Header: h("X-Autoreply", "yes")}, email.Classification{Kind: email.KindAutoReply}},
		{"precedence bulk", email.Inbound{From: "dana@example.com", Header: h("Precedence", "bulk")}, email.Classification{Kind: email.KindAutoReply}},
		{"precedence auto_reply", email.Inbound{From: "dana@example.com", Header: h("Precedence", "auto_reply")}, email.Classification{Kind: email.KindAutoReply}},
		{"precedence junk", email.Inbound{From: "dana@example.com", Header: h("Precedence", "junk")}, email.Classification{Kind: email.KindAutoReply}},
		{"out of office subject", email.Inbound{From: "dana@example.com", Subject: "Out of Office: back Monday", Header: h()}, email.Classification{Kind: email.KindAutoReply}},
		{"automatic reply subject", email.Inbound{From: "dana@example.com", Subject: "Automatic reply: Your quote", Header: h()}, email.Classification{Kind: email.KindAutoReply}},
		{"dsn hard", email.Inbound{From: "mailer-daemon@mx.example.com", Header: h("Content-Type", `multipart/report; report-type=delivery-status; boundary="b"`),
			DeliveryStatus: "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n"},
			email.Classification{Kind: email.KindBounce, Hard: true, Status: "5.1.1", Recipient: "nobody@example.com"}},
		{"dsn soft", email.Inbound{From: "postmaster@example.com", Header: h(), DeliveryStatus: "Action: delayed\nStatus: 4.2.2\n"},
			email.Classification{Kind: email.KindBounce, Status: "4.2.2"}},
		{"mailer-daemon text only", email.Inbound{From: "MAILER-DAEMON@example.com", Header: h(), Text: "550 5.1.1 The email account that you tried to reach does not exist."},
			email.Classification{Kind: email.KindBounce, Hard: true, Status: "5.1.1"}},
		{"postmaster without status", email.Inbound{From: "postmaster@example.com", Header: h(), Text: "could not deliver"},
			email.Classification{Kind: email.KindBounce}},
	}
	for _, tt := range tests {
		if got := tt.in.Classify(); got != tt.want {
			t.Errorf("%s: Classify() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
