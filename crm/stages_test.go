package crm_test

import (
	"errors"
	"testing"

	"github.com/leadagent/leadagent/crm"
)

// TestSetStage: a move is kept on the contact and on the conversation's
// timeline; a move to where the contact already is records nothing.
func TestSetStage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, v := b.conversation(t, "+19705552201")
	move := crm.StageChange{ContactID: c.ID, ConversationID: v.ID, To: crm.StageCustomer, By: "Alex Rivera", Why: "closed as booked"}
	for i, want := range []bool{true, false} {
		if changed, err := crm.SetStage(b.ctx, b.db, move); err != nil || changed != want {
			t.Fatalf("move %d: changed %v, %v; want %v", i+1, changed, err, want)
		}
	}
	if got, err := crm.GetContact(b.ctx, b.db, c.ID); err != nil || got.Stage != crm.StageCustomer {
		t.Fatalf("stage %q, %v; want customer", got.Stage, err)
	}
	events, err := crm.Timeline(b.ctx, b.db, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var moves []crm.StageChanged
	for _, e := range events {
		if e.Kind == crm.EventStageChanged {
			d, err := crm.DetailAs[crm.StageChanged](e)
			if err != nil {
				t.Fatal(err)
			}
			moves = append(moves, d)
		}
	}
	if len(moves) != 1 || moves[0].From != crm.StageNew || moves[0].To != crm.StageCustomer || moves[0].By != "Alex Rivera" {
		t.Fatalf("stage events %v, want one from new to customer by Alex Rivera", moves)
	}
	move.ContactID = "00000000-0000-0000-0000-000000000000"
	if _, err := crm.SetStage(b.ctx, b.db, move); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("an unknown contact: %v, want ErrNotFound", err)
	}
}
