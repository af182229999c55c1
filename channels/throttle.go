package channels

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// Throttled is a Sender that keeps to a send rate: Twilio accepts a number's
// messages at a fixed rate of segments per second (one for a US long code,
// more for toll-free and short codes), and queues or refuses what comes
// faster. The callers wait in Send instead, so the backlog stays in our
// queue, where the stop conditions are checked before each text goes.
type Throttled struct {
	next    Sender
	limiter *rate.Limiter
	cost    func(body string) int
}

// Throttle returns s limited to perSecond segments a second, with bursts
// of up to burst; cost says how many segments a body takes (nil: one per
// message). The limit is this process's: workers in several processes
// each keep to it.
func Throttle(s Sender, perSecond float64, burst int, cost func(body string) int) *Throttled {
	if burst < 1 {
		burst = 1
	}
	if cost == nil {
		cost = func(string) int { return 1 }
	}
	return &Throttled{next: s, limiter: rate.NewLimiter(rate.Limit(perSecond), burst), cost: cost}
}

// Send waits for its turn, then sends.
func (t *Throttled) Send(ctx context.Context, msg Outbound) (SendResult, error) {
	n := min(max(t.cost(msg.Body), 1), t.limiter.Burst())
	if err := t.limiter.WaitN(ctx, n); err != nil {
		return SendResult{}, fmt.Errorf("send rate: %w", err)
	}
	return t.next.Send(ctx, msg)
}
