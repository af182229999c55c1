package crm

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// A contact's stage: where the lead stands with the business. Every
// contact starts as StageNew; a rep's close moves it (handoff owns which
// outcome leads to which stage).
const (
	StageNew      = "new"
	StageQuoted   = "quoted"
	StageCustomer = "customer"
	StageLost     = "lost"
	// StageInvalid is a contact who was never a lead: a wrong number, spam.
	StageInvalid = "invalid"
)

// EventStageChanged records a contact's move from one stage to another
// (StageChanged).
const EventStageChanged = "stage_changed"

// StageChange is a move of a contact's stage, recorded on the timeline of
// the conversation it came from.
type StageChange struct {
	ContactID      string
	ConversationID string
	To             string
	By             string // who moved it, in words
	Why            string // what moved it: "closed as booked"
}

// SetStage moves a contact to c.To and records the move on the timeline.
// A contact already at c.To is left alone (changed is false).
func SetStage(ctx context.Context, db DB, c StageChange) (changed bool, err error) {
	var from string
	err = db.QueryRow(ctx, `UPDATE contacts SET stage = $2
		FROM (SELECT id, stage FROM contacts WHERE id = $1 FOR UPDATE) old
		WHERE contacts.id = old.id AND old.stage <> $2 RETURNING old.stage`, c.ContactID, c.To).Scan(&from)
	if errors.Is(err, pgx.ErrNoRows) {
		// Already there, or no such contact: say which.
		if _, err := GetContact(ctx, db, c.ContactID); err != nil {
			return false, fmt.Errorf("set stage of %s: %w", c.ContactID, err)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("set stage of %s: %w", c.ContactID, err)
	}
	return true, AddEvent(ctx, db, NewEvent{ConversationID: c.ConversationID, ContactID: c.ContactID,
		Detail: StageChanged{From: from, To: c.To, By: c.By, Why: c.Why}})
}
