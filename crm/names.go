package crm

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EventNameLearned records that a contact without a name gave one in a
// text; its detail says the name and where it came from.
const EventNameLearned = "name_learned"

// NameLearned is the detail of an EventNameLearned event.
type NameLearned struct {
	Name string `json:"name"`
	// MessageID is the text the name was read from.
	MessageID string `json:"message_id"`
}

// EventKind is the kind it is stored under.
func (NameLearned) EventKind() string { return EventNameLearned }

// Describe says what happened, for the console's timeline.
func (n NameLearned) Describe() string { return "Lead gave their name: " + n.Name }

// namePhrases introduce a name. Only "my name is" is trusted with a
// lower-case name; after the others a name must be capitalised, since
// "i'm home" and "this is urgent" are far commoner than names.
var namePhrases = []struct {
	phrase    string
	lowerOK   bool
	wholeWord bool
}{
	{"my name is ", true, true},
	{"my name's ", true, true},
	{"this is ", false, true},
	{"i'm ", false, true},
	{"i’m ", false, true},
	{"i am ", false, true},
	{"im ", false, true},
}

// notNames are capitalised words that follow "I'm" or "this is" and are
// not names ("This is Urgent", "I'm Interested").
var notNames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but not no yes so just still also only really very
		interested interesting home here there back out in on at up down off away available busy free ready
		urgent important good great fine ok okay sorry sure glad happy sad new old looking calling texting
		writing wondering trying going getting having asking reaching following checking hoping thinking
		needing done finished retired located based from with about for to of it is this that what who
		how when where why which your my our their his her its we you they he she i me us them
		mr mrs ms dr sir madam customer homeowner owner renter tenant landlord calling interested
		a-ok unable able late early afraid concerned confused curious sick tired home-owner gonna
		wanting need want please hi hello hey thanks thank test testing stop start help unsubscribe
		english spanish monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight`) {
		notNames[w] = true
	}
}

// ParseName reads a name a lead gives in a text ("I'm Mike", "this is
// Mike Jones", "my name is ana"), or returns "". It is conservative: a
// missed name costs nothing, a wrong one ("Interested") shows on every
// screen.
func ParseName(text string) string {
	if len(text) > 2000 {
		text = text[:2000]
	}
	// ASCII case folding keeps every byte where it was in text.
	lower := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, strings.ToValidUTF8(text, "\uFFFD"))
	text = strings.ToValidUTF8(text, "\uFFFD")
	for _, p := range namePhrases {
		from := 0
		for {
			i := strings.Index(lower[from:], p.phrase)
			if i < 0 {
				break
			}
			i += from
			from = i + len(p.phrase)
			if i > 0 {
				r, _ := utf8.DecodeLastRuneInString(lower[:i])
				if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
					continue // "slim ", "victim "
				}
			}
			if name := nameAt(text[from:], p.lowerOK); name != "" {
				return name
			}
		}
	}
	return ""
}

// nameAt reads one or two name words at the start of s.
func nameAt(s string, lowerOK bool) string {
	words := strings.Fields(s)
	var out []string
	for i, w := range words {
		if i == 2 {
			break
		}
		end := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' })
		word := w
		if end >= 0 {
			word = w[:end]
		}
		if !isNameWord(word, lowerOK && i == 0) {
			break
		}
		out = append(out, titleCase(word))
		if end >= 0 {
			break // punctuation ends the name
		}
	}
	return strings.Join(out, " ")
}

func isNameWord(w string, lowerOK bool) bool {
	r := []rune(w)
	if len(r) < 2 || len(r) > 20 || notNames[strings.ToLower(w)] {
		return false
	}
	if !unicode.IsLetter(r[0]) || !unicode.IsLetter(r[len(r)-1]) {
		return false
	}
	if !lowerOK && !unicode.IsUpper(r[0]) {
		return false
	}
	upper := 0
	for _, c := range r {
		if unicode.IsUpper(c) {
			upper++
		}
	}
	return upper < len(r) || len(r) <= 3 // "MIKE" shouting is fine, "HVAC" as a name is unlikely but harmless
}

// titleCase capitalises a name typed in one case ("ana", "MIKE") and
// keeps one typed with care ("McDonald").
func titleCase(w string) string {
	if w != strings.ToLower(w) && w != strings.ToUpper(w) {
		return w
	}
	r := []rune(strings.ToLower(w))
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// LearnName keeps a name the lead gave on their contact when the contact
// has none yet (a name from a form or a rep wins), with the change on the
// conversation's timeline. learned is false when the contact had a name.
func LearnName(ctx context.Context, db DB, contactID, conversationID, messageID, name string, at time.Time) (learned bool, err error) {
	if name == "" {
		return false, nil
	}
	tag, err := db.Exec(ctx, `UPDATE contacts SET name = $2, updated_at = $3 WHERE id = $1 AND name = ''`, contactID, name, at)
	if err != nil {
		return false, fmt.Errorf("learn name of %s: %w", contactID, err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	return true, AddEvent(ctx, db, NewEvent{ConversationID: conversationID, ContactID: contactID,
		Detail: NameLearned{Name: name, MessageID: messageID}})
}
