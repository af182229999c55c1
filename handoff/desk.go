package handoff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leadagent/leadagent/crm"
	"github.com/leadagent/leadagent/hours"

	"github.com/leadagent/leadagent/internal/errkind"
)

// Errors of the reps' actions, in words a rep may read; their kinds
// (errkind.Conflict, errkind.Forbidden) say how the web layer answers.
var (
	// ErrClaimed: another rep has the conversation.
	ErrClaimed = errkind.New(errkind.Conflict, "another rep has taken this conversation over")
	// ErrForbidden: the rep may not act on a conversation another rep has.
	ErrForbidden = errkind.New(errkind.Forbidden, "this conversation is with another rep")
	// ErrNotClaimed: replying needs the conversation taken over first.
	ErrNotClaimed = errkind.New(errkind.Conflict, "take the conversation over first")
	// ErrClosed: the conversation is closed.
	ErrClosed = errkind.New(errkind.Conflict, "the conversation is closed")
	// ErrNotWithAgent: a handoff needs a conversation the agent has.
	ErrNotWithAgent = errkind.New(errkind.Conflict, "the conversation is not with the agent")
)

// CloseOutcomes are the ways a rep can close a conversation.
var CloseOutcomes = []string{"booked", "quoted", "not_interested", "no_response", "wrong_number", "spam", "other"}

// outcomeStages is the contact's stage after a close with each outcome;
// "other" leaves it where it was.
var outcomeStages = map[string]string{
	"booked": crm.StageCustomer, "quoted": crm.StageQuoted,
	"not_interested": crm.StageLost, "no_response": crm.StageLost,
	"wrong_number": crm.StageInvalid, "spam": crm.StageInvalid,
}

// StageAfterClose is the stage a contact at stage moves to when a rep
// closes a conversation with outcome, and whether it moves at all. A
// customer stays a customer whatever a later conversation comes to.
func StageAfterClose(stage, outcome string) (string, bool) {
	to, ok := outcomeStages[outcome]
	if !ok || to == stage || (stage == crm.StageCustomer && to != crm.StageCustomer) {
		return stage, false
	}
	return to, true
}

// DeskConfig wires a Desk.
type DeskConfig struct {
	// Hours are the business hours until an admin sets them in the console.
	Hours        hours.Schedule
	BusinessName string
	// BusinessPhone is given to a lead for what cannot wait.
	BusinessPhone string
	// ConsoleURL is the console's base URL, for the link in reps' texts.
	ConsoleURL string
	// Admins returns the reps who stand for the admins (admin logins tied
	// to a rep), texted at the last SLA step; nil for none.
	Admins func(ctx context.Context, db crm.DB) ([]crm.Rep, error)
	// LeadMessageQuiet is the shortest time between two "wrote again"
	// texts to a rep about one conversation (default 5 minutes), so a lead
	// who sends five texts does not buzz the rep five times.
	LeadMessageQuiet time.Duration
	Now              func() time.Time
}

// Desk opens handoffs, chooses and texts reps, runs SLA steps, and
// records the reps' takeovers, replies, notes, hand-backs and closes.
// Every method works inside the caller's transaction and returns the Work
// (texts to send, steps to schedule) for the caller to enqueue in it.
type Desk struct {
	cfg DeskConfig
}

// NewDesk returns a Desk.
func NewDesk(cfg DeskConfig) *Desk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LeadMessageQuiet == 0 {
		cfg.LeadMessageQuiet = 5 * time.Minute
	}
	if cfg.BusinessName == "" {
		cfg.BusinessName = "the business"
	}
	cfg.ConsoleURL = strings.TrimRight(cfg.ConsoleURL, "/")
	return &Desk{cfg: cfg}
}

// Work is what a desk decision asks the caller to do, in the same
// transaction: send texts, and schedule the next step.
type Work struct {
	// Notify are notification ids to send now.
	Notify []string
	// SLA is the next SLA step to schedule, if any.
	SLA *Step
	// Assign is when to look for a rep on duty again, if nobody was.
	Assign *Step
}

// Step is one scheduled step of a handoff.
type Step struct {
	HandoffID int64
	Step      int
	At        time.Time
}

// OpenRequest is a turn the rules decided to hand off.
type OpenRequest struct {
	// Conversation is the conversation, locked by the caller, with its contact.
	Conversation crm.Conversation
	Decision     Decision
	Summary      Summary
	// MessageID is the lead's message that caused it.
	MessageID    string
	RulesVersion int
	SLAMinutes   int
}

// Opened is a new handoff.
type Opened struct {
	Handoff Handoff
	// Rep is who was texted; nil when nobody is on duty until NextOnDuty.
	Rep        *crm.Rep
	NextOnDuty time.Time
	// Holding is the one message the lead gets: a person will follow up,
	// and when.
	Holding string
	Work    Work
}

// Open hands a conversation the agent has to a person: the conversation
// becomes handoff_pending, a rep is chosen (the lead's owner when on duty,
// else the next on duty in turn) and texted with the summary, the SLA's
// first step is due, and the lead's holding message is written.
func (d *Desk) Open(ctx context.Context, db crm.DB, req OpenRequest) (Opened, error) {
	conv := req.Conversation
	if conv.Mode != crm.ModeAI {
		return Opened{}, fmt.Errorf("hand off %s: %w", conv.ID, ErrNotWithAgent)
	}
	now := d.cfg.Now()
	bh, err := LoadBusinessHours(ctx, db, d.cfg.Hours)
	if err != nil {
		return Opened{}, err
	}
	rep, onDuty, err := d.Route(ctx, db, conv.Contact.OwnerRepID, bh.Schedule, now, nil)
	if err != nil {
		return Opened{}, err
	}
	h := Handoff{ConversationID: conv.ID, Reason: req.Decision.Reason, Detail: req.Decision.Detail,
		Summary: req.Summary.String(), MessageID: req.MessageID, RulesVersion: req.RulesVersion, CreatedAt: now}
	out := Opened{}
	if onDuty {
		due := now.Add(slaWait(req.SLAMinutes))
		h.RepID, h.DueAt = rep.ID, &due
		out.Rep = &rep
	} else {
		out.NextOnDuty = bh.Schedule.NextOpen(now)
	}
	if out.Handoff, err = insertHandoff(ctx, db, h); err != nil {
		return Opened{}, err
	}
	if err := crm.SetMode(ctx, db, conv.ID, crm.ModeChange{Mode: crm.ModeHandoffPending, AssignedRepID: h.RepID, At: now}); err != nil {
		return Opened{}, err
	}
	if err := d.event(ctx, db, conv, HandedOff{HandoffID: out.Handoff.ID, Reason: h.Reason, Detail: h.Detail, Summary: h.Summary,
		RulesVersion: h.RulesVersion}); err != nil {
		return Opened{}, err
	}
	if onDuty {
		n, err := d.notify(ctx, db, conv, out.Handoff, rep, NotifyHandoff, "")
		if err != nil {
			return Opened{}, err
		}
		out.Work = Work{Notify: []string{n.ID}, SLA: &Step{HandoffID: out.Handoff.ID, Step: 1, At: *h.DueAt}}
	} else {
		if at := nextLook(bh.Schedule, now); !at.IsZero() {
			out.Work.Assign = &Step{HandoffID: out.Handoff.ID, At: at}
		}
		if err := d.event(ctx, db, conv, NoRepOnDuty{HandoffID: out.Handoff.ID, NextOnDuty: out.NextOnDuty}); err != nil {
			return Opened{}, err
		}
	}
	out.Holding = HoldingMessage(Holding{Reason: h.Reason, Name: conv.Contact.Name, OnDuty: onDuty, Next: out.NextOnDuty,
		Sched: bh.Schedule, Now: now, Phone: d.cfg.BusinessPhone})
	return out, nil
}

// Route chooses the rep for a handoff at now: the lead's owner when on
// duty; otherwise the next rep in turn among those on duty (every active
// rep inside business hours, the on-call reps outside them), never one of
// exclude. ok is false when nobody is on duty.
func (d *Desk) Route(ctx context.Context, db crm.DB, owner string, sched hours.Schedule, now time.Time, exclude []string) (rep crm.Rep, ok bool, err error) {
	pick := crm.RepPick{OnCallOnly: !sched.Open(now), Exclude: exclude, At: now}
	if owner != "" && !slices.Contains(exclude, owner) {
		p := pick
		p.Only = owner
		rep, err = crm.NextRep(ctx, db, p)
		if err == nil {
			return rep, true, nil
		}
		if !errors.Is(err, crm.ErrNotFound) {
			return crm.Rep{}, false, err
		}
	}
	rep, err = crm.NextRep(ctx, db, pick)
	if errors.Is(err, crm.ErrNotFound) {
		return crm.Rep{}, false, nil
	}
	if err != nil {
		return crm.Rep{}, false, err
	}
	return rep, true, nil
}

// Assign looks again for a rep for a handoff that found nobody on duty;
// when it finds one it texts them and starts the SLA, otherwise it asks to
// be run again at the next opening.
func (d *Desk) Assign(ctx context.Context, db crm.DB, handoffID int64, slaMinutes int) (Work, error) {
	h, err := lockHandoff(ctx, db, handoffID)
	if err != nil {
		return Work{}, err
	}
	if !h.Open() || h.ClaimedAt != nil || h.RepID != "" {
		return Work{}, nil
	}
	conv, err := crm.ConversationWithContact(ctx, db, h.ConversationID)
	if err != nil {
		return Work{}, err
	}
	now := d.cfg.Now()
	bh, err := LoadBusinessHours(ctx, db, d.cfg.Hours)
	if err != nil {
		return Work{}, err
	}
	rep, ok, err := d.Route(ctx, db, conv.Contact.OwnerRepID, bh.Schedule, now, nil)
	if err != nil {
		return Work{}, err
	}
	if !ok {
		// Still nobody (the hours changed, or every rep is away): try at
		// the next opening, or a while from now while open.
		next := nextLook(bh.Schedule, now)
		if next.IsZero() {
			return Work{}, nil
		}
		return Work{Assign: &Step{HandoffID: h.ID, At: next}}, nil
	}
	due := now.Add(slaWait(slaMinutes))
	if err := setSLA(ctx, db, h.ID, rep.ID, 0, &due); err != nil {
		return Work{}, err
	}
	if conv.Mode == crm.ModeHandoffPending {
		if err := crm.SetMode(ctx, db, conv.ID, crm.ModeChange{Mode: crm.ModeHandoffPending, AssignedRepID: rep.ID, At: now}); err != nil {
			return Work{}, err
		}
	}
	if err := d.event(ctx, db, conv, RepAssigned{HandoffID: h.ID, Rep: rep.Name, RepID: rep.ID}); err != nil {
		return Work{}, err
	}
	n, err := d.notify(ctx, db, conv, h, rep, NotifyHandoff, "")
	if err != nil {
		return Work{}, err
	}
	return Work{Notify: []string{n.ID}, SLA: &Step{HandoffID: h.ID, Step: 1, At: due}}, nil
}

// SLA runs step of a handoff's SLA when it is still unclaimed: step 1
// texts the next rep on duty, step 2 (or step 1 with nobody else on
// duty) the admins. A claimed, ended or already-run step does nothing.
func (d *Desk) SLA(ctx context.Context, db crm.DB, handoffID int64, step, slaMinutes int) (Work, error) {
	h, err := lockHandoff(ctx, db, handoffID)
	if err != nil {
		return Work{}, err
	}
	if !h.Open() || h.ClaimedAt != nil || h.SLAStep >= step {
		return Work{}, nil
	}
	conv, err := crm.ConversationWithContact(ctx, db, h.ConversationID)
	if err != nil {
		return Work{}, err
	}
	now := d.cfg.Now()
	// The step is due at step × the SLA; a late job says how long it
	// really was.
	waited := max(int(now.Sub(h.CreatedAt).Round(time.Minute).Minutes()), step*int(slaWait(slaMinutes).Minutes()))
	if step == 1 {
		bh, err := LoadBusinessHours(ctx, db, d.cfg.Hours)
		if err != nil {
			return Work{}, err
		}
		asked, err := notifiedReps(ctx, db, h.ID)
		if err != nil {
			return Work{}, err
		}
		rep, ok, err := d.Route(ctx, db, "", bh.Schedule, now, asked)
		if err != nil {
			return Work{}, err
		}
		if ok {
			n, err := d.notify(ctx, db, conv, h, rep, NotifyNextRep, fmt.Sprintf("Unclaimed for %d min. ", waited))
			if err != nil {
				return Work{}, err
			}
			due := now.Add(slaWait(slaMinutes))
			if err := setSLA(ctx, db, h.ID, "", 1, &due); err != nil {
				return Work{}, err
			}
			err = d.event(ctx, db, conv, SLANextRep{HandoffID: h.ID, Rep: rep.Name, RepID: rep.ID, WaitedMinutes: waited})
			return Work{Notify: []string{n.ID}, SLA: &Step{HandoffID: h.ID, Step: 2, At: due}}, err
		}
		// Nobody else is on duty: go straight to the admins.
	}
	var admins []crm.Rep
	if d.cfg.Admins != nil {
		if admins, err = d.cfg.Admins(ctx, db); err != nil {
			return Work{}, fmt.Errorf("admins for handoff %d: %w", h.ID, err)
		}
	}
	var w Work
	names := []string{}
	for _, a := range admins {
		n, err := d.notify(ctx, db, conv, h, a, NotifyAdmin, fmt.Sprintf("SLA missed: unclaimed for %d min. ", waited))
		if err != nil {
			return Work{}, err
		}
		w.Notify = append(w.Notify, n.ID)
		names = append(names, a.Name)
	}
	if err := setSLA(ctx, db, h.ID, "", 2, nil); err != nil {
		return Work{}, err
	}
	return w, d.event(ctx, db, conv, SLAAdmins{HandoffID: h.ID, Admins: names, WaitedMinutes: waited})
}

// LeadWrote tells the rep who has a conversation that the lead wrote
// again; the agent stays silent. At most one such text per rep and
// conversation in LeadMessageQuiet.
func (d *Desk) LeadWrote(ctx context.Context, db crm.DB, conv crm.Conversation, msg crm.Message) (Work, error) {
	if conv.AssignedRepID == "" || (conv.Mode != crm.ModeHandoffPending && conv.Mode != crm.ModeHuman) {
		return Work{}, nil
	}
	now := d.cfg.Now()
	recent, err := recentlyNotified(ctx, db, conv.ID, conv.AssignedRepID, NotifyLeadMessage, now.Add(-d.cfg.LeadMessageQuiet))
	if err != nil || recent {
		return Work{}, err
	}
	rep, err := crm.GetRep(ctx, db, conv.AssignedRepID)
	if err != nil {
		return Work{}, err
	}
	h, _, err := openHandoff(ctx, db, conv.ID)
	if err != nil {
		return Work{}, err
	}
	n, err := insertNotification(ctx, db, Notification{ConversationID: conv.ID, HandoffID: h.ID, RepID: rep.ID,
		Kind: NotifyLeadMessage, To: rep.Phone, Body: leadWroteText(d.cfg.BusinessName, conv.Contact, msg.Body, d.link(conv.ID)), CreatedAt: now})
	if err != nil {
		return Work{}, err
	}
	return Work{Notify: []string{n.ID}}, d.event(ctx, db, conv,
		RepNotified{Rep: rep.Name, RepID: rep.ID, Notify: NotifyLeadMessage, NotificationID: n.ID})
}

// Actor is who performs a rep action: a rep (RepID), an admin, or an API
// client acting for a rep (RepID) or for the business (Admin).
type Actor struct {
	RepID string
	Admin bool
	// Name is how the timeline names them ("Alex Rivera", "api").
	Name string
}

// Takeover gives the conversation to the actor's rep: the rep answers from
// now on and the agent stays silent. Taking over a conversation one
// already has changes nothing (changed is false); one another rep has is
// ErrClaimed, a closed one ErrClosed.
func (d *Desk) Takeover(ctx context.Context, db crm.DB, conv crm.Conversation, actor Actor) (changed bool, err error) {
	if actor.RepID == "" {
		return false, &crm.InvalidError{Field: "rep_id", Reason: "is required: say which rep takes the conversation over"}
	}
	switch {
	case conv.Mode == crm.ModeClosed:
		return false, fmt.Errorf("take over %s: %w", conv.ID, ErrClosed)
	case conv.Mode == crm.ModeHuman && conv.AssignedRepID == actor.RepID:
		return false, nil
	case conv.Mode == crm.ModeHuman:
		return false, fmt.Errorf("take over %s: %w", conv.ID, ErrClaimed)
	}
	rep, err := crm.GetRep(ctx, db, actor.RepID)
	if errors.Is(err, crm.ErrNotFound) {
		return false, &crm.InvalidError{Field: "rep_id", Reason: fmt.Sprintf("no rep has id %q", actor.RepID)}
	}
	if err != nil {
		return false, err
	}
	now := d.cfg.Now()
	if err := crm.SetMode(ctx, db, conv.ID, crm.ModeChange{Mode: crm.ModeHuman, AssignedRepID: rep.ID, At: now}); err != nil {
		return false, err
	}
	detail := TakenOver{Rep: rep.Name, RepID: rep.ID, From: string(conv.Mode)}
	h, open, err := openHandoff(ctx, db, conv.ID)
	if err != nil {
		return false, err
	}
	if open {
		if err := claimHandoff(ctx, db, h.ID, rep.ID, now); err != nil {
			return false, err
		}
		waited := int(now.Sub(h.CreatedAt).Seconds())
		detail.HandoffID, detail.WaitedSeconds = h.ID, &waited
	}
	return true, d.event(ctx, db, conv, detail)
}

// CanReply checks that the actor may write to the lead: the conversation
// is with a person, and that person is the actor's rep unless the actor is
// an admin. It returns the rep the reply is from.
func CanReply(conv crm.Conversation, actor Actor) (repID string, err error) {
	if conv.Mode == crm.ModeClosed {
		return "", fmt.Errorf("reply in %s: %w", conv.ID, ErrClosed)
	}
	if conv.Mode != crm.ModeHuman {
		return "", fmt.Errorf("reply in %s: %w", conv.ID, ErrNotClaimed)
	}
	if err := mayAct(conv, actor); err != nil {
		return "", fmt.Errorf("reply in %s: %w", conv.ID, err)
	}
	return conv.AssignedRepID, nil
}

// mayAct refuses a rep acting on a conversation another rep has.
func mayAct(conv crm.Conversation, actor Actor) error {
	if conv.Mode == crm.ModeHuman && !actor.Admin && conv.AssignedRepID != actor.RepID {
		return ErrForbidden
	}
	return nil
}

// Allowed is what an actor may do with a conversation now.
type Allowed struct {
	TakeOver, Reply, HandBack, Close bool
	// Mine: the actor's rep has the conversation.
	Mine bool
}

// Allow says what actor may do with conv, by the rules Takeover,
// CanReply, Handback and Close apply: the console shows only those.
func Allow(conv crm.Conversation, actor Actor) Allowed {
	free := conv.Mode == crm.ModeAI || conv.Mode == crm.ModeHandoffPending
	_, replyErr := CanReply(conv, actor)
	open := conv.Mode != crm.ModeClosed && mayAct(conv, actor) == nil
	return Allowed{
		Mine:     conv.Mode == crm.ModeHuman && actor.RepID != "" && conv.AssignedRepID == actor.RepID,
		TakeOver: free && actor.RepID != "",
		Reply:    replyErr == nil,
		HandBack: open && conv.Mode != crm.ModeAI,
		Close:    open,
	}
}

// Handback returns the conversation to the agent, which answers the lead's
// next message. A conversation already with the agent is left as it is.
func (d *Desk) Handback(ctx context.Context, db crm.DB, conv crm.Conversation, actor Actor) (changed bool, err error) {
	switch conv.Mode {
	case crm.ModeClosed:
		return false, fmt.Errorf("hand back %s: %w", conv.ID, ErrClosed)
	case crm.ModeAI:
		return false, nil
	}
	if err := mayAct(conv, actor); err != nil {
		return false, fmt.Errorf("hand back %s: %w", conv.ID, err)
	}
	now := d.cfg.Now()
	if err := crm.SetMode(ctx, db, conv.ID, crm.ModeChange{Mode: crm.ModeAI, At: now}); err != nil {
		return false, err
	}
	if err := d.endOpen(ctx, db, conv.ID, "handed_back", now); err != nil {
		return false, err
	}
	return true, d.event(ctx, db, conv, HandedBack{By: actor.Name})
}

// Close ends the conversation with an outcome (one of CloseOutcomes; none
// is refused) and moves the contact's stage with it (StageAfterClose). The
// lead's next message starts a new conversation.
func (d *Desk) Close(ctx context.Context, db crm.DB, conv crm.Conversation, actor Actor, outcome string) (changed bool, err error) {
	outcome = strings.TrimSpace(strings.ToLower(outcome))
	if outcome == "" {
		return false, &crm.InvalidError{Field: "outcome", Reason: "is required: choose how the conversation ended"}
	}
	if !slices.Contains(CloseOutcomes, outcome) {
		return false, &crm.InvalidError{Field: "outcome", Reason: fmt.Sprintf("%q is not one of %s", outcome, strings.Join(CloseOutcomes, ", "))}
	}
	if conv.Mode == crm.ModeClosed {
		if conv.ClosedOutcome == outcome {
			return false, nil
		}
		return false, fmt.Errorf("close %s: %w", conv.ID, ErrClosed)
	}
	if err := mayAct(conv, actor); err != nil {
		return false, fmt.Errorf("close %s: %w", conv.ID, err)
	}
	now := d.cfg.Now()
	if err := crm.SetMode(ctx, db, conv.ID, crm.ModeChange{Mode: crm.ModeClosed, Outcome: outcome, At: now}); err != nil {
		return false, err
	}
	if err := d.endOpen(ctx, db, conv.ID, "closed", now); err != nil {
		return false, err
	}
	if err := d.event(ctx, db, conv, Closed{Outcome: outcome, By: actor.Name}); err != nil {
		return false, err
	}
	if to, move := StageAfterClose(conv.Contact.Stage, outcome); move {
		if _, err := crm.SetStage(ctx, db, crm.StageChange{ContactID: conv.Contact.ID, ConversationID: conv.ID,
			To: to, By: actor.Name, Why: "closed as " + strings.ReplaceAll(outcome, "_", " ")}); err != nil {
			return false, fmt.Errorf("close %s: %w", conv.ID, err)
		}
	}
	return true, nil
}

// Note adds a rep's note to the timeline; any rep may add one.
func (d *Desk) Note(ctx context.Context, db crm.DB, conv crm.Conversation, actor Actor, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return &crm.InvalidError{Field: "text", Reason: "is empty"}
	}
	if n := len([]rune(text)); n > 4000 {
		return &crm.InvalidError{Field: "text", Reason: fmt.Sprintf("is %d characters; at most 4000", n)}
	}
	return d.event(ctx, db, conv, Note{Text: text, By: actor.Name, RepID: actor.RepID})
}

func (d *Desk) endOpen(ctx context.Context, db crm.DB, conversationID, how string, at time.Time) error {
	h, open, err := openHandoff(ctx, db, conversationID)
	if err != nil || !open {
		return err
	}
	return endHandoff(ctx, db, h.ID, how, at)
}

// notify records a text to rep about handoff h; lead is the prefix that
// says why ("Unclaimed for 10 min. ").
func (d *Desk) notify(ctx context.Context, db crm.DB, conv crm.Conversation, h Handoff, rep crm.Rep, kind, lead string) (Notification, error) {
	body := handoffText(d.cfg.BusinessName, lead, conv.Contact, h.Reason, h.Summary, d.link(conv.ID))
	n, err := insertNotification(ctx, db, Notification{ConversationID: conv.ID, HandoffID: h.ID, RepID: rep.ID, Kind: kind,
		To: rep.Phone, Body: body, CreatedAt: d.cfg.Now()})
	if err != nil {
		return Notification{}, err
	}
	return n, d.event(ctx, db, conv, RepNotified{HandoffID: h.ID, Rep: rep.Name, RepID: rep.ID,
		Notify: kind, NotificationID: n.ID})
}

func (d *Desk) event(ctx context.Context, db crm.DB, conv crm.Conversation, detail crm.Detail) error {
	return crm.AddEvent(ctx, db, crm.NewEvent{ConversationID: conv.ID, ContactID: conv.Contact.ID, Detail: detail})
}

func (d *Desk) link(conversationID string) string {
	return d.cfg.ConsoleURL + "/console/c/" + conversationID
}

// lookAgain is how long a handoff that found no rep on duty while the
// business is open waits before it looks again: for a rep back from a
// break or a shift that starts. Looking every minute would keep a job
// running all day at a business with nobody on the desk.
const lookAgain = 5 * time.Minute

// nextLook is when a handoff that found no rep on duty looks again: at
// the next opening, or lookAgain from now while the business is open.
func nextLook(s hours.Schedule, now time.Time) time.Time {
	next := s.NextOpen(now)
	if !next.IsZero() && !next.After(now) {
		next = now.Add(lookAgain)
	}
	return next
}

func slaWait(minutes int) time.Duration {
	if minutes <= 0 {
		minutes = DefaultRules().SLAMinutes
	}
	return time.Duration(minutes) * time.Minute
}

// Hours returns the business hours in force: the console's, or the
// configured default.
func (d *Desk) Hours(ctx context.Context, db crm.DB) (hours.Schedule, error) {
	bh, err := LoadBusinessHours(ctx, db, d.cfg.Hours)
	return bh.Schedule, err
}

// NewLeadWithoutConsent tells a person about a lead who may not be texted:
// the lead's owner when on duty, else the rep on duty in turn. Nothing is
// sent to the lead.
func (d *Desk) NewLeadWithoutConsent(ctx context.Context, db crm.DB, conv crm.Conversation, lead crm.Lead) (Work, error) {
	now := d.cfg.Now()
	sched, err := d.Hours(ctx, db)
	if err != nil {
		return Work{}, err
	}
	rep, ok, err := d.Route(ctx, db, conv.Contact.OwnerRepID, sched, now, nil)
	if err != nil {
		return Work{}, err
	}
	if !ok {
		return Work{}, d.event(ctx, db, conv, NoRepOnDuty{LeadID: lead.ID, Notify: NotifyNewLead})
	}
	// The lead's words arrive on the rep's phone from the business's
	// number: quoted and defanged, as in every rep text.
	body := newLeadText(d.cfg.BusinessName, conv.Contact, lead.Source, lead.Message, d.link(conv.ID))
	n, err := insertNotification(ctx, db, Notification{ConversationID: conv.ID, RepID: rep.ID, Kind: NotifyNewLead, To: rep.Phone,
		Body: body, CreatedAt: now})
	if err != nil {
		return Work{}, err
	}
	return Work{Notify: []string{n.ID}}, d.event(ctx, db, conv,
		RepNotified{Rep: rep.Name, RepID: rep.ID, Notify: NotifyNewLead, NotificationID: n.ID, LeadID: lead.ID})
}

// FollowUpWhen says when a person will get back to a lead, for a caller
// or a text: "shortly" while a rep is on duty, else the next opening in
// the business's words ("tomorrow at 9:00 AM").
func (d *Desk) FollowUpWhen(ctx context.Context, db crm.DB) (string, error) {
	sched, err := d.Hours(ctx, db)
	if err != nil {
		return "", err
	}
	now := d.cfg.Now()
	onDuty, err := crm.AnyRepOnDuty(ctx, db, sched.Open(now))
	if err != nil {
		return "", err
	}
	switch next := sched.NextOpen(now); {
	case onDuty:
		return "shortly", nil
	case !next.IsZero():
		return sched.Say(next, now), nil
	}
	return "as soon as they can", nil
}

// Whisper is what a rep hears on answering a call being handed to them,
// before the caller is connected: who, why, and what they want.
func (d *Desk) Whisper(ctx context.Context, db crm.DB, handoffID int64) (string, error) {
	h, err := GetHandoff(ctx, db, handoffID)
	if err != nil {
		return "", err
	}
	conv, err := crm.ConversationWithContact(ctx, db, h.ConversationID)
	if err != nil {
		return "", err
	}
	name := conv.Contact.Name
	if name == "" {
		name = "a caller"
	}
	wants, _, _ := strings.Cut(h.Summary, "\n")
	wants = strings.TrimPrefix(wants, "Wants: ")
	s := d.cfg.BusinessName + " call from " + name + ", " + ReasonLabel(h.Reason) + "."
	if wants != "" {
		s += " They want " + strings.TrimSuffix(wants, "…") + "."
	}
	return s, nil
}
