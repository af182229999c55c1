package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/crm"
)

// chromiumPath is Debian's chromium, which scripts/install-chromium.sh
// installs (CI runs it).
const chromiumPath = "/usr/bin/chromium"

// The phone the console must work on.
const phoneWidth, phoneHeight = 390, 844

// TestConsoleInBrowser is a rep's evening in a real browser, on a phone:
// Alex (the only rep at work) signs in and keeps the inbox open; a lead
// asks for a quote; the conversation shows up under "Needs a rep" by
// itself (the live update, no reload); Alex takes it over, replies, and
// hands it back to the agent. The lead's phone, the API and the page
// must agree at every step, and no page may scroll sideways at 390 px.
//
// With LEADAGENT_SCREENSHOTS=DIR it also writes the README's screenshots
// to DIR (make screenshots).
func TestConsoleInBrowser(t *testing.T) {
	if os.Getenv("LEADAGENT_SKIP_BROWSER") == "1" {
		t.Skip("LEADAGENT_SKIP_BROWSER=1")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("the console's browser test needs chromium at %s (%v): run scripts/install-chromium.sh, "+
			"or set LEADAGENT_SKIP_BROWSER=1 to skip it", chromiumPath, err)
	}
	shots := os.Getenv("LEADAGENT_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// Around the clock every active rep is at work; with Jordan and Sam
	// away, every handoff goes to Alex, the rep this test signs in as.
	base, _ := serveAndText(t, map[string]string{"REPLY_DEBOUNCE": "0s", "BUSINESS_HOURS": "24/7"}) // one lead already talks to the agent
	for _, name := range []string{"Jordan Lee", "Sam Ortiz"} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"reps", "set", name, "--active=false"}, &out, &errOut); code != 0 {
			t.Fatalf("reps set %s: exit %d: %s", name, code, errOut.String())
		}
	}
	api := consoleAPI{t: t, base: base}

	b := startBrowser(t)
	b.do("sign in as Alex", 15*time.Second,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "alex@summit.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demoPassword),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#inbox section.flagged`)),
	)
	// The inbox is open and listening before the lead writes: what
	// follows must reach this page over its event stream.
	b.do("wait for the inbox's event stream", 10*time.Second,
		chromedp.Poll[chromedp.Void](`window.__leadagentLive === true`, chromedp.WithPollingInterval(20*time.Millisecond)),
		chromedp.Evaluate[chromedp.Void](`window.__leadagentSamePage = true`),
	)
	b.fitsPhone("the inbox")

	const buyer = "+19705553002"
	api.text(buyer, "I'd like to get a quote for a new AC next week, budget around $6k")
	conv := api.waitMode(buyer, "handoff_pending")
	if conv.AssignedRep == nil || conv.AssignedRep.Name != "Alex Rivera" {
		t.Fatalf("the handoff went to %+v, want Alex Rivera, the only rep at work", conv.AssignedRep)
	}
	card := chromedp.CSS(`#inbox section.flagged a[href="/console/c/` + conv.ID + `"]`)
	b.do(`wait for the lead under "Needs a rep" (the inbox's live update)`, 10*time.Second, chromedp.WaitVisible(card))
	b.samePage("the inbox")

	// The rep finds the lead by the words they wrote, as on a busy day.
	b.do("search the inbox for the lead's words", 15*time.Second,
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "quote for a new AC"),
		chromedp.Submit(chromedp.CSS(`input[name=q]`)),
		// The results page keeps the words in the box.
		chromedp.WaitVisible(chromedp.CSS(`input[name=q][value="quote for a new AC"]`)),
		chromedp.WaitVisible(card),
	)
	b.fitsPhone("the inbox's search results")

	// A long history before the quote request, so the conversation is
	// many screens tall on the phone.
	earlierMessages(t, conv.ID, 30)

	takeOver := chromedp.Search(`//div[@id="live"]//button[normalize-space()="Take over"]`)
	b.do("open the conversation", 15*time.Second, chromedp.Click(card), chromedp.WaitVisible(takeOver))
	b.fitsPhone("the conversation")
	b.navOnScreen("the conversation")
	b.newestInView("the conversation as it opens")
	const reply = "Hi, this is Alex at Summit. I can come by Tuesday morning to measure for the new AC. Does 9:30 work?"
	b.do("take over and reply", 15*time.Second,
		chromedp.Click(takeOver),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		chromedp.SendKeys(chromedp.ID("reply-text"), reply),
		chromedp.Click(chromedp.CSS(`form.composer button[type=submit]`)),
		chromedp.WaitVisible(chromedp.Search(`//ol[contains(@class,"timeline")]/li[contains(@class,"author-rep")]/div[@class="body"][normalize-space()="`+reply+`"]`)),
	)
	b.fitsPhone("the conversation with the reply box")
	b.newestInView("the reply just sent")

	// The lead writes while Alex reads older messages: the page leaves
	// Alex where they are; back at the newest, the page follows.
	b.do("scroll up to read", 10*time.Second,
		chromedp.Poll[chromedp.Void](`window.__leadagentLive === true`, chromedp.WithPollingInterval(20*time.Millisecond)),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	api.text(buyer, "Tuesday works, but can you make it 10?")
	b.do("wait for the lead's message (live update)", 10*time.Second,
		chromedp.WaitReady(chromedp.Search(`//ol[contains(@class,"timeline")]/li[contains(@class,"inbound")]/div[@class="body"][normalize-space()="Tuesday works, but can you make it 10?"]`)))
	if y := eval[float64](b, "read the scroll", `window.scrollY`); y > 5 {
		b.fatalf("a live update scrolled the page to %v while the rep read older messages", y)
	}
	b.do("back to the newest", 5*time.Second, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.documentElement.scrollHeight)`))
	api.text(buyer, "And is the estimate free?")
	b.do("wait for the lead's second message (live update)", 10*time.Second,
		chromedp.WaitReady(chromedp.Search(`//ol[contains(@class,"timeline")]/li[contains(@class,"inbound")]/div[@class="body"][normalize-space()="And is the estimate free?"]`)))
	b.newestInView("the lead's message after a live update")

	sent := api.waitSent(buyer, reply)
	if len(sent) != 1 || sent[0].From != sandboxFromNumber {
		t.Fatalf("the lead got %+v, want the reply once, from the business number %s", sent, sandboxFromNumber)
	}
	got := api.conversation(conv.ID)
	if got.Mode != "human" {
		t.Errorf("mode after the takeover and reply: %q, want human", got.Mode)
	}
	var byRep []string
	for _, m := range got.Messages {
		if m.Author == "rep" {
			byRep = append(byRep, m.Body)
		}
	}
	if len(byRep) != 1 || byRep[0] != reply {
		t.Errorf("the rep's messages are %q, want just the reply", byRep)
	}

	b.everyState(api, conv.ID, shots)

	b.do("hand back to the agent", 15*time.Second,
		chromedp.Click(chromedp.Search(`//div[@id="live"]//button[normalize-space()="Hand back to the agent"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#live .lead .badge.mode-ai`)),
	)
	if got := api.conversation(conv.ID); got.Mode != "ai" {
		t.Errorf("mode after the hand back: %q, want ai", got.Mode)
	}
	b.fitsPhone("the conversation handed back")

	// Close asks for the outcome: with none chosen the form is not sent.
	closeButton := chromedp.Search(`//div[@id="live"]//form[contains(@class,"close")]//button[normalize-space()="Close"]`)
	b.do("close without an outcome", 5*time.Second, chromedp.Click(closeButton))
	if valid := eval[bool](b, "read the form", `document.querySelector("#live form.close").checkValidity()`); valid {
		b.fatalf("the close form is valid with no outcome chosen")
	}
	b.do("close as booked", 15*time.Second,
		chromedp.SetValue(chromedp.CSS(`#live form.close select[name=outcome]`), "booked"),
		chromedp.Click(closeButton),
		chromedp.WaitVisible(chromedp.CSS(`#live .lead .badge.mode-closed`)),
		chromedp.WaitReady(chromedp.Search(`//ol[contains(@class,"timeline")]/li[contains(., "Stage: new → customer")]`)),
	)
	if got := api.conversation(conv.ID); got.Mode != "closed" || got.ClosedOutcome != "booked" || got.Contact.Stage != "customer" {
		t.Errorf("after closing as booked: mode %q, outcome %q, stage %q; want closed, booked, customer", got.Mode, got.ClosedOutcome, got.Contact.Stage)
	}
	b.fitsPhone("the closed conversation")
}

// earlierMessages records n messages from the lead an hour and more ago
// in the conversation, as a long history would have.
func earlierMessages(t *testing.T, convID string, n int) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	start := time.Now().Add(-2 * time.Hour)
	for i := range n {
		if _, _, err := crm.RecordInbound(ctx, pool, crm.NewInbound{ConversationID: convID, ProviderSID: fmt.Sprintf("SMearlier%d", i),
			Body: fmt.Sprintf("Earlier message %d: the old unit makes a rattling noise when it starts.", i+1), ReceivedAt: start.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
}

// navOnScreen fails when a link of the top navigation is off the screen
// (the navigation wraps on a phone rather than scrolling sideways).
func (b *repBrowser) navOnScreen(what string) {
	b.t.Helper()
	off := eval[[]string](b, "measure the navigation on "+what, `[...document.querySelectorAll("header.top nav a")]
		.filter(a => { const r = a.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > window.innerWidth + 0.5; })
		.map(a => a.textContent.trim())`)
	if len(off) > 0 {
		b.t.Errorf("on %s the navigation hides %q at %d px", what, off, phoneWidth)
	}
}

// newestInView fails unless the conversation's last message is on the
// screen and not under the reply box.
func (b *repBrowser) newestInView(what string) {
	b.t.Helper()
	const check = `(() => {
		const msgs = document.querySelectorAll("#live .timeline > li.msg");
		if (!msgs.length) return "no messages";
		const r = msgs[msgs.length - 1].getBoundingClientRect();
		const composer = document.querySelector("form.composer");
		const floor = composer ? composer.getBoundingClientRect().top : window.innerHeight;
		if (r.top < 0 || r.bottom > Math.min(floor, window.innerHeight) + 0.5)
			return "the newest message is at " + Math.round(r.top) + "-" + Math.round(r.bottom) + " px, the screen shows 0-" + Math.round(Math.min(floor, window.innerHeight));
		return "";
	})()`
	ctx, cancel := context.WithTimeout(b.tab, 5*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](check+` === ""`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.fatalf("%s: %s (%v)", what, eval[string](b, "measure "+what, check), err)
	}
}

// everyState fills the inbox with a lead in each state besides the one
// Alex has (two asking the agent ordinary questions, one complaining) and
// opens it in a second tab, where it must fit the phone too. With shots
// set, that tab also takes the README's screenshots: Alex's conversation
// on the phone, once the reply is delivered, and the inbox on a desktop.
func (b *repBrowser) everyState(api consoleAPI, convID, shots string) {
	t := b.t
	texts := []struct{ phone, body string }{
		{"+19705553003", "do you do water heaters?"},
		{"+19705553004", "do you work in Loveland?"},
		{"+19705553005", "Your tech never showed up yesterday and nobody called. This is the second time and I'm really upset."},
	}
	for _, m := range texts {
		api.text(m.phone, m.body)
	}
	for _, m := range texts[:2] {
		waitReply(t, api.base, m.phone)
	}
	complaint := api.waitMode(texts[2].phone, "handoff_pending")

	tab, closeTab := b.newTab()
	defer closeTab()
	if shots != "" {
		api.waitDelivered(convID)
		tab.do("open the conversation in a second tab", 15*time.Second,
			chromedp.Navigate(api.base+"/console/c/"+convID),
			chromedp.WaitVisible(chromedp.CSS(`#live .timeline .author-rep`)),
		)
		tab.phoneShot(filepath.Join(shots, "console-phone.png"))
	}
	tab.do("open the inbox in a second tab", 15*time.Second,
		chromedp.Navigate(api.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#inbox section.flagged a[href="/console/c/`+complaint.ID+`"]`)),
	)
	tab.fitsPhone("the inbox with a lead in every state")
	if shots != "" {
		tab.screenshot(filepath.Join(shots, "console.png"), 1200, 800)
	}
}

// repBrowser is one tab of a headless chromium on the console.
type repBrowser struct {
	t       *testing.T
	tab     context.Context
	output  *lockedBuffer // what chromium printed
	console *consoleLog   // what the pages logged
}

// liveProbe runs in every page before its own scripts. It records when
// the page's event stream (htmx's SSE extension) is open, so the test
// texts only once the inbox listens, and traces the live updates and the
// refreshes they cause, for the message of a failure.
const liveProbe = `window.__leadagentTrace = [];
document.addEventListener("htmx:sseOpen", () => { window.__leadagentLive = true; });
document.addEventListener("htmx:sseMessage", (e) => window.__leadagentTrace.push(Math.round(performance.now()) + " ms: event " + e.detail.type));
document.addEventListener("htmx:beforeRequest", (e) => window.__leadagentTrace.push(Math.round(performance.now()) + " ms: GET " + e.detail.pathInfo.requestPath));`

func startBrowser(t *testing.T) *repBrowser {
	t.Helper()
	b := &repBrowser{t: t, output: &lockedBuffer{}, console: &consoleLog{}}
	// Without the background-networking flags chromium waits on the
	// network for its updaters, and on a closed network it hangs. The
	// allocator gives each run a fresh temporary profile and removes it.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(phoneWidth, phoneHeight),
		chromedp.CombinedOutput(b.output),
	)
	// Each step has its own limit; this one bounds the browser as a whole.
	limit, cancelLimit := context.WithTimeout(context.Background(), time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(limit, opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelLimit() }) // before the server stops: cleanups run last first
	b.tab = tab
	b.open()
	return b
}

// newTab opens another tab in the same browser, signed in as the first.
func (b *repBrowser) newTab() (*repBrowser, context.CancelFunc) {
	tab, closeTab := chromedp.NewContext(b.tab)
	other := &repBrowser{t: b.t, tab: tab, output: b.output, console: b.console}
	other.open()
	return other, closeTab
}

// open starts the tab under its own context (a tab started under a
// step's shorter one closes when that step ends), follows its console,
// and makes it a phone.
func (b *repBrowser) open() {
	b.t.Helper()
	if err := chromedp.Do(b.tab); err != nil {
		b.t.Fatalf("start chromium: %v\n%s", err, b.output.String())
	}
	b.console.follow(b.tab)
	b.do("set up the tab", 10*time.Second,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: liveProbe})
			return err
		}),
		chromedp.EmulateViewport(phoneWidth, phoneHeight),
	)
}

// do runs the steps of what, giving up after limit (an upper bound for a
// wait, never a measurement).
func (b *repBrowser) do(what string, limit time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, limit)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *repBrowser, what, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// samePage fails when the page was loaded again since the test marked it.
func (b *repBrowser) samePage(what string) {
	b.t.Helper()
	if !eval[bool](b, "look for the mark", `window.__leadagentSamePage === true`) {
		b.fatalf("%s was loaded again: the change must arrive by the live update", what)
	}
}

// fitsPhone fails when the page scrolls sideways, naming what sticks out.
func (b *repBrowser) fitsPhone(what string) {
	b.t.Helper()
	if eval[bool](b, "measure "+what, `document.documentElement.scrollWidth <= window.innerWidth`) {
		return
	}
	wide := eval[[]string](b, "find what is too wide", `[...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
		.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).trim().replace(/\s+/g, ".") : "") +
			" right=" + Math.round(e.getBoundingClientRect().right))`)
	b.t.Errorf("%s scrolls sideways at %d px; too wide: %s", what, phoneWidth, strings.Join(wide, ", "))
}

// screenshot saves the whole page as a PNG, on a screen width by height
// CSS pixels that grows to the page's height: the sticky reply box then
// sits where it belongs, not over the middle of the timeline.
func (b *repBrowser) screenshot(path string, width, height int64) {
	b.t.Helper()
	b.do("size the screen for "+path, 10*time.Second, chromedp.EmulateViewport(width, height))
	height = eval[int64](b, "measure the page", `Math.ceil(document.documentElement.scrollHeight)`)
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		b.fatalf("grow the screen for %s: %v", path, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.do("back to the phone", 10*time.Second, chromedp.EmulateViewport(phoneWidth, phoneHeight))
	b.t.Logf("wrote %s", path)
}

// phoneShot saves what the phone's screen shows, as a rep sees it: the
// conversation opens at its newest message, above the reply box. (A
// whole-page capture of a page that keeps its newest message in view
// grows with the screen and says nothing about the phone.)
func (b *repBrowser) phoneShot(path string) {
	b.t.Helper()
	b.do("size the phone's screen for "+path, 10*time.Second,
		chromedp.EmulateViewport(phoneWidth, phoneHeight),
		chromedp.Sleep(300*time.Millisecond)) // the scroll to the newest message settles
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("wrote %s", path)
}

// fatalf ends the test with what the browser saw: where it was, the
// page's text and live updates, its console and chromium's own output.
func (b *repBrowser) fatalf(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, 3*time.Second)
	defer cancel()
	where, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	trace, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__leadagentTrace || []`))
	b.t.Fatalf("%s\nat %s:\n%s\nlive updates since the page loaded:\n%s\nconsole:\n%s\nchromium:\n%s", fmt.Sprintf(format, args...),
		where, text, strings.Join(trace, "\n"), b.console.String(), b.output.String())
}

// consoleLog keeps the pages' console messages and uncaught exceptions.
type consoleLog struct {
	mu    sync.Mutex
	lines []string
}

func (c *consoleLog) follow(tab context.Context) {
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			c.mu.Lock()
			c.lines = append(c.lines, m.String()+" ("+m.URL+")")
			c.mu.Unlock()
		}
	}()
}

func (c *consoleLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// lockedBuffer is a buffer chromium's output goroutine writes while the
// test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// consoleAPI texts the business as leads, and reads what the browser did
// back through /api/v1 and the sandbox's REST API, as another program
// would.
type consoleAPI struct {
	t    *testing.T
	base string
}

type apiConversation struct {
	ID            string
	Mode          string
	ClosedOutcome string                 `json:"closed_outcome"`
	Contact       struct{ Stage string } `json:"contact"`
	AssignedRep   *struct{ Name string } `json:"assigned_rep"`
	Messages      []struct{ Author, Direction, Body, Status string }
}

type sandboxMessage struct{ From, To, Body string }

// text sends body from the lead's phone.
func (a consoleAPI) text(phone, body string) {
	a.t.Helper()
	lead := sandbox.Lead{ServerURL: a.base, AuthToken: sandboxAuthToken, AccountSID: sandboxAccountSID, From: phone, To: sandboxFromNumber}
	if _, err := lead.Text(context.Background(), body); err != nil {
		a.t.Fatalf("text from %s: %v", phone, err)
	}
}

func (a consoleAPI) get(path string, v any) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.base+path, nil)
	if strings.HasPrefix(path, "/sandbox/") {
		req.SetBasicAuth(sandboxAccountSID, sandboxAuthToken)
	} else {
		req.Header.Set("Authorization", "Bearer k1")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
}

func (a consoleAPI) conversation(id string) apiConversation {
	a.t.Helper()
	var c apiConversation
	a.get("/api/v1/conversations/"+id, &c)
	return c
}

// waitMode waits until the lead's conversation is in mode.
func (a consoleAPI) waitMode(phone, mode string) apiConversation {
	a.t.Helper()
	var list struct{ Conversations []apiConversation }
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		a.get("/api/v1/conversations?phone="+url.QueryEscape(phone), &list)
		if len(list.Conversations) == 1 && list.Conversations[0].Mode == mode {
			return list.Conversations[0]
		}
	}
	a.t.Fatalf("the conversation of %s never became %s: %+v", phone, mode, list.Conversations)
	return apiConversation{}
}

// waitDelivered waits until every outbound message of the conversation is
// delivered.
func (a consoleAPI) waitDelivered(id string) {
	a.t.Helper()
	var c apiConversation
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c = a.conversation(id)
		delivered := true
		for _, m := range c.Messages {
			delivered = delivered && (m.Direction != "outbound" || m.Status == "delivered")
		}
		if delivered {
			return
		}
	}
	a.t.Fatalf("the messages of %s were never all delivered: %+v", id, c.Messages)
}

// waitSent waits until the sandbox has sent body to phone, and returns
// every message to phone with that body.
func (a consoleAPI) waitSent(phone, body string) []sandboxMessage {
	a.t.Helper()
	var page struct{ Messages []sandboxMessage }
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		a.get(fmt.Sprintf("/sandbox/2010-04-01/Accounts/%s/Messages.json?To=%s", sandboxAccountSID, url.QueryEscape(phone)), &page)
		var same []sandboxMessage
		for _, m := range page.Messages {
			if m.Body == body {
				same = append(same, m)
			}
		}
		if len(same) > 0 {
			return same
		}
	}
	a.t.Fatalf("%s never received %q; it got %+v", phone, body, page.Messages)
	return nil
}
