package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadagent/leadagent/channels/sandbox"
)

// runSimulate texts the running server as a lead: each line of stdin goes
// out as a signed inbound SMS webhook, and the business's replies are read
// back from the (sandbox) Twilio API and printed as they arrive.
func runSimulate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	serverURL := fs.String("url", simulateServerURL(cfg.ListenAddr), "the leadagent server's base URL")
	from := fs.String("from", "", "the lead's phone, E.164 (default a random +1970555xxxx)")
	to := fs.String("to", cfg.TwilioFromNumber, "the business number the lead texts")
	apiBase := fs.String("api", "", "the Twilio REST API replies are read from (default TWILIO_API_BASE, else URL/sandbox)")
	wait := fs.Duration("wait", 20*time.Second, "once the input ends, how long to wait for the last replies")
	usage := func(msg string) error {
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		return usageError{msg: fmt.Sprintf("%s\nusage: leadagent simulate [flags] < messages\n%s", msg, b.String())}
	}
	if err := fs.Parse(args); err != nil {
		return usage(err.Error())
	}
	if fs.NArg() > 0 {
		return usage(fmt.Sprintf("unexpected argument %q: the lead's messages are read from stdin", fs.Arg(0)))
	}
	if u, err := url.Parse(*serverURL); err != nil || u.Scheme == "" || u.Host == "" {
		return usage(fmt.Sprintf("--url %q is not an absolute URL", *serverURL))
	}
	if *from == "" {
		*from = fmt.Sprintf("+1970555%04d", rand.IntN(10000))
	}
	if !looksE164(*from) {
		return usage(fmt.Sprintf("--from %q is not an E.164 number like +19705551234", *from))
	}
	if *to == "" {
		return usage("--to is required when TWILIO_FROM_NUMBER is not set")
	}
	if *apiBase == "" {
		*apiBase = cfg.TwilioAPIBase
	}
	if *apiBase == "" {
		*apiBase = strings.TrimRight(*serverURL, "/") + "/sandbox"
	}

	token := cfg.TwilioAuthToken.Reveal()
	s := simulation{
		lead: sandbox.Lead{
			ServerURL:  *serverURL,
			PublicURL:  cfg.PublicURL,
			AuthToken:  token,
			AccountSID: cfg.TwilioAccountSID,
			From:       *from,
			To:         *to,
		},
		replies: replyLister{
			apiBase:    strings.TrimRight(*apiBase, "/"),
			accountSID: cfg.TwilioAccountSID,
			authToken:  token,
			phone:      *from,
			client:     &http.Client{Timeout: 10 * time.Second},
		},
		poll: 500 * time.Millisecond,
		wait: *wait,
	}
	// Typed at a terminal, the lead's lines are on screen already and the
	// person typing paces them; a script piped in is echoed, and each line
	// waits for its reply like a lead would.
	s.echo = !isCharDevice(os.Stdin)
	s.paced = s.echo
	return s.run(ctx, os.Stdin, stdout)
}

// simulateServerURL is where a server started with LISTEN_ADDR is reached
// from this machine.
func simulateServerURL(listenAddr string) string {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "http://127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func looksE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isCharDevice(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// simulation is one lead's conversation from the terminal.
type simulation struct {
	lead    sandbox.Lead
	replies replyLister
	poll    time.Duration // how often replies are read
	wait    time.Duration // how long to wait for a reply
	echo    bool          // print the lead's own lines
	paced   bool          // send the next line only after a reply to the last (or wait)
}

// run sends each non-blank line of in as a text from the lead and prints
// the business's replies until in ends and every text has had a reply (or
// wait has passed), or ctx ends. Paced, it waits for a reply to each text
// (at most wait) before sending the next.
func (s simulation) run(ctx context.Context, in io.Reader, stdout io.Writer) error {
	out := &simConsole{w: stdout}
	out.printf("Texting %s as %s (to %s). Type a message and press Enter; Ctrl-D ends.\n", s.lead.ServerURL, s.lead.From, s.lead.To)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
	}()

	// Replies already there belong to an earlier session: not shown again.
	seen := map[string]bool{}
	if earlier, err := s.replies.fetch(ctx); err == nil {
		for _, r := range earlier {
			seen[r.SID] = true
		}
	}

	ticker := time.NewTicker(s.poll)
	defer ticker.Stop()
	var (
		awaiting  int // texts sent that no reply has followed yet
		inputDone bool
		deadline  <-chan time.Time
		lastErr   string
	)
	for {
		next := lines
		if inputDone || (s.paced && awaiting > 0) {
			next = nil
		}
		select {
		case <-ctx.Done():
			return nil // interrupted: a normal way to stop

		case line, ok := <-next:
			if !ok {
				inputDone = true
				select {
				case err := <-readErr:
					if err != nil {
						return fmt.Errorf("read messages: %w", err)
					}
				default:
				}
				if awaiting == 0 {
					return nil
				}
				deadline = time.After(s.wait)
				continue
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if s.echo {
				out.say("lead", s.lead.From, line)
			}
			if _, err := s.lead.Text(ctx, line); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				out.printf("! not delivered: %v%s\n", err, refusalHint(err))
				continue
			}
			awaiting++
			if s.paced {
				deadline = time.After(s.wait)
			}

		case <-ticker.C:
			replies, err := s.replies.fetch(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if msg := err.Error(); msg != lastErr {
					out.printf("! cannot read replies: %v\n", err)
					lastErr = msg
				}
				continue
			}
			lastErr = ""
			for _, r := range replies {
				if seen[r.SID] {
					continue
				}
				seen[r.SID] = true
				awaiting = max(awaiting-1, 0)
				text := r.Body
				if r.NumMedia != "" && r.NumMedia != "0" {
					text += fmt.Sprintf(" [%s media]", r.NumMedia)
				}
				if r.ErrorCode != nil && *r.ErrorCode != 0 {
					text += fmt.Sprintf(" [%s: error %d]", r.Status, *r.ErrorCode)
				}
				out.say("business", r.From, text)
			}
			if awaiting == 0 {
				if inputDone {
					return nil
				}
				deadline = nil
			}

		case <-deadline:
			out.printf("(no reply to the last message within %s)\n", s.wait)
			if inputDone {
				return nil
			}
			awaiting, deadline = 0, nil
		}
	}
}

// refusalHint says what usually causes a webhook refusal.
func refusalHint(err error) string {
	var we *sandbox.WebhookError
	if !errors.As(err, &we) {
		return " (is `leadagent serve` running at that URL?)"
	}
	if we.StatusCode == http.StatusForbidden {
		return " (the server's TWILIO_AUTH_TOKEN or PUBLIC_URL differs from this one's)"
	}
	return ""
}

// simConsole prints one speaker's turn at a time.
type simConsole struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *simConsole) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, format, args...)
}

// say prints a message under its speaker, continuation lines indented.
func (c *simConsole) say(who, phone, text string) {
	prefix := fmt.Sprintf("%-8s %s: ", who, phone)
	indent := strings.Repeat(" ", len(prefix))
	c.printf("%s%s\n", prefix, strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n"+indent))
}

// replyLister lists the messages sent to the lead through Twilio's (or
// the sandbox's) Messages API.
type replyLister struct {
	apiBase    string
	accountSID string
	authToken  string
	phone      string
	client     *http.Client
}

// simReply is the part of a Twilio message resource the simulator shows.
type simReply struct {
	SID       string `json:"sid"`
	From      string `json:"from"`
	Body      string `json:"body"`
	Status    string `json:"status"`
	NumMedia  string `json:"num_media"`
	ErrorCode *int   `json:"error_code"`
}

// fetch returns the latest messages to the lead, oldest first.
func (r replyLister) fetch(ctx context.Context) ([]simReply, error) {
	q := url.Values{"To": {r.phone}, "PageSize": {"50"}}
	endpoint := fmt.Sprintf("%s/2010-04-01/Accounts/%s/Messages.json?%s", r.apiBase, url.PathEscape(r.accountSID), q.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	req.SetBasicAuth(r.accountSID, r.authToken)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var apiErr struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(body, &apiErr) == nil && apiErr.Message != "" {
			return nil, fmt.Errorf("list messages at %s: %s (code %d)", r.apiBase, apiErr.Message, apiErr.Code)
		}
		return nil, fmt.Errorf("list messages at %s: %s", r.apiBase, resp.Status)
	}
	var page struct {
		Messages []simReply `json:"messages"`
	}
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&page); err != nil {
		return nil, fmt.Errorf("list messages at %s: %w", r.apiBase, err)
	}
	slices.Reverse(page.Messages) // Twilio lists newest first
	return page.Messages, nil
}
