// Package agent owns one turn of a conversation with a lead: given the
// lead's new message, the conversation so far and the business's knowledge,
// it produces the reply text, the turn's outcome (see DESIGN.md, "Turn
// outcome") and the knowledge chunks the reply relied on.
//
// The Responder interface is the seam every provider implements. Offline is
// the provider that needs no model: it answers from the sentences of the
// best retrieved chunks, reads earlier turns to resolve follow-ups, says so
// plainly when the knowledge has no answer, and fits every SMS reply in two
// segments (Segments counts them the way carriers do). It is the default when
// no LLM key is configured and the fallback when the LLM API fails, so it must
// never invent a fact: every number in an answer comes from a chunk.
//
// The package decides what to say; it does not deliver or store it. It must
// not serve HTTP, write to the database, send messages or keep package-level
// mutable state: knowledge arrives through the Retriever interface, the
// caller records the Reply and sends it.
package agent
