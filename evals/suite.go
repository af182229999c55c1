package evals

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/leadagent/leadagent/agent"
)

// Suite is one suite file, validated: every case has a unique id, its
// contact merged over the defaults, and expectations that can be checked.
type Suite struct {
	Name string
	// File is the path the suite was loaded from, as given.
	File string
	// Knowledge lists the files and folders to ingest, as written in the
	// file: relative to the suite file's folder (see KnowledgePaths).
	Knowledge []string
	// Business, when the suite has a business block, is who the agent
	// speaks for in the run, in place of the server's BUSINESS_* settings.
	Business *Business
	Cases    []Case
}

// Business is a suite's business block.
type Business struct {
	Name, Phone string
	// Timezone is an IANA zone ("America/Denver"), checked at parse.
	Timezone string
	// Hours and ServiceArea are as the agent may say them.
	Hours, ServiceArea string
}

// Agent is the business as the agent knows it.
func (b Business) Agent() agent.Business {
	return agent.Business{Name: b.Name, Phone: b.Phone, Hours: b.Hours, ServiceArea: b.ServiceArea}
}

// KnowledgePaths returns the suite's knowledge paths resolved against the
// folder of its file, absolute, so that where the eval runs from does not
// change what is ingested.
func (s *Suite) KnowledgePaths() ([]string, error) {
	dir := filepath.Dir(s.File)
	out := make([]string, 0, len(s.Knowledge))
	for _, k := range s.Knowledge {
		p := k
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("knowledge %s: %w", k, err)
		}
		out = append(out, abs)
	}
	return out, nil
}

// Contact is the lead as the CRM would know them.
type Contact struct {
	Name, Source, Stage, Notes string
}

// Message is one earlier turn of a case's conversation.
type Message struct {
	From string // lead, ai, rep or system
	Text string
	// Outcome is an extension of DESIGN.md's format, for ai entries only:
	// the outcome that earlier reply had. Consecutive "unknown" ones at the
	// end of the history count toward the rules' unknown-answer streak, as
	// the stored outcomes of earlier replies do in production.
	Outcome agent.Outcome
}

// Case is one turn under test.
type Case struct {
	ID string
	// Channel is sms or voice: the case's own `channel` (an extension), or
	// the suite's default, or sms.
	Channel string
	Contact Contact
	History []Message
	// Lead is the lead's message the turn answers.
	Lead   string
	Expect Expect
}

// Expect is what a case checks. A nil or zero field is not checked.
type Expect struct {
	Handoff       *bool
	HandoffReason string
	Outcome       []agent.Outcome // any of
	Contains      []string        // every one, case-insensitive
	ContainsAny   []string
	NotContains   []string
	Matches       *regexp.Regexp // RE2
	NotMatches    *regexp.Regexp
	MaxSegments   int
	Grounded      bool
	Judge         string // the rubric
}

// Outcomes are the turn outcomes an expectation may name, in DESIGN.md's
// order.
var Outcomes = []agent.Outcome{agent.OutcomeAnswered, agent.OutcomeAsked, agent.OutcomeUnknown,
	agent.OutcomeHandoff, agent.OutcomeOptedOut}

// HandoffReasons are the reasons a handoff may have.
var HandoffReasons = []string{agent.ReasonBuyingIntent, agent.ReasonHumanRequest, agent.ReasonComplaint,
	agent.ReasonUnknownAnswer, agent.ReasonSensitive}

// MaxSuiteBytes bounds a suite file: a suite far past it is a mistake.
const MaxSuiteBytes = 4 << 20

// SuiteError is an invalid suite: every problem found, each naming the
// file, the case and the field. The CLI exits 2 for it.
type SuiteError struct {
	File     string
	Problems []Problem
}

// Problem is one thing wrong in a suite file.
type Problem struct {
	Case  string // the case's id ("" outside cases; "cases[3]" for a case without one)
	Field string // "expect.outcome", "defaults.channel"; "" for the whole file
	Msg   string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Case != "" {
		if strings.HasPrefix(p.Case, "cases[") {
			b.WriteString(p.Case + ": ")
		} else {
			b.WriteString("case " + p.Case + ": ")
		}
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

func (e *SuiteError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.File + ": " + p.String()
	}
	return strings.Join(lines, "\n")
}

// IsSuiteError reports whether err is, or wraps, an invalid suite.
func IsSuiteError(err error) bool {
	var se *SuiteError
	return errors.As(err, &se)
}

// Load reads and validates the suite file at path, and checks that its
// knowledge paths exist.
func Load(path string) (*Suite, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &SuiteError{File: path, Problems: []Problem{{Msg: cleanPathError(err)}}}
	}
	if info.IsDir() {
		return nil, &SuiteError{File: path, Problems: []Problem{{Msg: "is a folder, not a suite file"}}}
	}
	if info.Size() > MaxSuiteBytes {
		return nil, &SuiteError{File: path, Problems: []Problem{{Msg: fmt.Sprintf("%d bytes: a suite file is at most %d", info.Size(), MaxSuiteBytes)}}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &SuiteError{File: path, Problems: []Problem{{Msg: cleanPathError(err)}}}
	}
	s, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	paths, err := s.KnowledgePaths()
	if err != nil {
		return nil, &SuiteError{File: path, Problems: []Problem{{Field: "knowledge", Msg: err.Error()}}}
	}
	var problems []Problem
	for i, p := range paths {
		if _, err := os.Stat(p); err != nil {
			problems = append(problems, Problem{Field: fmt.Sprintf("knowledge[%d]", i),
				Msg: fmt.Sprintf("%s: %s", s.Knowledge[i], cleanPathError(err))})
		}
	}
	if len(problems) > 0 {
		return nil, &SuiteError{File: path, Problems: problems}
	}
	return s, nil
}

// cleanPathError drops the path an *os.PathError repeats.
func cleanPathError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse validates a suite's YAML. file names the suite in errors and
// resolves its knowledge paths; Parse itself reads nothing from disk.
func Parse(file string, data []byte) (*Suite, error) {
	return parseSuite(file, data)
}
