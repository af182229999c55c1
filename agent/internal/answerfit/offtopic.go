package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"

	"github.com/leadagent/leadagent/agent"
)

// A suite holds a handful of questions its knowledge cannot answer, too
// few to teach the decision what no knowledge answers. CLINC150's
// out-of-scope queries ("what's the best crypto to buy", "is the brexit
// finalized yet": questions to an assistant about anything at all) are
// asked of every business as more of them, each business's together
// counting share times its own unknown cases. Half of the set (by a hash
// of each id) trains; the other half measures how often the agent answers
// what it should not.
//
// The share is 0 by default: measured leave one business out, off-topic
// queries in training make the agent answer fewer of them (held out,
// 10.8% at 0, 8.1% at 0.5, 6.8% at 1) and get more of the suites' cases
// wrong (decision accuracy 0.711, 0.700, 0.694; end to end, with a
// decision feature for a fact question's fact, 257 -> 254 -> 252 of 300).
type offTopic struct {
	train, measure []string
	share          float64
}

// readOffTopic returns the training and the measuring half of the
// out-of-scope queries of a CLINC150 utterances.jsonl, or none when path
// is "".
func readOffTopic(path string) (offTopic, error) {
	if path == "" {
		return offTopic{}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return offTopic{}, fmt.Errorf("off-topic queries: %w", err)
	}
	defer f.Close()
	var set offTopic
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var u struct {
			ID         string `json:"id"`
			Text       string `json:"text"`
			OutOfScope bool   `json:"out_of_scope"`
		}
		if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
			return offTopic{}, fmt.Errorf("off-topic queries: %s:%d: %w", path, n, err)
		}
		switch {
		case !u.OutOfScope:
		case trainingHalf(u.ID):
			set.train = append(set.train, u.Text)
		default:
			set.measure = append(set.measure, u.Text)
		}
	}
	if err := sc.Err(); err != nil {
		return offTopic{}, fmt.Errorf("off-topic queries: %s: %w", path, err)
	}
	if len(set.train) == 0 || len(set.measure) == 0 {
		return offTopic{}, fmt.Errorf("off-topic queries: %s holds too few out-of-scope queries", path)
	}
	return set, nil
}

// trainingHalf reports whether the query with this id trains; the others
// measure.
func trainingHalf(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%2 == 0
}

// examples asks o each query as a first message. Training queries
// together weigh share times unknowns (the business's own unknown cases,
// at least one), and only when the share is above 0; measuring queries
// weigh nothing.
func (set offTopic) examples(ctx context.Context, o *agent.Offline, business string, unknowns int) ([]example, error) {
	var out []example
	ask := func(queries []string, measuring bool, weight float64) error {
		for _, text := range queries {
			c, err := o.Consider(ctx, agent.TurnInput{Channel: agent.ChannelSMS, Text: text, FirstTurn: true})
			if err != nil {
				return fmt.Errorf("off-topic query %q: %w", text, err)
			}
			out = append(out, example{business: business, id: fmt.Sprintf("off-topic-%d", len(out)), unknown: true,
				offTopic: true, measuring: measuring, c: c, good: make([]bool, len(c.Units)), weight: weight})
		}
		return nil
	}
	if set.share > 0 {
		if err := ask(set.train, false, set.share*unknownWeight*float64(max(unknowns, 1))/float64(len(set.train))); err != nil {
			return nil, err
		}
	}
	if err := ask(set.measure, true, 0); err != nil {
		return nil, err
	}
	return out, nil
}
