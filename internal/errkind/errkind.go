// Package errkind is the one set of kinds a domain error is of: not
// found, conflict, forbidden, gone, invalid, too many, unavailable. Domain
// packages declare their errors as of a kind (crm.ErrNotFound is NotFound
// itself; handoff.ErrClaimed is a Conflict in its own words), and the web
// layer maps a kind to an HTTP status in one place, without knowing which
// package an error came from.
//
// It imports nothing of the module, so every package may import it.
package errkind

import "errors"

// The kinds. Test with errors.Is(err, errkind.NotFound).
var (
	// NotFound: the thing asked for does not exist.
	NotFound = errors.New("not found")
	// Conflict: the write breaks a rule of the thing's present state (a
	// uniqueness rule, a conversation another rep has taken).
	Conflict = errors.New("conflict")
	// Forbidden: the actor may not do this.
	Forbidden = errors.New("forbidden")
	// Gone: the thing existed and cannot be used any more (a used link).
	Gone = errors.New("gone")
	// Invalid: the input breaks a rule of its own (a field missing).
	Invalid = errors.New("invalid")
	// TooMany: too many attempts; try again later.
	TooMany = errors.New("too many attempts")
	// Unavailable: a dependency (the database, the provider) is down or
	// busy for now.
	Unavailable = errors.New("temporarily unavailable")
)

// Error is a domain error a person may read: its words say what went
// wrong and what to do, and it is of a kind.
type Error struct {
	kind  error
	words string
}

// New returns an error of kind in words a person may read.
func New(kind error, words string) error { return &Error{kind: kind, words: words} }

func (e *Error) Error() string { return e.words }

// Unwrap is the kind, so errors.Is(err, errkind.Conflict) holds for a
// conflict in any words.
func (e *Error) Unwrap() error { return e.kind }
