package handoff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"
)

// BusinessHours is when reps are at work, as last set in the console.
type BusinessHours struct {
	Schedule  hours.Schedule
	UpdatedBy string     // "" while the configured default applies
	UpdatedAt *time.Time // nil while the configured default applies
}

// LoadBusinessHours returns the business hours the console set, or def
// when nobody has set them.
func LoadBusinessHours(ctx context.Context, db crm.DB, def hours.Schedule) (BusinessHours, error) {
	var spec, tz, by string
	var at time.Time
	err := db.QueryRow(ctx, `SELECT hours, timezone, updated_by, updated_at FROM business_hours WHERE id = 1`).Scan(&spec, &tz, &by, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return BusinessHours{Schedule: def}, nil
	}
	if err != nil {
		return BusinessHours{}, fmt.Errorf("business hours: %w", err)
	}
	s, err := hours.Parse(spec, tz)
	if err != nil {
		return BusinessHours{}, fmt.Errorf("business hours as stored: %w", err)
	}
	return BusinessHours{Schedule: s, UpdatedBy: by, UpdatedAt: &at}, nil
}

// SaveBusinessHours parses and stores the business hours; they apply to
// the next routing decision of every process.
func SaveBusinessHours(ctx context.Context, db crm.DB, spec, tz, by string) (BusinessHours, error) {
	s, err := hours.Parse(spec, tz)
	if err != nil {
		field := "hours"
		if strings.Contains(err.Error(), "time zone") {
			field = "timezone"
		}
		return BusinessHours{}, &crm.InvalidError{Field: field, Reason: err.Error()}
	}
	if strings.TrimSpace(by) == "" {
		return BusinessHours{}, &crm.InvalidError{Field: "updated_by", Reason: "is required"}
	}
	var at time.Time
	err = db.QueryRow(ctx, `INSERT INTO business_hours (id, timezone, hours, updated_by) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET timezone = EXCLUDED.timezone, hours = EXCLUDED.hours,
			updated_by = EXCLUDED.updated_by, updated_at = now()
		RETURNING updated_at`, s.TimeZone(), s.String(), by).Scan(&at)
	if err != nil {
		return BusinessHours{}, fmt.Errorf("save business hours: %w", err)
	}
	return BusinessHours{Schedule: s, UpdatedBy: by, UpdatedAt: &at}, nil
}
