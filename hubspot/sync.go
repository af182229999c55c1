package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadagent/leadagent/crm"
)

// JobInserter inserts River jobs: a *river.Client.
type JobInserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// LeadReceiver records a lead on the path every lead takes (the inbox's
// ReceiveLead, as POST /api/v1/leads) and returns its contact's id.
type LeadReceiver func(ctx context.Context, in crm.NewLead) (contactID string, err error)

// Config is what the sync needs.
type Config struct {
	DB     *pgxpool.Pool
	Jobs   JobInserter
	Client *Client
	// CloseAs is CloseAsLifecycle (default) or CloseAsDeal.
	CloseAs string
	// SMSConsentProperty, when set, is the HubSpot contact property whose
	// true value means the contact agreed to texts.
	SMSConsentProperty string
	// ConsoleURL links a handoff's task to its conversation ("" for no
	// link).
	ConsoleURL string
	// ReceiveLead records HubSpot's new contacts as leads; nil leaves
	// them out.
	ReceiveLead LeadReceiver
	Logger      *slog.Logger
	Now         func() time.Time
}

// Sink syncs the product's public events to HubSpot: Enqueue queues one
// event's job in the caller's transaction, and its workers (AddWorkers)
// do the syncing. A nil *Sink queues nothing.
type Sink struct {
	cfg Config
}

// New makes a Sink from cfg.
func New(cfg Config) (*Sink, error) {
	if cfg.DB == nil || cfg.Jobs == nil || cfg.Client == nil {
		return nil, fmt.Errorf("hubspot: a database, a job inserter and a client are needed")
	}
	switch cfg.CloseAs {
	case "":
		cfg.CloseAs = CloseAsLifecycle
	case CloseAsLifecycle, CloseAsDeal:
	default:
		return nil, fmt.Errorf("hubspot: close as %q: want %s or %s", cfg.CloseAs, CloseAsLifecycle, CloseAsDeal)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sink{cfg: cfg}, nil
}

// SyncArgs is the job that syncs one public event.
type SyncArgs struct {
	EventType string          `json:"event_type"`
	Payload   json.RawMessage `json:"payload"`
}

func (SyncArgs) Kind() string { return "hubspot_sync" }

// InsertOpts: a day and more of retries, so an outage of HubSpot's loses
// nothing.
func (SyncArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 25} }

// Enqueue queues the sync of one public event (type and payload as crm's
// outbox holds them) in tx. Types the sync does not know are left out.
func (s *Sink) Enqueue(ctx context.Context, tx pgx.Tx, eventType string, payload json.RawMessage) error {
	if s == nil || !Syncs(eventType) {
		return nil
	}
	if _, err := s.cfg.Jobs.InsertTx(ctx, tx, SyncArgs{EventType: eventType, Payload: payload}, nil); err != nil {
		return fmt.Errorf("queue hubspot sync of %s: %w", eventType, err)
	}
	return nil
}

// AddWorkers adds the sync's job workers.
func (s *Sink) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &syncWorker{s: s})
	river.AddWorker(w, &resyncWorker{s: s})
	river.AddWorker(w, &contactCreatedWorker{s: s})
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Sink
}

// Work syncs the event: the contact first (found or created in HubSpot),
// then what the event adds to its timeline.
func (w *syncWorker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	e, err := parseEvent(job.Args.EventType, job.Args.Payload)
	if err != nil {
		return river.JobCancel(err)
	}
	return w.s.outcome(ctx, e.Data.Contact.ID, w.s.syncEvent(ctx, e))
}

// Timeout: a few HubSpot calls.
func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return 2 * time.Minute }

// busyError is a contact another job is creating in HubSpot now.
type busyError struct{ contactID string }

func (e *busyError) Error() string {
	return "hubspot: contact " + e.contactID + " is being created by another job"
}

// permanentError will fail however often it is tried.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// busyWait is how long a job waits for another creating its contact.
const busyWait = 5 * time.Second

// outcome turns a sync's error into what River does next: a 429 waits as
// long as HubSpot asked (a snooze, which spends no attempt), HubSpot's
// failures and the network's are retried with backoff, and other refusals
// are kept on the contact's state and not retried. Every failure but a
// wait is recorded on the contact.
func (s *Sink) outcome(ctx context.Context, contactID string, err error) error {
	if err == nil {
		return nil
	}
	var busy *busyError
	if errors.As(err, &busy) {
		return river.JobSnooze(busyWait)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests {
		s.cfg.Logger.Info("hubspot rate limit: waiting", "contact_id", contactID, "retry_after", apiErr.RetryAfter)
		return river.JobSnooze(apiErr.RetryAfter)
	}
	if ctx.Err() == nil && contactID != "" {
		if rerr := recordError(ctx, s.cfg.DB, contactID, err.Error(), s.cfg.Now()); rerr != nil {
			s.cfg.Logger.Error("hubspot: record sync error", "contact_id", contactID, "err", rerr)
		}
	}
	var perm *permanentError
	if errors.As(err, &perm) || (apiErr != nil && !apiErr.Temporary()) {
		s.cfg.Logger.Warn("hubspot sync refused: not retried", "contact_id", contactID, "err", err)
		return river.JobCancel(err)
	}
	return err
}

// syncEvent does one event's sync.
func (s *Sink) syncEvent(ctx context.Context, e event) error {
	hsID, err := s.ensureContact(ctx, e.Data.Contact, false)
	if err != nil {
		return err
	}
	switch e.Type {
	case crm.PublicMessageReceived, crm.PublicMessageSent:
		if m := e.Data.Message; m != nil && m.Channel != "voice" {
			var rep *eventRep
			if e.Data.Conversation != nil {
				rep = e.Data.Conversation.AssignedRep
			}
			err = s.logText(ctx, e.Data.Contact.ID, hsID, *m, rep)
		}
	case crm.PublicCallCompleted:
		if e.Data.Call != nil {
			err = s.logCall(ctx, e, hsID)
		}
	case crm.PublicHandoffOpened:
		if e.Data.Handoff != nil {
			err = s.addTask(ctx, e, hsID)
		}
	case crm.PublicConversationClosed:
		err = s.recordClose(ctx, e, hsID)
	}
	if err != nil {
		return err
	}
	return markSynced(ctx, s.cfg.DB, e.Data.Contact.ID, s.cfg.Now())
}

// ensureContact returns the contact's HubSpot id: the one we know
// (writing the contact's properties when they changed, or always with
// force), else the one a search by email or phone finds (updated), else a
// new contact's.
func (s *Sink) ensureContact(ctx context.Context, c eventContact, force bool) (string, error) {
	db, hs := s.cfg.DB, s.cfg.Client
	props := contactProps(c)
	hash := propsHash(props)
	l, err := linkOf(ctx, db, c.ID)
	if err != nil {
		return "", err
	}
	now := s.cfg.Now()
	if l.hubspotID != "" {
		if l.hash == hash && !force {
			return l.hubspotID, nil
		}
		err := hs.UpdateContact(ctx, l.hubspotID, props)
		var apiErr *APIError
		switch {
		case err == nil:
			return l.hubspotID, saveLink(ctx, db, c.ID, l.hubspotID, hash, now)
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
			// Deleted in HubSpot: found again by email or phone, or made anew.
			if err := unlink(ctx, db, c.ID); err != nil {
				return "", err
			}
		default:
			return "", fmt.Errorf("update hubspot contact of %s: %w", c.ID, err)
		}
	}
	claimed, err := claimCreation(ctx, db, c.ID, now)
	if err != nil {
		return "", err
	}
	if !claimed {
		if l, err = linkOf(ctx, db, c.ID); err != nil || l.hubspotID != "" {
			return l.hubspotID, err
		}
		return "", &busyError{contactID: c.ID}
	}
	id, err := s.findOrCreate(ctx, c, props)
	if err != nil {
		if rerr := releaseCreation(context.WithoutCancel(ctx), db, c.ID); rerr != nil {
			s.cfg.Logger.Error("hubspot: release creation", "contact_id", c.ID, "err", rerr)
		}
		return "", fmt.Errorf("hubspot contact of %s: %w", c.ID, err)
	}
	if err := saveLink(ctx, db, c.ID, id, hash, now); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return "", &permanentError{fmt.Errorf("hubspot contact %s is another contact's here already (same email or phone)", id)}
		}
		return "", err
	}
	return id, nil
}

// findOrCreate finds the contact in HubSpot by email or phone and writes
// ours over it, or creates it as a lead.
func (s *Sink) findOrCreate(ctx context.Context, c eventContact, props map[string]string) (string, error) {
	hs := s.cfg.Client
	found, ok, err := hs.SearchContact(ctx, c.Email, c.Phone)
	if err != nil {
		return "", err
	}
	if ok {
		return found.ID, hs.UpdateContact(ctx, found.ID, props)
	}
	create := map[string]string{"lifecyclestage": "lead"}
	for k, v := range props {
		create[k] = v
	}
	id, existed, err := hs.CreateContact(ctx, create)
	if err != nil {
		return "", err
	}
	if existed {
		return id, hs.UpdateContact(ctx, id, props)
	}
	return id, nil
}

// logText logs a text on the contact's timeline as a communication,
// once.
func (s *Sink) logText(ctx context.Context, contactID, hsID string, m eventMessage, rep *eventRep) error {
	done, err := objectOf(ctx, s.cfg.DB, kindMessage, m.ID)
	if err != nil || done != "" {
		return err
	}
	id, err := s.cfg.Client.CreateObject(ctx, "communications", communicationProps(m, rep), hsID, assocCommunicationToContact)
	if err != nil {
		return fmt.Errorf("log text %s: %w", m.ID, err)
	}
	return saveObject(ctx, s.cfg.DB, kindMessage, m.ID, contactID, "communications", id)
}

// logCall logs a call on the contact's timeline, once.
func (s *Sink) logCall(ctx context.Context, e event, hsID string) error {
	c := *e.Data.Call
	localID := c.ID
	if localID == "" {
		localID = c.SID
	}
	done, err := objectOf(ctx, s.cfg.DB, kindCall, localID)
	if err != nil || done != "" {
		return err
	}
	var k crm.Call
	if c.SID != "" {
		if k, err = crm.CallBySID(ctx, s.cfg.DB, c.SID); err != nil && !errors.Is(err, crm.ErrNotFound) {
			return err
		}
	}
	at, transcript := e.Timestamp, ""
	if k.ID != "" {
		at = k.StartedAt
		said, err := crm.CallMessages(ctx, s.cfg.DB, k.ID)
		if err != nil {
			return err
		}
		transcript = transcriptOf(said)
	}
	id, err := s.cfg.Client.CreateObject(ctx, "calls", callProps(c, k, at, transcript), hsID, assocCallToContact)
	if err != nil {
		return fmt.Errorf("log call %s: %w", localID, err)
	}
	return saveObject(ctx, s.cfg.DB, kindCall, localID, e.Data.Contact.ID, "calls", id)
}

// addTask makes a handoff a task for the rep's HubSpot owner, once.
func (s *Sink) addTask(ctx context.Context, e event, hsID string) error {
	localID := handoffLocalID(e)
	done, err := objectOf(ctx, s.cfg.DB, kindHandoff, localID)
	if err != nil || done != "" {
		return err
	}
	rep := e.Data.Handoff.Rep
	if rep == nil && e.Data.Conversation != nil {
		rep = e.Data.Conversation.AssignedRep
	}
	owner, err := s.ownerOf(ctx, rep)
	if err != nil {
		return err
	}
	id, err := s.cfg.Client.CreateObject(ctx, "tasks", taskProps(e, owner, s.cfg.ConsoleURL), hsID, assocTaskToContact)
	if err != nil {
		return fmt.Errorf("add task for handoff %s: %w", localID, err)
	}
	return saveObject(ctx, s.cfg.DB, kindHandoff, localID, e.Data.Contact.ID, "tasks", id)
}

// ownerOf is the HubSpot owner who is this rep: the one with the rep's
// email, else the one with the rep's name; "" for none.
func (s *Sink) ownerOf(ctx context.Context, rep *eventRep) (string, error) {
	if rep == nil || rep.ID == "" {
		return "", nil
	}
	r, err := crm.GetRep(ctx, s.cfg.DB, rep.ID)
	if errors.Is(err, crm.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if r.Email != "" {
		owners, err := s.cfg.Client.OwnersByEmail(ctx, r.Email)
		if err != nil {
			return "", fmt.Errorf("hubspot owner of rep %s: %w", r.ID, err)
		}
		for _, o := range owners {
			if strings.EqualFold(o.Email, r.Email) {
				return o.ID, nil
			}
		}
	}
	owners, err := s.cfg.Client.Owners(ctx)
	if err != nil {
		return "", fmt.Errorf("hubspot owners: %w", err)
	}
	return matchOwner(owners, r), nil
}

// matchOwner finds the rep among the owners by email, else by full name
// (case and spacing aside).
func matchOwner(owners []Owner, r crm.Rep) string {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	if r.Email != "" {
		for _, o := range owners {
			if strings.EqualFold(o.Email, r.Email) {
				return o.ID
			}
		}
	}
	name := norm(r.Name)
	for _, o := range owners {
		if name != "" && norm(o.FirstName+" "+o.LastName) == name {
			return o.ID
		}
	}
	return ""
}

// recordClose records a close the configured way: the contact's
// lifecycle stage, or a won or lost deal. It is done once per close.
func (s *Sink) recordClose(ctx context.Context, e event, hsID string) error {
	r := closeOf(e.Data.Outcome)
	localID := closeLocalID(e)
	done, err := objectOf(ctx, s.cfg.DB, kindClose, localID)
	if err != nil || done != "" {
		return err
	}
	switch {
	case s.cfg.CloseAs == CloseAsDeal && (r.won || r.lost):
		id, err := s.cfg.Client.CreateObject(ctx, "deals", dealProps(e, r.won), hsID, assocDealToContact)
		if err != nil {
			return fmt.Errorf("record close %s as a deal: %w", localID, err)
		}
		return saveObject(ctx, s.cfg.DB, kindClose, localID, e.Data.Contact.ID, "deals", id)
	case s.cfg.CloseAs == CloseAsLifecycle && r.stage != "":
		if err := s.cfg.Client.UpdateContact(ctx, hsID, map[string]string{"lifecyclestage": r.stage}); err != nil {
			return fmt.Errorf("record close %s as lifecycle stage %s: %w", localID, r.stage, err)
		}
		return saveObject(ctx, s.cfg.DB, kindClose, localID, e.Data.Contact.ID, "contacts", hsID)
	}
	return nil
}
