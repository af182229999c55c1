package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/leadagent/leadagent/crm"
)

// FacebookLeads fetches a Facebook Lead Ads lead by its leadgen id, as
// ReceiveLead takes it (leadforms.Graph). A lead that does not exist is
// crm.ErrNotFound; any other error is retried.
type FacebookLeads interface {
	Lead(ctx context.Context, leadgenID string) (crm.NewLead, error)
}

// FacebookLeadArgs is the job that fetches a lead Facebook announced and
// records it through ReceiveLead. The webhook only queues it, so Facebook
// is answered at once, and a Graph API outage delays the lead instead of
// losing it.
type FacebookLeadArgs struct {
	LeadgenID string `json:"leadgen_id"`
	FormID    string `json:"form_id,omitempty"`
	PageID    string `json:"page_id,omitempty"`
}

func (FacebookLeadArgs) Kind() string { return "facebook_lead" }

// InsertOpts: one job a lead however often Facebook announces it.
func (FacebookLeadArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueFacebookLeads queues the jobs that fetch and record the leads, in
// one insert: all of them or, on error, none (Facebook then delivers
// again).
func (ib *Inbox) QueueFacebookLeads(ctx context.Context, leads []FacebookLeadArgs) error {
	if len(leads) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(leads))
	for i, l := range leads {
		params[i] = river.InsertManyParams{Args: l}
	}
	if _, err := ib.jobs.InsertMany(ctx, params); err != nil {
		return unavailable(fmt.Errorf("queue %d facebook leads: %w", len(leads), err))
	}
	return nil
}

type facebookLeadWorker struct {
	river.WorkerDefaults[FacebookLeadArgs]
	ib *Inbox
}

// Work fetches the lead and records it as every lead is (ReceiveLead:
// dedup by its external id, consent, first touch). A lead that is gone,
// or that cannot be a lead of ours (no phone), is not retried.
func (w *facebookLeadWorker) Work(ctx context.Context, job *river.Job[FacebookLeadArgs]) error {
	ib := w.ib
	if ib.facebook == nil {
		// The process that queued it knows Facebook; this one was
		// started without FACEBOOK_PAGE_TOKEN. Retried once it is set.
		return fmt.Errorf("facebook lead %s: this worker has no FACEBOOK_PAGE_TOKEN", job.Args.LeadgenID)
	}
	in, err := ib.facebook.Lead(ctx, job.Args.LeadgenID)
	if errors.Is(err, crm.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if ib.redact != nil {
		in.Redact(ib.redact)
	}
	out, err := ib.ReceiveLead(ctx, in)
	var invalid *crm.InvalidError
	if errors.As(err, &invalid) {
		ib.logger.Warn("facebook lead not recorded", "leadgen_id", job.Args.LeadgenID, "form_id", job.Args.FormID, "err", err)
		return river.JobCancel(fmt.Errorf("facebook lead %s: %w", job.Args.LeadgenID, err))
	}
	if err != nil {
		return fmt.Errorf("facebook lead %s: %w", job.Args.LeadgenID, err)
	}
	ib.logger.Info("facebook lead recorded", "leadgen_id", job.Args.LeadgenID, "lead_id", out.Lead.ID, "repeat", out.Repeat,
		"first_touch", out.FirstTouch)
	return nil
}
