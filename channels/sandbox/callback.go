package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leadagent/leadagent/channels/twilio"
)

// startLifecycleLocked queues the status steps of a new message. It
// reports false when the queue is full or the Server closed; the message
// then stays where it is.
func (s *Server) startLifecycleLocked(sid string) bool {
	if s.closed {
		return false
	}
	select {
	case s.jobs <- sid:
	default:
		return false
	}
	if s.pending == 0 {
		s.idle = make(chan struct{})
	}
	s.pending++
	return true
}

func (s *Server) lifecycleDone() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending--
	if s.pending == 0 {
		close(s.idle)
	}
}

func (s *Server) work() {
	defer s.workers.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case sid := <-s.jobs:
			s.lifecycle(s.ctx, sid)
			s.lifecycleDone()
		}
	}
}

// lifecycle moves one message through Twilio's statuses, posting a
// status callback at each step and waiting for its answer before the next.
func (s *Server) lifecycle(ctx context.Context, sid string) {
	for i, status := range []string{"queued", "sent", "delivered"} {
		if i > 0 && s.cfg.StepDelay > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.cfg.StepDelay):
			}
		}
		m, ok := s.advance(sid, status)
		if !ok {
			return // forgotten by Reset
		}
		if m.StatusCallback != "" {
			s.postStatus(ctx, m)
		}
		if m.Status != status {
			return // ended early: undelivered
		}
	}
}

// advance moves the message to status, or to undelivered when its
// recipient is marked so and status is the last step, and returns it.
func (s *Server) advance(sid, status string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.bySID[sid]
	if !ok {
		return Message{}, false
	}
	now := s.now()
	switch status {
	case "queued":
		if m.From == "" {
			m.From = s.cfg.PoolNumber // the Messaging Service picked a sender
		}
	case "sent":
		m.Sent = now
	case "delivered":
		if code, ok := s.faults.undeliver[m.To]; ok {
			status = "undelivered"
			m.ErrorCode, m.ErrorMessage = code, errorMessage(code, 0)
		}
	}
	m.Status, m.Updated = status, now
	s.notifyLocked()
	return m.clone(), true
}

// postStatus sends the status callback Twilio sends for m, signed with
// the auth token. Twilio does not retry a failed callback; neither does
// the sandbox.
func (s *Server) postStatus(ctx context.Context, m Message) {
	form := url.Values{
		"MessageSid":    {m.SID},
		"SmsSid":        {m.SID},
		"MessageStatus": {m.Status},
		"SmsStatus":     {m.Status},
		"To":            {m.To},
		"From":          {m.From},
		"AccountSid":    {m.AccountSID},
		"ApiVersion":    {apiVersion},
	}
	if m.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", m.MessagingServiceSID)
	}
	if m.ErrorCode != 0 {
		form.Set("ErrorCode", strconv.Itoa(m.ErrorCode))
	}
	if err := s.post(ctx, m.StatusCallback, form); err != nil {
		s.log.Warn("sandbox: status callback failed", "sid", m.SID, "status", m.Status, "err", err)
	}
}

// post sends a signed form webhook, as Twilio does.
func (s *Server) post(ctx context.Context, callback string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("status callback %s: %w", callback, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("I-Twilio-Idempotency-Token", newSID(""))
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(s.cfg.AuthToken, callback, form))
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("status callback: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("status callback %s answered %s", callback, resp.Status)
	}
	return nil
}
