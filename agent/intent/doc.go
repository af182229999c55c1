// Package intent owns the handoff classifier: it reads a lead's message
// (and the agent's message before it) and says how likely each class is:
// buying intent, a request for a person, a complaint, a sensitive topic
// (a safety emergency, a legal threat or dispute, a request to
// discriminate), a question for the knowledge, or anything else.
//
// It holds the whole model: text normalisation, hashed word and character
// n-gram features, a multinomial logistic regression, its training with
// fixed seeds, and the temperature that calibrates its scores, so a score
// of 0.6 means that about 60% of such messages belong to the class.
// Default loads the weights embedded in the binary once; nothing is read
// or fetched at run time, and a prediction costs tens of microseconds.
//
// The weights are made by `make train` (./agent/intent/train), which reads
// the public intent sets and the businesses' eval suites beside the
// repository and the project's own examples, and prints the measured
// figures. The weights hold hashed feature weights only, never the
// training utterances.
//
// The package imports only the standard library. It must not read files,
// keep mutable package state or know about conversations beyond the one
// message and the agent's message before it.
package intent
