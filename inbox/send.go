package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/cadence"
	"github.com/leadagent/leadagent/channels"
	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/handoff"
)

// The send path. A text (a message to a lead, a notification to a rep)
// goes out in three steps, and none of them holds a transaction or a
// pooled connection while it waits, for its turn, for the send budget or
// for the provider:
//
//  1. Its turn: a conversation's texts go one at a time, oldest first, so
//     a lead who floods waits behind their own texts, and every other
//     conversation's next text books the budget as soon as it is written.
//     Then its moment in the sending number's budget (package budget),
//     shared by every process. A moment far off snoozes the job.
//  2. A claim, in one short transaction: one more attempt, its call
//     running until a lease ends.
//  3. The call, with nothing held; then the answer recorded in another
//     short transaction.
//
// An attempt whose outcome is unknown (no answer, a 5xx, a process that
// died between the provider accepting and the SID being recorded) leaves
// the claim unresolved. The next attempt looks in the provider's list of
// messages sent to that number since the claim, matched on the body, and
// adopts the SID it finds instead of sending again; a status callback for
// a SID no message has adopts it too (DeliveryStatus).

// Send path timings.
const (
	// bookingHorizon is the longest a send waits for its moment in the
	// budget inside its job; a moment further off snoozes the job until
	// it comes near, so a backlog occupies rows, not workers.
	bookingHorizon = 5 * time.Second
	// laneStep is the least a text waits before it looks again whether
	// the conversation's earlier texts have gone.
	laneStep = 250 * time.Millisecond
	// maxLaneWait bounds one such wait.
	maxLaneWait = 30 * time.Second
	// maxLaneRun and laneRunFor bound how many of a conversation's later
	// texts one send job sends after its own, and for how long, well
	// inside River's job timeout.
	maxLaneRun = 10
	laneRunFor = 15 * time.Second
	// clockSkew widens the look for an earlier attempt at the provider,
	// whose clock is not the database's.
	clockSkew = 5 * time.Minute
	// recordTimeout bounds recording an answer after the call, which runs
	// whatever became of the job's context: an answer once had is kept.
	recordTimeout = 10 * time.Second
)

// text is one outbound SMS as the send path sees it.
type text struct {
	id       string
	to, body string
	sid      string
	segments int
	// ahead counts the texts that go before this one (its conversation's
	// earlier ones).
	ahead int
	// done: sent, failed or suppressed already.
	done bool
	// skip says why it must not go (the lead opted out, or no longer
	// wants an unasked text); the claim records it suppressed.
	skip string
	send crm.SendState
	// callback asks the provider for status callbacks.
	callback bool
	// out is the message behind a text to a lead.
	out crm.Outgoing
}

// outbox is a table of texts the send path delivers: messages to leads,
// notifications to reps.
type outbox interface {
	kind() string
	read(ctx context.Context, db crm.DB, id string) (text, error)
	lock(ctx context.Context, tx pgx.Tx, id string) (text, error)
	claim(ctx context.Context, tx pgx.Tx, id string, lease time.Duration) error
	// sent records the provider's SID; how says how it was learnt when
	// not from the send's own answer.
	sent(ctx context.Context, tx pgx.Tx, t text, res channels.SendResult, how string) error
	refused(ctx context.Context, tx pgx.Tx, t text, se *channels.SendError) error
	suppress(ctx context.Context, tx pgx.Tx, t text) error
	unsure(ctx context.Context, db crm.DB, id string, settle time.Duration) error
	notTaken(ctx context.Context, db crm.DB, id string) error
}

// errUnknownOutcome marks a send that may have gone out: it is retried
// after a look at the provider.
var errUnknownOutcome = errors.New("outcome unknown")

// send delivers one text: its turn, its moment, a claim, the call and the
// answer recorded. wait > 0 asks the caller to come back after that long
// (its turn or its moment has not come, or another attempt is in flight);
// err is a failure worth retrying. A final refusal is recorded, not
// returned.
func (ib *Inbox) send(ctx context.Context, box outbox, id string) (wait time.Duration, err error) {
	t, err := box.read(ctx, ib.db, id)
	if err != nil || t.done {
		return 0, err
	}
	if box.kind() == (messages{}).kind() && t.out.Channel == crm.ChannelEmail {
		return ib.sendEmail(ctx, box, t)
	}
	if d := t.send.InFlight(); d > 0 {
		return d, nil
	}
	if since, ok := t.send.Unsure(); ok {
		found, err := ib.reconcile(ctx, box, t, since)
		if err != nil || found {
			return 0, err
		}
	}
	if t.skip == "" {
		if t.ahead > 0 {
			return ib.laneWait(t.ahead), nil
		}
		key := t.id + ":" + strconv.Itoa(t.send.Attempts)
		wait, err := ib.sendBudget.Book(ctx, ib.db, box.kind()+":"+key, t.segments)
		if err != nil {
			return 0, fmt.Errorf("send %s %s: %w", box.kind(), t.id, err)
		}
		if wait > bookingHorizon {
			return wait - bookingHorizon/2, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, fmt.Errorf("send %s %s: waiting for the send rate: %w", box.kind(), t.id, err)
		}
	}

	claimed, wait, err := ib.claimOnce(ctx, box, t, nil, nil)
	if err != nil || !claimed {
		return wait, err
	}

	call, cancel := context.WithTimeout(ctx, ib.sendTimeout)
	out := channels.Outbound{To: t.to, Body: t.body}
	if t.callback {
		out.StatusCallback = ib.callback
	}
	res, sendErr := ib.sender.Send(call, out)
	cancel()
	// The answer is recorded whatever became of ctx: the provider has it.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return 0, ib.record(rec, box, t, res, sendErr)
}

// claimOnce claims t for one attempt in one short transaction, unless it
// is done, another attempt claimed it since it was read (wait says when to
// look again), or it must not go (it is suppressed and recorded so).
// check, when set, may give a reason not to send that only the channel
// knows (cur.skip); then, when set, runs in the claim's transaction.
func (ib *Inbox) claimOnce(ctx context.Context, box outbox, t text, check func(tx pgx.Tx, cur *text) error,
	then func(tx pgx.Tx) error) (claimed bool, wait time.Duration, err error) {
	err = ib.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := box.lock(ctx, tx, t.id)
		switch {
		case err != nil:
			return err
		case cur.done:
			return nil
		case cur.send.Attempts != t.send.Attempts:
			// Another attempt claimed it since it was read: look again.
			wait = max(cur.send.InFlight(), laneStep)
			return nil
		}
		if check != nil {
			if err := check(tx, &cur); err != nil {
				return err
			}
		}
		if cur.skip != "" {
			return box.suppress(ctx, tx, cur)
		}
		if err := box.claim(ctx, tx, t.id, ib.sendTimeout+ib.settle()); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx); err != nil {
				return err
			}
		}
		claimed = true
		return nil
	})
	return claimed, wait, err
}

// record keeps what the provider answered to one attempt. Only the claim
// must reach the disk before the call; what is recorded after it need not
// wait for the disk, since a record lost to a database crash leaves the
// claim unresolved, and the next attempt finds the message at the
// provider.
func (ib *Inbox) record(ctx context.Context, box outbox, t text, res channels.SendResult, sendErr error) error {
	var se *channels.SendError
	switch {
	case sendErr == nil:
		// No lock needed: the claim keeps other attempts off until its
		// lease ends, and the call ended before it.
		return ib.inRelaxedTx(ctx, func(tx pgx.Tx) error { return box.sent(ctx, tx, t, res, "") })
	case channels.MayHaveLanded(sendErr):
		if err := ib.inRelaxedTx(ctx, func(tx pgx.Tx) error { return box.unsure(ctx, tx, t.id, ib.settle()) }); err != nil {
			return err
		}
		return fmt.Errorf("send %s %s: %w: %w", box.kind(), t.id, errUnknownOutcome, sendErr)
	case errors.As(sendErr, &se) && !se.Retryable():
		return ib.inRelaxedTx(ctx, func(tx pgx.Tx) error {
			cur, err := box.lock(ctx, tx, t.id)
			if err != nil || cur.done {
				return err
			}
			return box.refused(ctx, tx, cur, se)
		})
	default:
		// Refused for now (429): certainly not sent, so nothing to look for.
		if err := ib.inRelaxedTx(ctx, func(tx pgx.Tx) error { return box.notTaken(ctx, tx, t.id) }); err != nil {
			return err
		}
		return fmt.Errorf("send %s %s: %w", box.kind(), t.id, sendErr)
	}
}

// inRelaxedTx is inTx for a write that need not wait for the disk
// (see record).
func (ib *Inbox) inRelaxedTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
			return err
		}
		return fn(tx)
	})
}

// reconcile looks at the provider for an attempt that may have gone out
// since since: a message to the same number with the same body that no
// text has recorded. found reports that one was, and its SID adopted.
func (ib *Inbox) reconcile(ctx context.Context, box outbox, t text, since time.Time) (found bool, err error) {
	if ib.ledger == nil {
		return false, nil // a sender that cannot list what it sent: send again
	}
	list, err := ib.ledger.SentTo(ctx, t.to, since.Add(-clockSkew))
	if err != nil {
		return false, fmt.Errorf("send %s %s: look for an earlier attempt: %w", box.kind(), t.id, err)
	}
	var match []channels.Sent
	for _, m := range list {
		if sameText(m.Body, t.body) {
			match = append(match, m)
		}
	}
	if len(match) == 0 {
		return false, nil
	}
	sids := make([]string, len(match))
	for i, m := range match {
		sids[i] = m.ProviderSID
	}
	known, err := ib.recordedSIDs(ctx, sids)
	if err != nil {
		return false, err
	}
	// The list is newest first: adopt the oldest one no text has.
	for i := len(match) - 1; i >= 0; i-- {
		m := match[i]
		if known[m.ProviderSID] {
			continue
		}
		err := ib.inRelaxedTx(ctx, func(tx pgx.Tx) error {
			cur, err := box.lock(ctx, tx, t.id)
			if err != nil || cur.done {
				return err
			}
			return box.sent(ctx, tx, cur, channels.SendResult{ProviderSID: m.ProviderSID, Status: m.Status}, "provider's message list")
		})
		return err == nil, err
	}
	return false, nil
}

// recordedSIDs returns which of sids a message or a notification has.
func (ib *Inbox) recordedSIDs(ctx context.Context, sids []string) (map[string]bool, error) {
	known, err := crm.RecordedSIDs(ctx, ib.db, sids)
	if err != nil {
		return nil, err
	}
	notified, err := handoff.RecordedNotificationSIDs(ctx, ib.db, sids)
	if err != nil {
		return nil, err
	}
	for sid := range notified {
		known[sid] = true
	}
	return known, nil
}

// sameText compares a body as sent with one as the provider lists it,
// which may have had its typographic quotes and dashes replaced (Twilio's
// smart encoding) or its spacing changed.
func sameText(listed, sent string) bool {
	return normalizeText(listed) == normalizeText(sent)
}

var smartEncoding = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u2026", "...", "\u00a0", " ")

func normalizeText(s string) string {
	return strings.Join(strings.FieldsFunc(smartEncoding.Replace(s), unicode.IsSpace), " ")
}

// laneWait is how long a text waits before it looks again whether the
// texts ahead of it have gone: about their share of the budget.
func (ib *Inbox) laneWait(ahead int) time.Duration {
	step := max(ib.sendBudget.Interval(), laneStep)
	return min(time.Duration(ahead)*step, maxLaneWait)
}

// settle is how long the provider gets to list a message it may have
// accepted without our hearing of it, before the next attempt looks.
func (ib *Inbox) settle() time.Duration {
	return ib.sendTimeout / 3
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	ib *Inbox
}

// Work delivers one outbound message to a lead (see send). Waiting for its
// turn or its moment snoozes the job, which counts no attempt; failures
// are retried with backoff, and the last one marks the message failed, so
// the conversation's later texts do not wait behind it for ever. Once it
// is sent, the job goes on with the conversation's next texts while they
// may go at once, rather than leave each to notice its turn came.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	ib := w.ib
	if err := ib.sendJob(ctx, messages{ib}, job.Args.MessageID, job.Attempt, job.MaxAttempts); err != nil {
		return err
	}
	id, until := job.Args.MessageID, time.Now().Add(laneRunFor)
	for i := 0; i < maxLaneRun && time.Now().Before(until); i++ {
		next, ok, err := crm.NextQueued(ctx, ib.db, id)
		if err != nil || !ok {
			return nil // the next text's own job sends it
		}
		if wait, err := ib.send(ctx, messages{ib}, next); err != nil || wait > 0 {
			return nil
		}
		id = next
	}
	return nil
}

// sendJob runs the send path for one text as a River job.
func (ib *Inbox) sendJob(ctx context.Context, box outbox, id string, attempt, maxAttempts int) error {
	wait, err := ib.send(ctx, box, id)
	switch {
	case errors.Is(err, crm.ErrNotFound):
		return river.JobCancel(err)
	case err != nil && attempt >= maxAttempts:
		ib.logger.Error("send failed for good", "kind", box.kind(), "id", id, "attempt", attempt, "err", err)
		se := &channels.SendError{Message: fmt.Sprintf("not sent after %d attempts: %v", attempt, err)}
		rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if ferr := ib.inTx(rec, func(tx pgx.Tx) error {
			cur, err := box.lock(rec, tx, id)
			if err != nil || cur.done {
				return err
			}
			return box.refused(rec, tx, cur, se)
		}); ferr != nil {
			return fmt.Errorf("%w (and recording it failed: %w)", err, ferr)
		}
		return err
	case err != nil:
		ib.logger.Warn("send failed, will retry", "kind", box.kind(), "id", id, "attempt", attempt, "err", err)
		return err
	case wait > 0:
		return river.JobSnooze(wait)
	}
	return nil
}

// messages is the outbox of texts to leads.
type messages struct{ ib *Inbox }

func (messages) kind() string { return "message" }

func (b messages) read(ctx context.Context, db crm.DB, id string) (text, error) {
	o, err := crm.GetOutgoing(ctx, db, id)
	return messageText(o), err
}

func (b messages) lock(ctx context.Context, tx pgx.Tx, id string) (text, error) {
	o, err := crm.LockOutgoing(ctx, tx, id)
	return messageText(o), err
}

func messageText(o crm.Outgoing) text {
	t := text{id: o.ID, to: o.To, body: o.Body, sid: o.ProviderSID, segments: o.Segments, ahead: o.Ahead,
		done: o.ProviderSID != "" || o.Status != crm.StatusPending, send: o.Send, callback: true, out: o}
	if t.segments == 0 {
		t.segments, _ = agent.Segments(o.Body)
	}
	if o.OptedOut && !confirmsOptOut(o.Message) {
		t.skip = "opted out"
	} else {
		t.skip = unaskedSkip(o)
	}
	return t
}

// unaskedSkip says why a message the lead did not ask for (a follow-up, a
// first touch) must not go now, or "": whatever its channel.
func unaskedSkip(o crm.Outgoing) string {
	switch {
	case o.Unasked && o.Mode != crm.ModeAI:
		return "a person has the conversation"
	case o.Unasked && o.LeadWrote:
		return "the lead wrote since"
	}
	return ""
}

func (b messages) claim(ctx context.Context, tx pgx.Tx, id string, lease time.Duration) error {
	_, err := crm.ClaimSend(ctx, tx, id, lease)
	return err
}

func (b messages) unsure(ctx context.Context, db crm.DB, id string, settle time.Duration) error {
	return crm.SendUnsure(ctx, db, id, settle)
}

func (b messages) notTaken(ctx context.Context, db crm.DB, id string) error {
	return crm.SendNotTaken(ctx, db, id)
}

func (b messages) event(ctx context.Context, tx pgx.Tx, t text, detail crm.Detail) error {
	return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: t.out.ConversationID, ContactID: t.out.ContactID, Detail: detail})
}

// conversation is the little of a text's conversation that delivered and
// stopCadence read.
func (t text) conversation() crm.Conversation {
	return crm.Conversation{ID: t.out.ConversationID,
		Contact: crm.Contact{ID: t.out.ContactID, Phone: t.to, OptedOut: t.out.OptedOut}}
}

func (b messages) sent(ctx context.Context, tx pgx.Tx, t text, res channels.SendResult, how string) error {
	sent, err := crm.MarkSent(ctx, tx, t.id, res.ProviderSID, res.Status, b.ib.now())
	if err != nil {
		return err
	}
	if err := b.event(ctx, tx, t, crm.MessageSent{MessageID: t.id, SID: res.ProviderSID, FoundBy: how}); err != nil {
		return err
	}
	if sent.Status != res.Status {
		// Delivery reports overtook the send; act on them now.
		return b.ib.delivered(ctx, tx, t.conversation(), sent)
	}
	return nil
}

// refused records a final refusal: the message failed, the lead's
// follow-ups stop (they cannot be texted), and "unsubscribed" (21610)
// opts the lead out.
func (b messages) refused(ctx context.Context, tx pgx.Tx, t text, se *channels.SendError) error {
	if err := crm.MarkUnsent(ctx, tx, t.id, "failed", se.Code, se.Message); err != nil {
		return err
	}
	if se.Code == channels.CodeUnsubscribed {
		if _, err := crm.OptOutByPhone(ctx, tx, t.to, strconv.Itoa(se.Code), b.ib.now()); err != nil {
			return err
		}
		if err := b.event(ctx, tx, t, crm.OptedOut{Reason: "carrier reports unsubscribed", Code: se.Code}); err != nil {
			return err
		}
	}
	if err := b.event(ctx, tx, t, crm.MessageFailed{MessageID: t.id, Code: se.Code, Error: se.Message}); err != nil {
		return err
	}
	return b.ib.stopConversationCadence(ctx, tx, t.conversation(), cadence.StopSendFailed)
}

func (b messages) suppress(ctx context.Context, tx pgx.Tx, t text) error {
	if err := crm.MarkUnsent(ctx, tx, t.id, crm.StatusSuppressed, 0, t.skip); err != nil {
		return err
	}
	return b.event(ctx, tx, t, crm.Suppressed{MessageID: t.id, Reason: t.skip})
}

// confirmsOptOut reports whether msg is the confirmation of an opt-out in
// plain words, which goes to the lead although they have opted out.
func confirmsOptOut(msg crm.Message) bool {
	return msg.Author == crm.AuthorSystem && msg.Outcome == string(agent.OutcomeOptedOut)
}

// DeliveryStatus applies a provider status callback. An unsubscribed error
// (21610) also opts the lead out. A callback for a SID no message has, to
// a number with one message whose send was claimed and never recorded,
// is that message's: the SID is adopted, and it is not sent again.
func (ib *Inbox) DeliveryStatus(ctx context.Context, r channels.DeliveryReport) error {
	return ib.inTx(ctx, func(tx pgx.Tx) error {
		m, found, changed, err := crm.RecordDeliveryReport(ctx, tx, crm.DeliveryReport{
			ProviderSID: r.ProviderSID, Status: r.Status, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
		})
		if err != nil {
			return err
		}
		if !found && r.To != "" {
			return ib.adoptReported(ctx, tx, r)
		}
		if !found || !changed {
			return nil
		}
		conv, err := crm.ConversationWithContact(ctx, tx, m.ConversationID)
		if err != nil {
			return err
		}
		return ib.delivered(ctx, tx, conv, m)
	})
}

// adoptReported gives a reported SID to the one message to its number
// whose send is unresolved, when there is exactly one.
func (ib *Inbox) adoptReported(ctx context.Context, tx pgx.Tx, r channels.DeliveryReport) error {
	id, ok, err := crm.ClaimedTo(ctx, tx, r.To)
	if err != nil || !ok {
		return err
	}
	t, err := messages{ib}.lock(ctx, tx, id)
	if err != nil || t.done {
		return err
	}
	// "accepted" ranks below every report, so MarkSent ends at the newest
	// one kept, this one included.
	return messages{ib}.sent(ctx, tx, t, channels.SendResult{ProviderSID: r.ProviderSID, Status: "accepted"}, "status callback")
}

// delivered puts a message's new delivery status on the timeline; an
// unsubscribed error (21610) also opts the lead out.
func (ib *Inbox) delivered(ctx context.Context, tx pgx.Tx, conv crm.Conversation, m crm.Message) error {
	if err := crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
		Detail: crm.DeliveryStatus{MessageID: m.ID, Status: m.Status, ErrorCode: m.ErrorCode}}); err != nil {
		return err
	}
	if m.ErrorCode == channels.CodeUnsubscribed && !conv.Contact.OptedOut {
		if _, err := crm.OptOutByPhone(ctx, tx, conv.Contact.Phone, strconv.Itoa(m.ErrorCode), ib.now()); err != nil {
			return err
		}
		return crm.AddEvent(ctx, tx, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID,
			Detail: crm.OptedOut{Reason: "carrier reports unsubscribed", Code: m.ErrorCode}})
	}
	return nil
}
