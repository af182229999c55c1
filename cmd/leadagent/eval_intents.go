package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/evals"
)

const evalIntentsUsage = `usage: leadagent eval intents --data DIR --out FILE [--per-label N] [--seed S] [--knowledge DIR]

Writes one eval suite from the public intent sets in DIR (../shared/data next to the
repository): DIR/SET/utterances.jsonl of each set present, one JSON object a line with
"id", "text", "label" and "source_intent". Up to N utterances a label a set are drawn, the
same ones for the same seed and files. buying_intent, human_request and complaint cases
expect a handoff for that reason; faq and other cases expect none. The suite's knowledge
is the demo business's, written relative to FILE.

The sets' licences do not let their text into the repository: write FILE under .data/
(ignored by git), never under evals/suites/.

  --data DIR       folder holding the intent sets (required)
  --out FILE       the suite to write (required)
  --per-label N    utterances a label a set, at most (default 40)
  --seed S         sampling seed (default 1)
  --knowledge DIR  the knowledge the suite answers from (default demo/knowledge)`

// intentSets are the intent sets of ../shared/data the suite draws from,
// in the order the suite lists them.
var intentSets = []string{
	"bitext-customer-service-intent",
	"natcs-dstc11-intent",
	"rasa-sara-nlu",
	"clinc150-oos",
	"banking77",
}

// intentLabels are the sets' classes: the three that hand off (each its
// own reason) and the two that do not.
var intentLabels = []string{agent.ReasonBuyingIntent, agent.ReasonHumanRequest, agent.ReasonComplaint, "faq", "other"}

func handsOff(label string) bool {
	return label == agent.ReasonBuyingIntent || label == agent.ReasonHumanRequest || label == agent.ReasonComplaint
}

// intentRecord is one line of an utterances.jsonl.
type intentRecord struct {
	ID           string `json:"id"`
	Text         string `json:"text"`
	Label        string `json:"label"`
	SourceIntent string `json:"source_intent"`
}

// intentSetSample is what one set gave the suite.
type intentSetSample struct {
	name    string
	cases   []intentRecord
	counts  map[string]int // drawn, by label
	skipped int            // lines without text or with a label not in intentLabels
}

// runEvalIntents writes the intent suite:
//
//	leadagent eval intents --data DIR --out FILE [--per-label N] [--seed S] [--knowledge DIR]
func runEvalIntents(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		return usageError{msg: evalIntentsUsage}
	}
	fl := flag.NewFlagSet("eval intents", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	dataDir := fl.String("data", "", "folder holding the intent sets")
	out := fl.String("out", "", "the suite to write")
	perLabel := fl.Int("per-label", 40, "utterances a label a set, at most")
	seed := fl.Uint64("seed", 1, "sampling seed")
	knowledgeDir := fl.String("knowledge", "demo/knowledge", "the knowledge the suite answers from")
	rest, err := parseFlagsAnywhere(fl, args)
	if err != nil {
		return usageError{msg: err.Error() + "\n" + evalIntentsUsage}
	}
	switch {
	case len(rest) > 0:
		return usageError{msg: fmt.Sprintf("unexpected argument %q\n%s", rest[0], evalIntentsUsage)}
	case *dataDir == "":
		return usageError{msg: "--data DIR is required\n" + evalIntentsUsage}
	case *out == "":
		return usageError{msg: "--out FILE is required\n" + evalIntentsUsage}
	case *perLabel < 1 || *perLabel > 10000:
		return usageError{msg: fmt.Sprintf("--per-label %d: want 1 to 10000", *perLabel)}
	}

	if info, err := os.Stat(*dataDir); err != nil || !info.IsDir() {
		return exitError{code: 2, err: fmt.Errorf("--data %s: no such folder: the intent sets are in ../shared/data next to the repository (%s)",
			*dataDir, strings.Join(intentSets, ", "))}
	}
	knowledgeRel, err := knowledgeRelativeTo(*knowledgeDir, *out)
	if err != nil {
		return exitError{code: 2, err: err}
	}

	var samples []intentSetSample
	for _, set := range intentSets {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := filepath.Join(*dataDir, set, "utterances.jsonl")
		records, skipped, err := readIntentRecords(path)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stdout, "%s: not in %s, skipped\n", set, *dataDir)
			continue
		}
		if err != nil {
			return err
		}
		s := sampleIntents(set, records, *perLabel, *seed)
		s.skipped = skipped
		samples = append(samples, s)
	}
	if len(samples) == 0 {
		return exitError{code: 2, err: fmt.Errorf("--data %s: none of the intent sets is there (want SET/utterances.jsonl for %s)",
			*dataDir, strings.Join(intentSets, ", "))}
	}

	data := intentSuiteYAML(samples, knowledgeRel, *dataDir, *perLabel, *seed)
	suite, err := evals.Parse(*out, data)
	if err != nil {
		// The converter wrote something the runner refuses: its bug, not the data's.
		return fmt.Errorf("intent suite: %w", err)
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	writeIntentSummary(stdout, *out, samples, len(suite.Cases), *perLabel, *seed)
	return nil
}

// knowledgeRelativeTo is the knowledge folder as the suite file at out
// names it: relative to out's folder, with forward slashes.
func knowledgeRelativeTo(knowledgeDir, out string) (string, error) {
	info, err := os.Stat(knowledgeDir)
	if err != nil || !info.IsDir() {
		return "", fmt.Errorf("--knowledge %s: no such folder (run from the repository root, or pass --knowledge)", knowledgeDir)
	}
	kAbs, err := filepath.Abs(knowledgeDir)
	if err != nil {
		return "", fmt.Errorf("--knowledge %s: %w", knowledgeDir, err)
	}
	oAbs, err := filepath.Abs(out)
	if err != nil {
		return "", fmt.Errorf("--out %s: %w", out, err)
	}
	rel, err := filepath.Rel(filepath.Dir(oAbs), kAbs)
	if err != nil {
		// Another volume: an absolute path still resolves.
		return filepath.ToSlash(kAbs), nil
	}
	return filepath.ToSlash(rel), nil
}

// readIntentRecords reads one utterances.jsonl. Lines without text or
// with a label outside intentLabels are counted, not returned; a line
// that is not JSON is an error naming the file and line.
func readIntentRecords(path string) ([]intentRecord, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []intentRecord
	skipped := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var r intentRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, 0, fmt.Errorf("%s:%d: not a JSON object: %w", path, line, err)
		}
		r.ID, r.Text, r.Label = strings.TrimSpace(r.ID), strings.TrimSpace(r.Text), strings.TrimSpace(r.Label)
		if r.ID == "" {
			r.ID = fmt.Sprintf("line-%d", line)
		}
		if r.Text == "" || !slices.Contains(intentLabels, r.Label) {
			skipped++
			continue
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return out, skipped, nil
}

// sampleIntents draws up to n records of each label of one set. The draw
// depends only on the seed, the set, the label and the records' ids, not
// on the order of the file; the drawn records are listed by id.
func sampleIntents(set string, records []intentRecord, n int, seed uint64) intentSetSample {
	s := intentSetSample{name: set, counts: map[string]int{}}
	for _, label := range intentLabels {
		var group []intentRecord
		for _, r := range records {
			if r.Label == label {
				group = append(group, r)
			}
		}
		slices.SortFunc(group, func(a, b intentRecord) int { return strings.Compare(a.ID, b.ID) })
		h := fnv.New64a()
		h.Write([]byte(set + "\x00" + label))
		rng := rand.New(rand.NewPCG(seed, h.Sum64()))
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
		group = group[:min(n, len(group))]
		slices.SortFunc(group, func(a, b intentRecord) int { return strings.Compare(a.ID, b.ID) })
		s.cases = append(s.cases, group...)
		s.counts[label] = len(group)
	}
	return s
}

// intentSuiteYAML renders the suite. Strings are written as JSON strings,
// which are YAML double-quoted scalars, so any utterance survives.
func intentSuiteYAML(samples []intentSetSample, knowledgeRel, dataDir string, perLabel int, seed uint64) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Generated by `leadagent eval intents --data %s --per-label %d --seed %d`.\n", dataDir, perLabel, seed)
	b.WriteString("# Do not commit: the utterances are the public intent sets' text, under their own licences.\n")
	b.WriteString("# buying_intent, human_request and complaint expect a handoff for that reason; faq and other none.\n")
	b.WriteString("name: intents\n")
	fmt.Fprintf(&b, "knowledge: [%s]\n", yamlString(knowledgeRel))
	b.WriteString("defaults:\n  channel: sms\n")
	b.WriteString("cases:\n")
	seen := map[string]bool{}
	for _, s := range samples {
		fmt.Fprintf(&b, "  # %s\n", s.name)
		for _, r := range s.cases {
			id := caseID(r)
			for i := 2; seen[id]; i++ {
				id = fmt.Sprintf("%s#%d", caseID(r), i)
			}
			seen[id] = true
			fmt.Fprintf(&b, "  - id: %s\n    lead: %s\n", yamlString(id), yamlString(r.Text))
			if handsOff(r.Label) {
				fmt.Fprintf(&b, "    expect: {handoff: true, handoff_reason: %s}\n", r.Label)
			} else {
				b.WriteString("    expect: {handoff: false}\n")
			}
		}
	}
	return b.Bytes()
}

// caseID is the record's id with its label and source intent, so that a
// failure in the report says what the utterance was.
func caseID(r intentRecord) string {
	id := r.ID + " " + r.Label
	if si := strings.Join(strings.Fields(r.SourceIntent), " "); si != "" {
		id += " (" + si + ")"
	}
	if rs := []rune(id); len(rs) > 180 {
		id = string(rs[:180])
	}
	return id
}

func yamlString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// writeFileAtomic writes data to path through a temporary file beside it,
// so a reader never sees half a suite.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".intents-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func writeIntentSummary(w io.Writer, out string, samples []intentSetSample, cases, perLabel int, seed uint64) {
	fmt.Fprintf(w, "intent suite %s: %d cases from %d set(s), up to %d a label a set, seed %d\n",
		out, cases, len(samples), perLabel, seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "set\t")
	for _, l := range intentLabels {
		fmt.Fprintf(tw, "%s\t", l)
	}
	fmt.Fprint(tw, "skipped\n")
	for _, s := range samples {
		fmt.Fprintf(tw, "%s\t", s.name)
		for _, l := range intentLabels {
			fmt.Fprintf(tw, "%d\t", s.counts[l])
		}
		fmt.Fprintf(tw, "%d\n", s.skipped)
	}
	_ = tw.Flush()
}
