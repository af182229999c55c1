package agent

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// SafetyFallback is what a caller who raised a safety topic hears when
// the business's knowledge gives no instruction for it.
const SafetyFallback = "If anyone is in danger, hang up and call 911 now."

// safetyQuery is added to a caller's words when searching the knowledge
// for what to do: the words such an instruction is written in.
const safetyQuery = " safety emergency what to do leave call 911 shut off turn off stay away"

// safetyChunks is how many of the best chunks are read for the
// instruction: it is in the top few or it is not the one for this topic.
const safetyChunks = 5

// reSafetyAction finds a sentence that tells a person what to do about a
// danger, with how strongly: getting away and calling 911 first, then
// shutting a supply off.
var reSafetyAction = regexp.MustCompile(`(?i)\b(?:leave|evacuate|get out|go outside|call 911|dial 911|911|stay away|keep away|move away|` +
	`do not touch|don't touch|never touch|shut off|shut-off|shut (?:it|the \w+) off|turn off|turn (?:it|the \w+) off)\b`)

// safetyFiller are words that appear in a caller's account of a danger
// and in instructions alike without naming the danger ("call", "house").
var safetyFiller = wordSet(`call calling called smell smells smelled think there here home house place room inside outside
	away off safe safely emergency help someone somebody people person way now right`)

// SafetyInstruction finds the business's own instruction for a person
// who raised a danger (a gas smell, a fire, a flood near power): among
// the chunks that best match what they said and the words of safety, the
// sentence that tells them what to do (leave, call 911, shut off, stay
// away) about something they named. It is "" when the knowledge has no
// such sentence; the caller then hears SafetyFallback.
func SafetyInstruction(ctx context.Context, r Retriever, said string) (string, error) {
	if r == nil || strings.TrimSpace(said) == "" {
		return "", nil
	}
	topic := map[string]bool{}
	for _, w := range words(strings.ToLower(said)) {
		if s := stem(w); !isStop(w) && !isStop(s) && !safetyFiller[w] && !safetyFiller[s] && !isNumber(w) {
			topic[s] = true
		}
	}
	if len(topic) == 0 {
		return "", nil
	}
	results, err := r.Search(ctx, said+safetyQuery, safetyChunks)
	if err != nil {
		return "", fmt.Errorf("safety instruction: search knowledge: %w", err)
	}
	best, bestScore := "", 0.0
	for rank, res := range results {
		for _, passage := range PlainText(res.Content) {
			for _, sentence := range SplitSentences(passage) {
				score := safetyScore(sentence, topic)
				if score == 0 {
					continue
				}
				score -= 0.1 * float64(rank) // the better chunk wins a tie
				if score > bestScore {
					best, bestScore = sentence, score
				}
			}
		}
	}
	return best, nil
}

// safetyScore rates a sentence as the instruction for a danger named by
// topic's words: 0 unless it tells the person what to do and shares a
// word with what they said; more for each word shared and for an
// instruction to get away or call 911.
func safetyScore(sentence string, topic map[string]bool) float64 {
	actions := reSafetyAction.FindAllString(sentence, -1)
	if len(actions) == 0 {
		return 0
	}
	shared := map[string]bool{}
	for _, w := range words(strings.ToLower(sentence)) {
		if s := stem(w); topic[s] {
			shared[s] = true
		}
	}
	if len(shared) == 0 {
		return 0
	}
	score := float64(len(shared))
	for _, a := range actions {
		switch a = strings.ToLower(a); {
		case strings.Contains(a, "911"), a == "leave", a == "evacuate", a == "get out", a == "go outside":
			score += 1
		default:
			score += 0.5
		}
	}
	return score
}
