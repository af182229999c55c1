package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/leadagent/leadagent/auth"
	"github.com/leadagent/leadagent/crm"
)

func TestLinkByToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	invite := func(email string) auth.Link {
		t.Helper()
		l, err := auth.Invite(b.ctx, b.db, auth.Invitation{Email: email, Role: auth.RoleAdmin, By: "dana@example.com"}, now)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	fresh := invite("fresh@example.com")
	used := invite("used@example.com")
	if _, err := auth.UseLink(b.ctx, b.db, used.Token, password, now); err != nil {
		t.Fatal(err)
	}
	superseded := invite("again@example.com")
	newer, err := auth.NewResetLink(b.ctx, b.db, superseded.User.ID, "dana@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	off := invite("off@example.com")
	b.user(t, "admin@example.com", auth.RoleAdmin, "")
	if _, err := auth.SetDisabled(b.ctx, b.db, off.User.ID, true); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		{"a fresh invite", fresh.Token, now, nil},
		{"a second before it expires", fresh.Token, now.Add(auth.LinkTTL - time.Second), nil},
		{"when it expires", fresh.Token, now.Add(auth.LinkTTL), auth.ErrLinkExpired},
		{"used already", used.Token, now, auth.ErrLinkUsed},
		{"superseded by a newer link", superseded.Token, now, auth.ErrNotFound},
		{"the newer link", newer.Token, now, nil},
		{"for a disabled login", off.Token, now, auth.ErrNotFound}, // disabling drops unused links
		{"unknown", "bm90IGEgdG9rZW4", now, auth.ErrNotFound},
		{"empty", "", now, auth.ErrNotFound},
	}
	for _, tt := range tests {
		l, err := auth.LinkByToken(b.ctx, b.db, tt.token, tt.at)
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if tt.want == nil && (l.User.ID == "" || l.Token != "") {
			t.Errorf("%s: link = %+v", tt.name, l)
		}
	}
	if newer.Purpose != auth.LinkInvite {
		t.Errorf("a new link for an invite not yet taken is a %q link", newer.Purpose)
	}
}

func TestUseLink(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	l, err := auth.Invite(b.ctx, b.db, auth.Invitation{Email: " Alex@Example.com", Role: auth.RoleRep, RepID: alex.ID, By: "dana@example.com"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !l.User.Invited || l.User.Email != "alex@example.com" || l.User.RepName != "Alex Rivera" || l.Purpose != auth.LinkInvite {
		t.Fatalf("invited %+v", l)
	}
	// Invited, no password yet: nothing signs in.
	if _, err := auth.Authenticate(b.ctx, b.db, "alex@example.com", ""); !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("sign in before the link: %v", err)
	}
	var invalid *crm.InvalidError
	if _, err := auth.UseLink(b.ctx, b.db, l.Token, "short", now); !errors.As(err, &invalid) {
		t.Fatalf("short password: %v", err)
	}
	u, err := auth.UseLink(b.ctx, b.db, l.Token, password, now)
	if err != nil || u.Invited {
		t.Fatalf("use link: %+v, %v", u, err)
	}
	if _, err := auth.Authenticate(b.ctx, b.db, "alex@example.com", password); err != nil {
		t.Fatalf("sign in after the link: %v", err)
	}
	if _, err := auth.UseLink(b.ctx, b.db, l.Token, "another password here", now); !errors.Is(err, auth.ErrLinkUsed) {
		t.Fatalf("second use: %v", err)
	}
	// The same email, or the same rep, cannot be invited twice.
	for _, in := range []auth.Invitation{{Email: "alex@example.com", Role: auth.RoleAdmin}, {Email: "other@example.com", Role: auth.RoleRep, RepID: alex.ID}} {
		if _, err := auth.Invite(b.ctx, b.db, in, now); !errors.Is(err, auth.ErrConflict) {
			t.Errorf("invite %+v again: %v", in, err)
		}
	}
	if _, err := auth.Invite(b.ctx, b.db, auth.Invitation{Email: "norep@example.com", Role: auth.RoleRep}, now); !errors.As(err, &invalid) {
		t.Errorf("a rep's invite without a rep: %v", err)
	}
}

func TestDisableAndRoles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	alex := b.rep(t, "Alex Rivera", "+19705550181")
	dana := b.user(t, "dana@example.com", auth.RoleAdmin, "")
	rep := b.user(t, "alex@example.com", auth.RoleRep, alex.ID)
	s, err := auth.NewSession(b.ctx, b.db, rep.ID, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := auth.SetDisabled(b.ctx, b.db, rep.ID, true); err != nil || !u.Disabled {
		t.Fatalf("disable: %+v, %v", u, err)
	}
	if _, err := auth.SessionByToken(b.ctx, b.db, s.Token, now); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("a disabled login's session: %v", err)
	}
	if _, err := auth.Authenticate(b.ctx, b.db, "alex@example.com", password); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("a disabled login signs in: %v", err)
	}
	if _, err := auth.NewResetLink(b.ctx, b.db, rep.ID, "dana@example.com", now); err == nil {
		t.Error("a disabled login got a reset link")
	}
	if _, err := auth.SetDisabled(b.ctx, b.db, rep.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Authenticate(b.ctx, b.db, "alex@example.com", password); err != nil {
		t.Errorf("enabled again: %v", err)
	}

	// Dana is the only admin: she can be neither disabled nor demoted.
	if _, err := auth.SetDisabled(b.ctx, b.db, dana.ID, true); !errors.Is(err, auth.ErrLastAdmin) {
		t.Errorf("disable the last admin: %v", err)
	}
	var invalid *crm.InvalidError
	if _, err := auth.SetRole(b.ctx, b.db, dana.ID, auth.RoleRep); !errors.As(err, &invalid) {
		t.Errorf("demote an admin without a rep: %v", err)
	}
	if u, err := auth.SetRole(b.ctx, b.db, rep.ID, auth.RoleAdmin); err != nil || u.Role != auth.RoleAdmin {
		t.Fatalf("promote: %+v, %v", u, err)
	}
	if _, err := auth.SetDisabled(b.ctx, b.db, dana.ID, true); err != nil {
		t.Errorf("disable one of two admins: %v", err)
	}
	if _, err := auth.SetRole(b.ctx, b.db, rep.ID, auth.RoleRep); !errors.Is(err, auth.ErrLastAdmin) {
		t.Errorf("demote the last active admin: %v", err)
	}
	if _, err := auth.SetRole(b.ctx, b.db, rep.ID, "owner"); !errors.As(err, &invalid) {
		t.Errorf("a made-up role: %v", err)
	}
}
