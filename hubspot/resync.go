package hubspot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/crm"
)

// ResyncArgs is the job that writes one contact to HubSpot again and logs
// its texts that are not there yet.
type ResyncArgs struct {
	ContactID string `json:"contact_id"`
}

func (ResyncArgs) Kind() string { return "hubspot_resync" }

// InsertOpts: one resync of a contact waiting or running, however often
// it is asked for; a finished one may be asked for again.
func (ResyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
}

// Resync queues the resync of one contact ("" for every contact) and
// returns how many were queued. A contact that does not exist is
// crm.ErrNotFound.
func (s *Sink) Resync(ctx context.Context, contactID string) (int, error) {
	var ids []string
	if contactID != "" {
		if !crm.IsUUID(contactID) {
			return 0, fmt.Errorf("resync contact %q: %w", contactID, crm.ErrNotFound)
		}
		if _, err := crm.GetContact(ctx, s.cfg.DB, contactID); err != nil {
			return 0, fmt.Errorf("resync contact %s: %w", contactID, err)
		}
		ids = []string{contactID}
	} else {
		var err error
		if ids, err = crm.ContactIDs(ctx, s.cfg.DB); err != nil {
			return 0, err
		}
	}
	for start := 0; start < len(ids); start += 1000 {
		batch := ids[start:min(start+1000, len(ids))]
		params := make([]river.InsertManyParams, len(batch))
		for i, id := range batch {
			params[i] = river.InsertManyParams{Args: ResyncArgs{ContactID: id}}
		}
		if _, err := s.cfg.Jobs.InsertMany(ctx, params); err != nil {
			return start, fmt.Errorf("queue hubspot resync: %w", err)
		}
	}
	return len(ids), nil
}

type resyncWorker struct {
	river.WorkerDefaults[ResyncArgs]
	s *Sink
}

func (w *resyncWorker) Work(ctx context.Context, job *river.Job[ResyncArgs]) error {
	return w.s.outcome(ctx, job.Args.ContactID, w.s.resync(ctx, job.Args.ContactID))
}

// Timeout: a contact with a long history is many calls.
func (w *resyncWorker) Timeout(*river.Job[ResyncArgs]) time.Duration { return 10 * time.Minute }

// resync writes the contact's properties whether or not they changed,
// then logs every text that was received or sent and is not logged yet
// (a job retried after a 429 goes on where it stopped).
func (s *Sink) resync(ctx context.Context, contactID string) error {
	ev, err := crm.ContactEvidence(ctx, s.cfg.DB, contactID, s.cfg.Now())
	if errors.Is(err, crm.ErrNotFound) {
		return &permanentError{fmt.Errorf("resync contact %s: %w", contactID, err)}
	}
	if err != nil {
		return err
	}
	c := eventContact{ID: ev.Contact.ID, Phone: ev.Contact.Phone, Name: ev.Contact.Name, Email: ev.Contact.Email}
	hsID, err := s.ensureContact(ctx, c, true)
	if err != nil {
		return err
	}
	for _, m := range ev.Messages {
		if !textToLog(m) {
			continue
		}
		err := s.logText(ctx, contactID, hsID, eventMessage{ID: m.ID, Direction: m.Direction, Author: m.Author, Body: m.Body,
			Channel: m.Channel, CreatedAt: m.CreatedAt}, nil)
		if err != nil {
			return err
		}
	}
	return markSynced(ctx, s.cfg.DB, contactID, s.cfg.Now())
}

// textToLog reports whether a message is a text the lead got or sent:
// not a call's words, and not one that never left.
func textToLog(m crm.EvidenceMessage) bool {
	if m.Channel == "voice" {
		return false
	}
	if m.Direction == crm.Inbound {
		return true
	}
	return m.SentAt != nil
}
