package prompts

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// ErrInvalid is returned, wrapped with the reason, for a prompt that cannot
// be stored: a template that does not parse or render, an unknown variable,
// an empty body, an unknown name or a missing author.
var ErrInvalid = errors.New("invalid prompt")

// MaxBodyBytes bounds a prompt's source. A system prompt far past this is
// a mistake (a pasted knowledge base), and it would cost every turn.
const MaxBodyBytes = 32 << 10

// Vars are the business's details a prompt may use, as {{.BusinessName}},
// {{.Hours}} and so on. Any of them may be empty; the defaults read well
// either way.
type Vars struct {
	BusinessName string // "Summit Home Services"
	Hours        string // "Mon-Fri 07:00-18:00, Sat 08:00-12:00"
	ServiceArea  string // "Fort Collins, Loveland and Windsor"
	// Tone is how replies should sound ("friendly and plain-spoken").
	Tone string
	// EscalationPolicy is the business's own rules for when a person takes
	// over, added to the default ones ("Hand every commercial job to Sam").
	EscalationPolicy string
}

// VarNames returns the variables a template may use, in the order of Vars.
func VarNames() []string {
	return []string{"BusinessName", "Hours", "ServiceArea", "Tone", "EscalationPolicy"}
}

// data is what a template executes on: a map, so that missingkey=error
// turns a name Vars lacks into an error rather than "<no value>".
func (v Vars) data() map[string]string {
	return map[string]string{
		"BusinessName":     v.BusinessName,
		"Hours":            v.Hours,
		"ServiceArea":      v.ServiceArea,
		"Tone":             v.Tone,
		"EscalationPolicy": v.EscalationPolicy,
	}
}

// sampleVars fill every variable, so that a trial render takes the
// branches a business with full details would.
var sampleVars = Vars{
	BusinessName:     "Example Plumbing & Heating",
	Hours:            "Mon-Fri 08:00-17:00",
	ServiceArea:      "Springfield and nearby towns",
	Tone:             "friendly and plain-spoken",
	EscalationPolicy: "Hand every commercial job to a person.",
}

// Validate reports why body cannot be a prompt, or nil. It is what Create
// checks; the console can call it as an admin types.
func Validate(body string) error {
	_, err := parseTemplate(body)
	return err
}

// Render executes body with vars. Stored versions were validated when they
// were created, so an error here means vars hit a corner the trial renders
// did not (an index past the end of a short value, say).
func Render(body string, vars Vars) (string, error) {
	t, err := parseTemplate(body)
	if err != nil {
		return "", err
	}
	return execute(t, vars)
}

func execute(t *template.Template, vars Vars) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, vars.data()); err != nil {
		return "", fmt.Errorf("render prompt: %w", err)
	}
	return b.String(), nil
}

// parseTemplate parses and checks body: it must parse, name only known
// variables anywhere in the template (also in branches a trial render
// skips), and render both with every variable set and with none set.
func parseTemplate(body string) (*template.Template, error) {
	if strings.TrimSpace(body) == "" {
		return nil, fmt.Errorf("%w: the prompt is empty", ErrInvalid)
	}
	if len(body) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: the prompt is %d bytes, more than %d", ErrInvalid, len(body), MaxBodyBytes)
	}
	if !utf8.ValidString(body) {
		return nil, fmt.Errorf("%w: the prompt is not valid UTF-8", ErrInvalid)
	}
	t, err := template.New("prompt").Option("missingkey=error").Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	known := map[string]bool{}
	for _, n := range VarNames() {
		known[n] = true
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Root == nil {
			continue
		}
		if err := checkFields(tt.Tree, known); err != nil {
			return nil, fmt.Errorf("%w: %w (variables: %s)", ErrInvalid, err, "."+strings.Join(VarNames(), ", ."))
		}
	}
	for _, trial := range []struct {
		with string
		vars Vars
	}{{"every variable set", sampleVars}, {"every variable empty", Vars{}}} {
		if err := t.Execute(io.Discard, trial.vars.data()); err != nil {
			return nil, fmt.Errorf("%w: trial render with %s: %w", ErrInvalid, trial.with, err)
		}
	}
	return t, nil
}

// checkFields walks a template's parse tree and refuses any {{.Name}} or
// {{$.Name}} whose Name is not a variable, and any field of a variable
// ({{.Hours.Start}}): every variable is a string.
func checkFields(tree *parse.Tree, known map[string]bool) error {
	var err error
	var walk func(parse.Node)
	check := func(n parse.Node, idents []string) {
		if err != nil || len(idents) == 0 {
			return
		}
		where, _ := tree.ErrorContext(n)
		if !known[idents[0]] {
			err = fmt.Errorf("%s: unknown variable %s", where, n)
		} else if len(idents) > 1 {
			err = fmt.Errorf("%s: %s: .%s is text and has no fields", where, n, idents[0])
		}
	}
	walk = func(n parse.Node) {
		if err != nil || n == nil {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, d := range n.Decl {
				walk(d)
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			check(n, n.Ident)
		case *parse.VariableNode:
			if len(n.Ident) > 1 && n.Ident[0] == "$" {
				check(n, n.Ident[1:])
			}
		case *parse.ChainNode:
			walk(n.Node)
			if err == nil {
				where, _ := tree.ErrorContext(n)
				err = fmt.Errorf("%s: %s: variables are text and have no fields", where, n)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(tree.Root)
	return err
}
