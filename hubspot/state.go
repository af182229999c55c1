package hubspot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/leadagent/leadagent/crm"
)

// ContactState is one contact's sync with HubSpot, as the console shows
// it.
type ContactState struct {
	ContactID string `json:"contact_id"`
	// HubSpotID is "" until the contact exists in HubSpot.
	HubSpotID    string     `json:"hubspot_id,omitempty"`
	LastSyncedAt *time.Time `json:"last_synced_at,omitempty"`
	LastError    string     `json:"last_error,omitempty"`
	LastErrorAt  *time.Time `json:"last_error_at,omitempty"`
}

// StateOf returns the contact's sync state: crm.ErrNotFound when it was
// never synced.
func StateOf(ctx context.Context, db crm.DB, contactID string) (ContactState, error) {
	var s ContactState
	err := db.QueryRow(ctx, `SELECT contact_id::text, coalesce(hubspot_id, ''), last_synced_at, last_error, last_error_at
		FROM hubspot_contacts WHERE contact_id = $1`, contactID).
		Scan(&s.ContactID, &s.HubSpotID, &s.LastSyncedAt, &s.LastError, &s.LastErrorAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ContactState{}, fmt.Errorf("hubspot state of %s: %w", contactID, crm.ErrNotFound)
	}
	if err != nil {
		return ContactState{}, fmt.Errorf("hubspot state of %s: %w", contactID, err)
	}
	return s, nil
}

// linked is what the state table says of a contact before a sync.
type linked struct {
	hubspotID string
	hash      string
}

// linkOf reads the contact's HubSpot id and last written hash ("" for
// none).
func linkOf(ctx context.Context, db crm.DB, contactID string) (linked, error) {
	var l linked
	err := db.QueryRow(ctx, `SELECT coalesce(hubspot_id, ''), synced_hash FROM hubspot_contacts WHERE contact_id = $1`, contactID).
		Scan(&l.hubspotID, &l.hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return linked{}, fmt.Errorf("hubspot link of %s: %w", contactID, err)
	}
	return l, nil
}

// creationLease is how long a job that creates a contact in HubSpot
// holds it before another may try.
const creationLease = 2 * time.Minute

// claimCreation takes the lease on creating the contact in HubSpot:
// false when another job holds it, or the contact got its id meanwhile.
func claimCreation(ctx context.Context, db crm.DB, contactID string, now time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `INSERT INTO hubspot_contacts (contact_id, creating_since) VALUES ($1, $2)
		ON CONFLICT (contact_id) DO UPDATE SET creating_since = $2
		WHERE hubspot_contacts.hubspot_id IS NULL
		  AND (hubspot_contacts.creating_since IS NULL OR hubspot_contacts.creating_since < $3)`,
		contactID, now, now.Add(-creationLease))
	if err != nil {
		return false, fmt.Errorf("claim hubspot creation of %s: %w", contactID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// releaseCreation gives the lease back after a failed creation.
func releaseCreation(ctx context.Context, db crm.DB, contactID string) error {
	if _, err := db.Exec(ctx, `UPDATE hubspot_contacts SET creating_since = NULL WHERE contact_id = $1`, contactID); err != nil {
		return fmt.Errorf("release hubspot creation of %s: %w", contactID, err)
	}
	return nil
}

// saveLink records the contact's HubSpot id and a good sync: the error is
// cleared.
func saveLink(ctx context.Context, db crm.DB, contactID, hubspotID, hash string, now time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO hubspot_contacts (contact_id, hubspot_id, synced_hash, last_synced_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (contact_id) DO UPDATE SET hubspot_id = $2, synced_hash = $3, last_synced_at = $4,
			creating_since = NULL, last_error = '', last_error_at = NULL`, contactID, hubspotID, hash, now)
	if err != nil {
		return fmt.Errorf("save hubspot id of %s: %w", contactID, err)
	}
	return nil
}

// markSynced records a good sync of an already linked contact.
func markSynced(ctx context.Context, db crm.DB, contactID string, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE hubspot_contacts SET last_synced_at = $2, last_error = '', last_error_at = NULL
		WHERE contact_id = $1`, contactID, now)
	if err != nil {
		return fmt.Errorf("mark hubspot sync of %s: %w", contactID, err)
	}
	return nil
}

// maxStoredError bounds a stored error.
const maxStoredError = 500

// recordError keeps a failed sync's error on the contact's state.
func recordError(ctx context.Context, db crm.DB, contactID, msg string, now time.Time) error {
	if len(msg) > maxStoredError {
		msg = msg[:maxStoredError]
	}
	_, err := db.Exec(ctx, `INSERT INTO hubspot_contacts (contact_id, last_error, last_error_at) VALUES ($1, $2, $3)
		ON CONFLICT (contact_id) DO UPDATE SET last_error = $2, last_error_at = $3, creating_since = NULL`, contactID, msg, now)
	if err != nil {
		return fmt.Errorf("record hubspot error of %s: %w", contactID, err)
	}
	return nil
}

// knownHubSpotID reports whether a contact of ours is this HubSpot
// contact.
func knownHubSpotID(ctx context.Context, db crm.DB, hubspotID string) (bool, error) {
	var known bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM hubspot_contacts WHERE hubspot_id = $1)`, hubspotID).Scan(&known)
	if err != nil {
		return false, fmt.Errorf("look up hubspot contact %s: %w", hubspotID, err)
	}
	return known, nil
}

// creating reports whether a job is creating a contact in HubSpot now:
// the webhook HubSpot sends for it must wait for its id to be saved.
func creating(ctx context.Context, db crm.DB, now time.Time) (bool, error) {
	var yes bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM hubspot_contacts WHERE hubspot_id IS NULL AND creating_since > $1)`,
		now.Add(-creationLease)).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("look up hubspot creations: %w", err)
	}
	return yes, nil
}

// unlink forgets a contact's HubSpot id (the HubSpot contact is gone).
func unlink(ctx context.Context, db crm.DB, contactID string) error {
	if _, err := db.Exec(ctx, `UPDATE hubspot_contacts SET hubspot_id = NULL, synced_hash = '' WHERE contact_id = $1`, contactID); err != nil {
		return fmt.Errorf("unlink hubspot contact of %s: %w", contactID, err)
	}
	return nil
}

// Object kinds: what of ours a HubSpot object stands for.
const (
	kindMessage = "message"
	kindCall    = "call"
	kindHandoff = "handoff"
	kindClose   = "close"
)

// objectOf returns the HubSpot id of what a local thing became ("" when
// it was not synced yet).
func objectOf(ctx context.Context, db crm.DB, kind, localID string) (string, error) {
	var id string
	err := db.QueryRow(ctx, `SELECT hubspot_id FROM hubspot_objects WHERE kind = $1 AND local_id = $2`, kind, localID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("hubspot object of %s %s: %w", kind, localID, err)
	}
	return id, nil
}

// saveObject records what a local thing became in HubSpot.
func saveObject(ctx context.Context, db crm.DB, kind, localID, contactID, objectType, hubspotID string) error {
	_, err := db.Exec(ctx, `INSERT INTO hubspot_objects (kind, local_id, contact_id, object_type, hubspot_id)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, local_id) DO NOTHING`, kind, localID, contactID, objectType, hubspotID)
	if err != nil {
		return fmt.Errorf("save hubspot %s of %s %s: %w", objectType, kind, localID, err)
	}
	return nil
}

// linkIfUnlinked links a contact that HubSpot brought in to its HubSpot
// contact, unless it is linked to one already (a lead that merged into a
// contact synced before).
func linkIfUnlinked(ctx context.Context, db crm.DB, contactID, hubspotID string, now time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO hubspot_contacts (contact_id, hubspot_id, last_synced_at) VALUES ($1, $2, $3)
		ON CONFLICT (contact_id) DO UPDATE SET hubspot_id = $2, last_synced_at = $3, creating_since = NULL
		WHERE hubspot_contacts.hubspot_id IS NULL`, contactID, hubspotID, now)
	if err != nil {
		return fmt.Errorf("link contact %s to hubspot %s: %w", contactID, hubspotID, err)
	}
	return nil
}
