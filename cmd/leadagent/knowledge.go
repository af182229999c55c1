package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/leadagent/leadagent/knowledge"
)

// newKnowledgeBase returns the knowledge base on pool with the embedder
// the configuration names: local (no network) or openai (any
// OpenAI-compatible endpoint, asked for 384 dimensions).
func newKnowledgeBase(cfg Config, pool *pgxpool.Pool) (*knowledge.Base, error) {
	switch cfg.EmbeddingProvider {
	case "", "local":
		return knowledge.New(pool, knowledge.NewLocalEmbedder()), nil
	case "openai":
		e, err := knowledge.NewOpenAIEmbedder(knowledge.OpenAIConfig{
			APIKey:  cfg.OpenAIAPIKey.Reveal(),
			BaseURL: cfg.OpenAIBaseURL,
			Model:   cfg.EmbeddingModel,
		})
		if err != nil {
			return nil, err
		}
		return knowledge.New(pool, e), nil
	default:
		return nil, fmt.Errorf("EMBEDDING_PROVIDER %q: want openai or local", cfg.EmbeddingProvider)
	}
}

// parseFlagsAnywhere parses flags that may come before, between or after
// the positional arguments (leadagent search "QUERY" --k 3) and returns
// the positional ones. Everything after "--" is positional.
func parseFlagsAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{msg: usageOf(fs)}
			}
			return nil, usageError{msg: err.Error() + "\n" + usageOf(fs)}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	return append(positional, rest...), nil
}

// usageOf renders a flag set's flags the way flag.PrintDefaults does.
func usageOf(fs *flag.FlagSet) string {
	var b strings.Builder
	out := fs.Output()
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(out)
	return strings.TrimRight(b.String(), "\n")
}
