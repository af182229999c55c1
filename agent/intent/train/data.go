package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/leadagent/leadagent/agent/intent"
)

// item is one labelled message with where it came from.
type item struct {
	intent.Example
	set    string // the public set, "project", or "business"
	source string // the set's own label, or the business and case id
	// business is the business of a suite case, "" otherwise.
	business string
}

// publicSets are the intent sets of ../shared/data, each with whether its
// licence lets it train the shipped weights. rasa-sara-nlu is GPL-3.0: it
// only ever measures.
var publicSets = []struct {
	name      string
	trainable bool
}{
	{"bitext-customer-service-intent", true},
	{"natcs-dstc11-intent", true},
	{"clinc150-oos", true},
	{"banking77", true},
	{"rasa-sara-nlu", false},
}

// bankingGrievances are the BANKING77 labels its README says read as
// grievances ("I was charged twice") though it maps them to other, while
// NatCS maps the same thing (DisputeCharge) to complaint. They do not
// train (either label would teach the model something false about our
// leads) and are measured under the set's label, with the grievances
// counted as complaints shown beside.
var bankingGrievances = []string{"transaction_charged_twice", "extra_charge_on_statement",
	"wrong_amount_of_cash_received", "card_payment_wrong_exchange_rate", "cash_withdrawal_charge"}

// readPublicSet reads dir/name/utterances.jsonl.
func readPublicSet(dir, name string) ([]item, error) {
	path := filepath.Join(dir, name, "utterances.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read intent set: %w", err)
	}
	defer f.Close()
	var out []item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var r struct {
			Text, Label  string
			SourceIntent string `json:"source_intent"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		c, ok := intent.ParseClass(r.Label)
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown label %q", path, line, r.Label)
		}
		out = append(out, item{Example: intent.Example{Text: r.Text, Class: c}, set: name, source: r.SourceIntent})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// suiteFile is what the trainer reads of an eval suite.
type suiteFile struct {
	Cases []struct {
		ID      string `yaml:"id"`
		Lead    string `yaml:"lead"`
		History []struct {
			From string `yaml:"from"`
			Text string `yaml:"text"`
		} `yaml:"history"`
		Expect struct {
			Handoff       *bool  `yaml:"handoff"`
			HandoffReason string `yaml:"handoff_reason"`
		} `yaml:"expect"`
	} `yaml:"cases"`
}

// smallTalkCases are the case id prefixes of the suites that are no
// question for the knowledge: they label other, the rest faq.
var smallTalkCases = []string{"smalltalk", "inject", "optout"}

// readBusinesses reads dir/*/suite.yaml: a case expecting a handoff
// labels its reason; one expecting none labels faq, or other for small
// talk, prompt injections and opt-outs. Cases that say nothing about a
// handoff are left out.
func readBusinesses(dir string) ([]item, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*", "suite.yaml"))
	if err != nil {
		return nil, fmt.Errorf("read businesses: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("read businesses: no %s/*/suite.yaml: %w", dir, fs.ErrNotExist)
	}
	slices.Sort(paths)
	var out []item
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read businesses: %w", err)
		}
		var s suiteFile
		if err := yaml.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		business := filepath.Base(filepath.Dir(path))
		for _, c := range s.Cases {
			if c.Expect.Handoff == nil || strings.TrimSpace(c.Lead) == "" {
				continue
			}
			class := intent.FAQ
			if slices.ContainsFunc(smallTalkCases, func(p string) bool { return strings.HasPrefix(c.ID, p) }) {
				class = intent.Other
			}
			if *c.Expect.Handoff {
				var ok bool
				if class, ok = intent.ParseClass(c.Expect.HandoffReason); !ok || !class.Handoff() {
					// unknown_answer depends on the knowledge, not the message.
					continue
				}
			}
			previous := ""
			if n := len(c.History); n > 0 && c.History[n-1].From == "ai" {
				previous = c.History[n-1].Text
			}
			out = append(out, item{Example: intent.Example{Text: c.Lead, Previous: previous, Class: class},
				set: "business", source: business + "/" + c.ID, business: business})
		}
	}
	return out, nil
}

// readProjectExamples reads the project's own examples: sections headed
// by a class name in brackets, one message a line, "text || previous"
// when the message answers an agent's message; # starts a comment line.
func readProjectExamples(path string) ([]item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read project examples: %w", err)
	}
	defer f.Close()
	var out []item
	class := intent.Class(-1)
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || strings.HasPrefix(s, "#"):
			continue
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			c, ok := intent.ParseClass(s[1 : len(s)-1])
			if !ok {
				return nil, fmt.Errorf("%s:%d: unknown class %s", path, line, s)
			}
			class = c
			continue
		case class < 0:
			return nil, fmt.Errorf("%s:%d: an example before the first [class]", path, line)
		}
		text, previous, _ := strings.Cut(s, "||")
		text, previous = strings.TrimSpace(text), strings.TrimSpace(previous)
		if text == "" {
			return nil, fmt.Errorf("%s:%d: no text", path, line)
		}
		out = append(out, item{Example: intent.Example{Text: text, Previous: previous, Class: class},
			set: "project", source: fmt.Sprintf("line %d", line)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, errors.New(path + ": no examples")
	}
	return out, nil
}
