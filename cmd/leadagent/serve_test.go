package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/leadagent/leadagent/agent/openaitest"
	"github.com/leadagent/leadagent/channels/sandbox"
	"github.com/leadagent/leadagent/store/storetest"
)

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestServeAnswersATextEndToEnd runs the product as make run does, against
// a fresh database: demo knowledge, serve with the sandbox, a signed text
// in, and the reply read back from the sandbox's REST API.
func TestServeAnswersATextEndToEnd(t *testing.T) {
	serveAndText(t, nil)
}

// TestServeFallsBackWhenTheModelFails wires the model-backed agent to a
// scripted OpenAI-compatible server that fails: the lead is still answered,
// by the offline responder, and the reply says so.
func TestServeFallsBackWhenTheModelFails(t *testing.T) {
	model := openaitest.New(t)
	model.SetDefault(openaitest.ServerError())
	base, phone := serveAndText(t, map[string]string{"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test",
		"OPENAI_BASE_URL": model.URL, "EMBEDDING_PROVIDER": "local", "REPLY_DEBOUNCE": "0s"})
	if len(model.ChatRequests()) == 0 {
		t.Fatal("the model was never asked")
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/conversations?phone=%2B"+phone[1:], nil)
	req.Header.Set("Authorization", "Bearer k1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Conversations []struct{ ID string } `json:"conversations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Conversations) != 1 {
		t.Fatalf("list: %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/conversations/"+list.Conversations[0].ID, nil)
	req.Header.Set("Authorization", "Bearer k1")
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var conv struct {
		Messages []struct {
			Turn *struct {
				AnsweredBy string `json:"answered_by"`
			} `json:"turn"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp2.Body).Decode(&conv); err != nil || len(conv.Messages) != 2 || conv.Messages[1].Turn == nil ||
		conv.Messages[1].Turn.AnsweredBy != "fallback" {
		t.Fatalf("reply turn: %+v %v", conv, err)
	}
}

// serveAndText runs demo and serve with env on top of the sandbox
// defaults, texts the office-hours question and checks the answer.
func serveAndText(t *testing.T, env map[string]string) (base, phone string) {
	base = startProduct(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lead := sandbox.Lead{ServerURL: base, AuthToken: sandboxAuthToken, AccountSID: sandboxAccountSID,
		From: "+19705553001", To: sandboxFromNumber}
	if _, err := lead.Text(ctx, "what are your office hours?"); err != nil {
		t.Fatalf("text: %v", err)
	}
	reply := waitReply(t, base, "+19705553001")
	if !strings.Contains(reply, "7:00") {
		t.Fatalf("reply %q lacks the office hours from the demo knowledge", reply)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/conversations?phone=%2B19705553001", nil)
	req.Header.Set("Authorization", "Bearer k1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Conversations []struct{ ID, Mode string } `json:"conversations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Conversations) != 1 || list.Conversations[0].Mode != "ai" {
		t.Fatalf("api list: %+v %v", list, err)
	}
	return base, "+19705553001"
}

// startProduct runs demo and serve as make run does, against a fresh
// database, with env on top of the sandbox defaults; the server runs
// until the test ends. It returns the server's base URL.
func startProduct(t testing.TB, env map[string]string) string {
	t.Helper()
	addr := freeAddr(t)
	t.Setenv("DATABASE_URL", storetest.NewDatabaseURL(t))
	t.Setenv("LISTEN_ADDR", addr)
	t.Setenv("API_KEYS", "k1")
	for _, k := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_API_BASE", "PUBLIC_URL", "OPENAI_API_KEY",
		"OPENAI_BASE_URL", "LLM_PROVIDER", "EMBEDDING_PROVIDER", "REPLY_DEBOUNCE", "BUSINESS_HOURS", "SMS_RATE"} {
		t.Setenv(k, env[k])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel) // the server outlives this function, until the test ends

	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"demo", "--dir", "../../demo/knowledge"}, &out, &errOut); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "chunks written") {
		t.Fatalf("demo printed %q", out.String())
	}

	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	var serveOut, serveErr bytes.Buffer
	go func() { done <- run(serveCtx, []string{"serve"}, &serveOut, &serveErr) }()
	t.Cleanup(func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serveErr.String())
		}
	})
	base := "http://" + addr
	waitHealthy(t, base)
	return base
}

func waitHealthy(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became ready")
}

// waitReply polls the sandbox's Messages list, as the simulator does.
func waitReply(t *testing.T, base, to string) string {
	t.Helper()
	url := fmt.Sprintf("%s/sandbox/2010-04-01/Accounts/%s/Messages.json?To=%s", base, sandboxAccountSID, "%2B"+to[1:])
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth(sandboxAccountSID, sandboxAuthToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Messages []struct{ Body string } `json:"messages"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Messages) > 0 {
			return page.Messages[0].Body
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no reply at the sandbox")
	return ""
}
