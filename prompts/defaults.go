package prompts

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// defaults holds the embedded default prompts, one file per prompt name.
//
//go:embed defaults/*.tmpl
var defaults embed.FS

// Prompt names the agent uses.
const (
	SMS   = "sms"
	Voice = "voice"
)

// Names returns the prompt names that have an embedded default, sorted.
// Only these names can have versions: a typo must not create a prompt
// that nothing reads.
func Names() []string {
	entries, err := fs.ReadDir(defaults, "defaults")
	if err != nil {
		panic(err) // the embedded directory is fixed at compile time
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	sort.Strings(names)
	return names
}

// Default returns the embedded default prompt for name.
func Default(name string) (string, error) {
	b, err := fs.ReadFile(defaults, "defaults/"+name+".tmpl")
	if err != nil {
		return "", fmt.Errorf("default prompt %q: %w (known: %s)", name, ErrNotFound, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

func checkName(name string) error {
	if _, err := Default(name); err != nil {
		return err
	}
	return nil
}
