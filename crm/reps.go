package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/leadagent/leadagent/internal/errkind"
)

// Rep is a person who takes conversations over from the agent.
type Rep struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"` // E.164: where handoff texts go
	Email string `json:"email,omitempty"`
	// OnCall reps are on duty outside business hours too.
	OnCall bool `json:"on_call"`
	// Active reps take handoffs at all; an inactive one (away, left) is
	// never chosen.
	Active         bool       `json:"active"`
	LastAssignedAt *time.Time `json:"last_assigned_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// OnDuty reports whether the rep takes handoffs now: active, and either
// inside business hours (open) or on call. NextRep and AnyRepOnDuty apply
// the same rule in SQL.
func (r Rep) OnDuty(open bool) bool { return r.Active && (open || r.OnCall) }

// ErrConflict is returned when a write would break a uniqueness rule (a
// second rep of the same name).
var ErrConflict = errkind.Conflict

// InvalidError is bad input, with what is wrong in words a user can act on.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

// Is makes every InvalidError of errkind.Invalid.
func (e *InvalidError) Is(target error) bool { return target == errkind.Invalid }

const repColumns = `r.id::text, r.name, r.phone, r.email, r.on_call, r.active, r.last_assigned_at, r.created_at`

func scanRep(row interface{ Scan(...any) error }, r *Rep) error {
	return row.Scan(&r.ID, &r.Name, &r.Phone, &r.Email, &r.OnCall, &r.Active, &r.LastAssignedAt, &r.CreatedAt)
}

func collectReps(rows pgx.Rows, err error, what string) ([]Rep, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Rep, error) {
		var r Rep
		err := scanRep(row, &r)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}

// NewRep is a rep to add.
type NewRep struct {
	Name   string
	Phone  string // any format the region reads; stored in E.164
	Email  string
	OnCall bool
}

// AddRep adds a rep. The phone must be a real number (handoff texts go
// there); a second rep with the same name is ErrConflict.
func AddRep(ctx context.Context, db DB, in NewRep, region string) (Rep, error) {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if in.Name == "" {
		return Rep{}, &InvalidError{"name", "is required"}
	}
	phone, ok := NormalizePhone(in.Phone, region)
	if !ok {
		return Rep{}, &InvalidError{"phone", fmt.Sprintf("%q is not a phone number", in.Phone)}
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		return Rep{}, &InvalidError{"email", fmt.Sprintf("%q is not an email address", in.Email)}
	}
	var r Rep
	err := scanRep(db.QueryRow(ctx, `INSERT INTO reps AS r (name, phone, email, on_call) VALUES ($1, $2, $3, $4)
		RETURNING `+repColumns, in.Name, phone, in.Email, in.OnCall), &r)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return Rep{}, fmt.Errorf("add rep %q: a rep of that name exists: %w", in.Name, ErrConflict)
	}
	if err != nil {
		return Rep{}, fmt.Errorf("add rep %q: %w", in.Name, err)
	}
	return r, nil
}

// GetRep returns one rep.
func GetRep(ctx context.Context, db DB, id string) (Rep, error) {
	if !IsUUID(id) {
		return Rep{}, fmt.Errorf("get rep %q: %w", id, ErrNotFound)
	}
	var r Rep
	if err := scanRep(db.QueryRow(ctx, `SELECT `+repColumns+` FROM reps r WHERE r.id = $1`, id), &r); err != nil {
		return Rep{}, fmt.Errorf("get rep %s: %w", id, notFound(err))
	}
	return r, nil
}

// RepByName returns the rep with this name (any case).
func RepByName(ctx context.Context, db DB, name string) (Rep, error) {
	var r Rep
	if err := scanRep(db.QueryRow(ctx, `SELECT `+repColumns+` FROM reps r WHERE lower(r.name) = lower($1)`,
		strings.Join(strings.Fields(name), " ")), &r); err != nil {
		return Rep{}, fmt.Errorf("rep %q: %w", name, notFound(err))
	}
	return r, nil
}

// RepByEmail returns the rep with this email (any case).
func RepByEmail(ctx context.Context, db DB, email string) (Rep, error) {
	var r Rep
	email = strings.ToLower(strings.TrimSpace(email))
	if err := scanRep(db.QueryRow(ctx, `SELECT `+repColumns+` FROM reps r WHERE lower(r.email) = $1 AND r.email <> ''
		ORDER BY r.created_at LIMIT 1`, email), &r); err != nil {
		return Rep{}, fmt.Errorf("rep with email %q: %w", email, notFound(err))
	}
	return r, nil
}

// ListReps returns every rep, by name.
func ListReps(ctx context.Context, db DB) ([]Rep, error) {
	rows, err := db.Query(ctx, `SELECT `+repColumns+` FROM reps r ORDER BY lower(r.name)`)
	return collectReps(rows, err, "list reps")
}

// RepDuty is a change to a rep's availability; nil fields stay as they are.
type RepDuty struct {
	OnCall *bool
	Active *bool
}

// SetRepDuty changes whether a rep is on call or active.
func SetRepDuty(ctx context.Context, db DB, id string, d RepDuty) (Rep, error) {
	if !IsUUID(id) {
		return Rep{}, fmt.Errorf("set duty of rep %q: %w", id, ErrNotFound)
	}
	var r Rep
	err := scanRep(db.QueryRow(ctx, `UPDATE reps r SET on_call = COALESCE($2, r.on_call), active = COALESCE($3, r.active)
		WHERE r.id = $1 RETURNING `+repColumns, id, d.OnCall, d.Active), &r)
	if err != nil {
		return Rep{}, fmt.Errorf("set duty of rep %s: %w", id, notFound(err))
	}
	return r, nil
}

// RepPick says which reps NextRep may choose from.
type RepPick struct {
	// OnCallOnly limits the choice to reps on call (outside business hours).
	OnCallOnly bool
	// Exclude are reps already asked (an SLA step asks someone new).
	Exclude []string
	// Only, when set, is the one rep to consider (the lead's owner).
	Only string
	At   time.Time
}

// NextRep takes the next active rep in round-robin order (the one assigned
// longest ago) and stamps them as assigned at p.At, in one statement:
// concurrent handoffs skip a rep another transaction is stamping, so they
// spread over the reps instead of all landing on one. ErrNotFound when
// nobody qualifies.
func NextRep(ctx context.Context, db DB, p RepPick) (Rep, error) {
	exclude := p.Exclude
	if exclude == nil {
		exclude = []string{}
	}
	var only *string
	if p.Only != "" {
		if !IsUUID(p.Only) {
			return Rep{}, fmt.Errorf("next rep: %w", ErrNotFound)
		}
		only = &p.Only
	}
	var r Rep
	err := scanRep(db.QueryRow(ctx, `
		UPDATE reps r SET last_assigned_at = $1
		WHERE r.id = (
			SELECT c.id FROM reps c
			WHERE c.active AND (c.on_call OR NOT $2) AND NOT (c.id::text = ANY($3)) AND ($4::uuid IS NULL OR c.id = $4)
			ORDER BY c.last_assigned_at NULLS FIRST, c.created_at, c.id
			LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING `+repColumns, p.At, p.OnCallOnly, exclude, only), &r)
	if err != nil {
		return Rep{}, fmt.Errorf("next rep: %w", notFound(err))
	}
	return r, nil
}

// AnyRepOnDuty reports whether some active rep would take a handoff now:
// any, inside business hours; one on call, outside them.
func AnyRepOnDuty(ctx context.Context, db DB, open bool) (bool, error) {
	var yes bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reps WHERE active AND (on_call OR $1))`, open).Scan(&yes); err != nil {
		return false, fmt.Errorf("reps on duty: %w", err)
	}
	return yes, nil
}
