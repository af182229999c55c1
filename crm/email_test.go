package crm_test

import (
	"errors"
	"testing"

	"github.com/leadagent/leadagent/crm"
)

func TestContactForEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tx, err := b.db.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(b.ctx)
	c, created, err := crm.ContactForEmail(b.ctx, tx, "Dana@Example.com", "Dana")
	if err != nil || !created {
		t.Fatalf("first: created %v, err %v", created, err)
	}
	if c.Phone != "" || c.PhoneValid || c.Email != "dana@example.com" || c.Source != "email" {
		t.Errorf("contact %+v", c)
	}
	again, created, err := crm.ContactForEmail(b.ctx, tx, "dana@example.COM", "")
	if err != nil || created || again.ID != c.ID {
		t.Errorf("second: %s created %v err %v, want %s", again.ID, created, err, c.ID)
	}
	if _, _, err := crm.ContactForEmail(b.ctx, tx, "not an address", ""); err == nil {
		t.Error("a non-address made a contact")
	}
}

func TestEmailTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c1, v1 := b.conversation(t, "+19705550101")
	c2, _ := b.conversation(t, "+19705550102")
	t1, err := crm.UnsubscribeToken(b.ctx, b.db, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	t1again, err := crm.UnsubscribeToken(b.ctx, b.db, c1.ID)
	if err != nil || t1again != t1 {
		t.Errorf("token changed: %q then %q (%v)", t1, t1again, err)
	}
	t2, err := crm.UnsubscribeToken(b.ctx, b.db, c2.ID)
	if err != nil || t2 == t1 || len(t1) != 40 {
		t.Errorf("tokens %q and %q (%v)", t1, t2, err)
	}
	got, err := crm.ContactByUnsubscribeToken(b.ctx, b.db, t1)
	if err != nil || got.ID != c1.ID {
		t.Errorf("by token: %s, %v", got.ID, err)
	}
	if _, err := crm.ContactByUnsubscribeToken(b.ctx, b.db, "0000"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	rt, err := crm.ReplyToken(b.ctx, b.db, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := crm.ConversationByReplyToken(b.ctx, b.db, rt)
	if err != nil || conv.ID != v1.ID || conv.Contact.ID != c1.ID {
		t.Errorf("by reply token: %+v, %v", conv, err)
	}
	if _, err := crm.UnsubscribeToken(b.ctx, b.db, "nope"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("bad id: %v", err)
	}
}
