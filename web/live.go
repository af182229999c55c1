package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/crm"
)

// Live tells open consoles that a conversation changed. It listens on
// PostgreSQL's crm.ChangedChannel, so a change made by any process (a
// worker's reply, another replica's takeover) reaches every console, and
// fans the ids out to the console's server-sent-event streams.
type Live struct {
	db     *pgxpool.Pool
	logger *slog.Logger

	mu     sync.Mutex
	subs   map[chan string]struct{}
	closed bool
}

// NewLive returns a Live; Run listens.
func NewLive(db *pgxpool.Pool, logger *slog.Logger) *Live {
	if logger == nil {
		logger = slog.Default()
	}
	return &Live{db: db, logger: logger, subs: map[chan string]struct{}{}}
}

// Run listens until ctx ends, reconnecting after a lost connection. When
// it returns, every stream ends, so a server shutting down is not held
// open by consoles.
func (l *Live) Run(ctx context.Context) {
	defer l.closeAll()
	wait := time.Second
	for ctx.Err() == nil {
		err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		l.logger.Warn("live updates: listening stopped, retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (l *Live) listen(ctx context.Context) error {
	conn, err := l.db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// A LISTENing connection must not go back to the pool for others.
	pg := conn.Hijack()
	defer pg.Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a listener we are done with
	if _, err := pg.Exec(ctx, "LISTEN "+crm.ChangedChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for {
		n, err := pg.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		l.publish(n.Payload)
	}
}

// publish hands a changed conversation's id to every subscriber that has
// room; a slow console misses an update, not the server's time.
func (l *Live) publish(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- id:
		default:
		}
	}
}

func (l *Live) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for ch := range l.subs {
		close(ch)
		delete(l.subs, ch)
	}
}

// Subscribe returns a channel of changed conversation ids, closed when
// Live stops, and the function that ends the subscription.
func (l *Live) Subscribe() (<-chan string, func()) {
	ch := make(chan string, 64)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		close(ch)
		return ch, func() {}
	}
	l.subs[ch] = struct{}{}
	return ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := l.subs[ch]; ok {
			delete(l.subs, ch)
			close(ch)
		}
	}
}

// sseHeartbeat keeps proxies from closing an idle stream.
const sseHeartbeat = 25 * time.Second

// consoleEvents serves GET /console/events: a server-sent-event stream
// with an event "conversation" (and "c-ID") for every changed
// conversation, which the console's pages refresh on.
func (s *Server) consoleEvents(c *gin.Context) {
	if s.cfg.Live == nil {
		abortError(c, http.StatusServiceUnavailable, "live updates are off")
		return
	}
	ids, cancel := s.cfg.Live.Subscribe()
	defer cancel()
	w := c.Writer
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": live\n\n")
	w.Flush()
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-c.Request.Context().Done():
			// A tab closed or navigated away: the usual end of a stream.
			s.logger.Debug("console event stream closed by the client")
			return
		case <-beat.C:
			fmt.Fprint(w, ": beat\n\n")
		case id, ok := <-ids:
			if !ok {
				return
			}
			fmt.Fprintf(w, "event: conversation\ndata: %s\n\nevent: c-%s\ndata: %s\n\n", id, id, id)
		}
		w.Flush()
	}
}
