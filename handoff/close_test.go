package handoff_test

import (
	"testing"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// TestStageAfterClose is where a close leaves the contact, by outcome.
func TestStageAfterClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		stage, outcome string
		want           string
		moves          bool
	}{
		{crm.StageNew, "booked", crm.StageCustomer, true},
		{crm.StageNew, "quoted", crm.StageQuoted, true},
		{crm.StageQuoted, "booked", crm.StageCustomer, true},
		{crm.StageNew, "not_interested", crm.StageLost, true},
		{crm.StageNew, "no_response", crm.StageLost, true},
		{crm.StageNew, "wrong_number", crm.StageInvalid, true},
		{crm.StageNew, "spam", crm.StageInvalid, true},
		{crm.StageQuoted, "other", crm.StageQuoted, false},
		{crm.StageCustomer, "booked", crm.StageCustomer, false},
		{crm.StageCustomer, "not_interested", crm.StageCustomer, false}, // a customer stays one
		{crm.StageLost, "booked", crm.StageCustomer, true},
	}
	for _, tt := range tests {
		got, moves := handoff.StageAfterClose(tt.stage, tt.outcome)
		if got != tt.want || moves != tt.moves {
			t.Errorf("%s closed as %s: %q, %v; want %q, %v", tt.stage, tt.outcome, got, moves, tt.want, tt.moves)
		}
	}
	for _, o := range handoff.CloseOutcomes {
		if _, moves := handoff.StageAfterClose(crm.StageNew, o); !moves && o != "other" {
			t.Errorf("closing a new lead as %s leaves its stage", o)
		}
	}
}
