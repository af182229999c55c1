package evals

import "strings"

// Price is a model's list price in US dollars per million tokens.
type Price struct {
	Prompt, Completion float64
}

// PricePerMillion are list prices of common OpenAI models, for the
// report's cost estimate. A dated snapshot ("gpt-4o-mini-2024-07-18")
// costs what its model does. Prices change: the figure is an estimate.
var PricePerMillion = map[string]Price{
	"gpt-4o-mini":   {0.15, 0.60},
	"gpt-4o":        {2.50, 10.00},
	"gpt-4.1":       {2.00, 8.00},
	"gpt-4.1-mini":  {0.40, 1.60},
	"gpt-4.1-nano":  {0.10, 0.40},
	"gpt-3.5-turbo": {0.50, 1.50},
	"o3-mini":       {1.10, 4.40},
	"o4-mini":       {1.10, 4.40},
}

// Cost estimates what tokens cost on provider's model: 0 offline; ok is
// false for a model without a known price.
func Cost(provider, model string, t Tokens) (usd float64, ok bool) {
	if provider == "offline" || model == "offline" {
		return 0, true
	}
	if t.Prompt == 0 && t.Completion == 0 {
		return 0, true
	}
	p, ok := priceOf(model)
	if !ok {
		return 0, false
	}
	return (float64(t.Prompt)*p.Prompt + float64(t.Completion)*p.Completion) / 1e6, true
}

func priceOf(model string) (Price, bool) {
	m := strings.ToLower(strings.TrimSpace(model))
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:] // "openai/gpt-4o-mini" as some gateways name it
	}
	if p, ok := PricePerMillion[m]; ok {
		return p, true
	}
	// The longest known name that m is a dated snapshot of.
	best := ""
	for name := range PricePerMillion {
		if strings.HasPrefix(m, name+"-") && len(name) > len(best) {
			best = name
		}
	}
	if best == "" {
		return Price{}, false
	}
	return PricePerMillion[best], true
}
