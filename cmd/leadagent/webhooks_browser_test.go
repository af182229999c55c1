package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// TestWebhooksInBrowser is an admin connecting the business's CRM on a
// phone: the Webhooks page adds an endpoint and shows its secret once, a
// test send and a lead posted to the API reach the CRM signed (the
// Standard Webhooks library verifies them) through the whole product (the
// outbox, the dispatcher, River), and the delivery log shows them; no
// step scrolls sideways at 390 px.
func TestWebhooksInBrowser(t *testing.T) {
	if os.Getenv("LEADAGENT_SKIP_BROWSER") == "1" {
		t.Skip("LEADAGENT_SKIP_BROWSER=1")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("needs chromium at %s (%v): run scripts/install-chromium.sh, or set LEADAGENT_SKIP_BROWSER=1", chromiumPath, err)
	}
	var mu sync.Mutex
	secret := ""
	got := make(chan string, 16)
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		s := secret
		mu.Unlock()
		wh, err := standardwebhooks.NewWebhook(s)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		if err != nil {
			t.Errorf("the CRM got a delivery that does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p struct{ Type string }
		_ = json.Unmarshal(body, &p)
		got <- p.Type
		_, _ = io.WriteString(w, `{"ok": true}`)
	}))
	defer crm.Close()
	wait := func(want string) {
		t.Helper()
		select {
		case typ := <-got:
			if typ != want {
				t.Fatalf("the CRM got %s, want %s", typ, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the CRM got no %s", want)
		}
	}

	base := startProduct(t, map[string]string{"REPLY_DEBOUNCE": "0s"})
	b := startBrowser(t)
	b.do("sign in as the admin", 15*time.Second,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "admin@summit.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demoPassword),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/console/webhooks"]`)),
	)
	long := crm.URL + "/hooks/leadagent/a-rather-long-path-the-crm-vendor-gave-us?account=summit-home-services-denver"
	b.do("add an endpoint", 15*time.Second,
		chromedp.Navigate(base+"/console/webhooks"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=url]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=url]`), long),
		chromedp.Click(chromedp.CSS(`input[value="lead.created"]`)),
		chromedp.Click(chromedp.CSS(`input[value="handoff.opened"]`)),
		chromedp.Click(chromedp.CSS(`main form.stack button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`input.once`)),
	)
	b.fitsPhone("the webhooks page with the new secret")
	s := eval[string](b, "read the secret", `document.querySelector("input.once").value`)
	if !strings.HasPrefix(s, "whsec_") {
		t.Fatalf("secret %q", s)
	}
	mu.Lock()
	secret = s
	mu.Unlock()

	b.do("send a test", 15*time.Second,
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Send a test"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "test event is on its way")]`)),
	)
	wait("webhook.test")

	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/leads", strings.NewReader(`{"phone": "+19705553301", "name": "Dana Reyes", "source": "website"}`))
	req.Header.Set("Authorization", "Bearer k1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("lead: %d", resp.StatusCode)
	}
	wait("lead.created")

	b.do("open the delivery log", 15*time.Second,
		chromedp.Navigate(base+"/console/webhooks"),
		chromedp.Click(chromedp.Search(`//summary[starts-with(normalize-space(), "Deliveries")]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space()="Replay"]`)),
		chromedp.Click(chromedp.Search(`//summary[normalize-space()="Payload"]`)),
	)
	b.fitsPhone("the webhooks page with its delivery log open")
	if shots := os.Getenv("LEADAGENT_SCREENSHOTS"); shots != "" {
		b.phoneShot(shots + "/console-webhooks.png")
	}
}
