package evals

import (
	"context"
	"fmt"

	"github.com/leadagent/leadagent/agent"
	"github.com/leadagent/leadagent/prompts"
)

// Prompt returns the prompt a model run uses, rendered with vars: the
// version ref names as prompts.ParseRef reads it ("sms@v3", "v3",
// "default"), or the active version when ref is "". A name-less ref is a
// version of the sms prompt, the one production's agent runs with. The
// run pins it for all its cases, so the report names exactly the prompt
// every case ran with even if an admin activates another meanwhile.
func Prompt(ctx context.Context, db prompts.DB, ref string, vars prompts.Vars) (agent.Prompt, error) {
	var v prompts.Version
	var err error
	if ref == "" {
		v, err = prompts.Active(ctx, db, prompts.SMS)
	} else {
		name, _, perr := prompts.ParseRef(ref)
		if perr != nil {
			return agent.Prompt{}, perr
		}
		if name == "" {
			name = prompts.SMS
		}
		v, err = prompts.Get(ctx, db, name, ref)
	}
	if err != nil {
		return agent.Prompt{}, err
	}
	system, err := prompts.Render(v.Body, vars)
	if err != nil {
		return agent.Prompt{}, fmt.Errorf("render %s: %w", v.Ref(), err)
	}
	return agent.Prompt{Version: v.Ref(), System: system}, nil
}

// FixedPrompt is a PromptSource that always returns p.
func FixedPrompt(p agent.Prompt) agent.PromptSource {
	return func(context.Context) (agent.Prompt, error) { return p, nil }
}
