package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/store"
)

// rulesTable holds every saved version of the escalation rules.
const rulesTable = "escalation_rules"

// RulesVersion is one saved version of the escalation rules. Version 0 is
// the defaults built into the binary, live while nothing was saved.
type RulesVersion struct {
	Version   int       `json:"version"`
	Rules     Rules     `json:"rules"`
	Author    string    `json:"author"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Active    bool      `json:"active"`
}

// ActiveRules returns the rules in force: the active saved version, or the
// defaults (version 0). It is one indexed row, read on every turn, so a
// saved change applies to the next turn of every process.
func ActiveRules(ctx context.Context, db store.Querier) (RulesVersion, error) {
	v, err := store.ActiveVersion(ctx, db, rulesTable)
	if errors.Is(err, store.ErrNoVersion) {
		return RulesVersion{Rules: DefaultRules(), Author: "built in", Active: true}, nil
	}
	if err != nil {
		return RulesVersion{}, err
	}
	return decodeRules(v)
}

// SaveRules validates r, stores it as the next version and makes it the
// active one, in one transaction.
func SaveRules(ctx context.Context, db store.Beginner, r Rules, author, note string) (RulesVersion, error) {
	if err := r.Validate(); err != nil {
		return RulesVersion{}, err
	}
	author = strings.TrimSpace(author)
	if author == "" {
		return RulesVersion{}, &crm.InvalidError{Field: "author", Reason: "is required"}
	}
	body, err := json.Marshal(r)
	if err != nil {
		return RulesVersion{}, fmt.Errorf("save escalation rules: %w", err)
	}
	v, err := store.SaveVersion(ctx, db, rulesTable, body, author, strings.TrimSpace(note))
	if err != nil {
		return RulesVersion{}, err
	}
	return decodeRules(v)
}

// ActivateRules makes an earlier version the active one again (0: the
// defaults).
func ActivateRules(ctx context.Context, db store.Beginner, version int) error {
	err := store.ActivateVersion(ctx, db, rulesTable, version)
	if errors.Is(err, store.ErrNoVersion) {
		return fmt.Errorf("%w: %w", err, crm.ErrNotFound)
	}
	return err
}

// RulesVersions returns the saved versions, newest first, then the
// built-in defaults.
func RulesVersions(ctx context.Context, db store.Querier, limit int) ([]RulesVersion, error) {
	if limit <= 0 {
		limit = 50
	}
	saved, err := store.ListVersions(ctx, db, rulesTable, limit)
	if err != nil {
		return nil, err
	}
	list := make([]RulesVersion, 0, len(saved)+1)
	anyActive := false
	for _, s := range saved {
		v, err := decodeRules(s)
		if err != nil {
			return nil, err
		}
		anyActive = anyActive || v.Active
		list = append(list, v)
	}
	return append(list, RulesVersion{Rules: DefaultRules(), Author: "built in", Active: !anyActive}), nil
}

func decodeRules(s store.Version) (RulesVersion, error) {
	v := RulesVersion{Version: s.Number, Author: s.Author, Note: s.Note, CreatedAt: s.CreatedAt, Active: s.Active}
	// Start from the defaults so a field added after a version was saved
	// reads as its default, not as zero.
	v.Rules = DefaultRules()
	if err := json.Unmarshal(s.Body, &v.Rules); err != nil {
		return RulesVersion{}, fmt.Errorf("escalation rules v%d: %w", s.Number, err)
	}
	return v, nil
}
