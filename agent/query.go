package agent

import (
	"regexp"
	"strings"
)

// query is one way of asking the knowledge base about the lead's message.
type query struct {
	text  string // what the retriever is asked
	needs []need // what the answer must cover, weighted
	// capability: the lead asks whether the business does something
	// ("do you clean drains?"), best answered by what "we" do.
	capability bool
}

// capabilityQuestion opens a question about what the business does.
var capabilityQuestion = regexp.MustCompile(`(?i)^\W*(?:(?:hi|hello|hey)\W+)?(?:do|can|does|will|would) (?:you|u|y'all|ya|summit|your (?:team|company|guys))\b`)

// Earlier turns contribute to a follow-up at reduced weight: the new
// message says what is wanted now; the earlier one only says about what.
// The first topic of an earlier message is usually its head ("the warranty
// on a new AC"); what comes after is what an elliptical follow-up ("and on
// repairs?") replaces, so it weighs less.
const (
	topicWeight     = 0.5
	lateTopicWeight = 0.3
)

// followUpOpener starts a message that continues the previous question.
var followUpOpener = regexp.MustCompile(`(?i)^\s*(?:(?:ok(?:ay)?|cool|great|thanks|thank you|and|so|also|but)\W+)*(?:what about|how about|what if|and|also|same|plus|what else|anything else|is that|does that|would that|will that|do they|does it|is it)\b`)

// anaphora refer back to something named earlier.
var anaphora = wordSet(`it its it's that that's this these those them they they're one ones there's`)

// queriesFor returns the queries to try for the lead's message, best
// first. A follow-up ("how much is it?", "what about weekends?") is asked
// with the topic of the lead's earlier messages folded in; a message that
// stands on its own is asked as it is, and with the earlier topic only if
// it finds nothing alone.
func queriesFor(text string, history []Message) []query {
	ownNeeds := questionNeeds(text)
	capability := capabilityQuestion.MatchString(text)
	own := query{text: expandQuery(text, ownNeeds), needs: ownNeeds, capability: capability}
	topicText, topic := historyTopic(history)
	if topicText == "" {
		return []query{own}
	}
	foldedNeeds := foldNeeds(ownNeeds, topic)
	folded := query{text: expandQuery(topicText+" "+text, foldedNeeds), needs: foldedNeeds, capability: capability}
	if len(topicNeeds(ownNeeds)) == 0 {
		// "How much is it?" alone would find any price at all.
		return []query{folded}
	}
	if isFollowUp(text, ownNeeds) {
		return []query{folded, own}
	}
	return []query{own, folded}
}

// isFollowUp reports whether a message leans on an earlier one for its
// topic.
func isFollowUp(text string, needs []need) bool {
	topics := len(topicNeeds(needs))
	if topics == 0 || followUpOpener.MatchString(text) {
		return true
	}
	if topics > 2 {
		return false
	}
	for _, w := range words(strings.ToLower(text)) {
		if anaphora[w] {
			return true
		}
	}
	return false
}

// historyTopic returns what the lead's recent messages were about: the
// text of the last two that named a topic, oldest first, and their topic
// needs, newest first.
func historyTopic(history []Message) (string, []need) {
	var texts []string
	var topic []need
	for i := len(history) - 1; i >= 0 && len(texts) < 2; i-- {
		m := history[i]
		if m.From != FromLead {
			continue
		}
		text := strings.TrimSpace(m.Text)
		if classify(text, Lead{}) != intentQuestion {
			continue
		}
		needs := questionNeeds(text)
		t := topicNeeds(needs)
		if len(t) == 0 {
			continue
		}
		texts = append([]string{withoutGeneric(text)}, texts...)
		for j := range t {
			t[j].weight = topicWeight
			if j > 0 {
				t[j].weight = lateTopicWeight
			}
		}
		topic = append(topic, t...)
	}
	return strings.Join(texts, " "), topic
}

// withoutGeneric drops the words of an earlier message that only say what
// kind of thing is asked ("install", "new"): folded into a follow-up's
// search, they find every installation instead of the earlier topic.
// A word that a phrase took in ("heater" of "water heater") stays.
func withoutGeneric(text string) string {
	generic := map[string]bool{}
	for _, w := range words(normalizeForTerms(text)) {
		if ts := termsOf(w); len(ts) > 0 && genericTerms[ts[0]] {
			generic[w] = true
		}
	}
	var keep []string
	for _, f := range strings.Fields(text) {
		if ws := words(strings.ToLower(FoldGSM(f))); len(ws) != 1 || !generic[ws[0]] {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// foldNeeds adds the earlier topic (already weighted by historyTopic) to a
// message's needs, skipping what the message already asks for.
func foldNeeds(own, topic []need) []need {
	out := append([]need(nil), own...)
	have := map[string]bool{}
	for _, n := range own {
		have[n.alts[0]] = true
	}
	for _, n := range topic {
		if have[n.alts[0]] {
			continue
		}
		have[n.alts[0]] = true
		n.background = true
		out = append(out, n)
	}
	return out
}
