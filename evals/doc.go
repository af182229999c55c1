// Package evals owns eval suites: the YAML suite format (DESIGN.md, "Eval
// suites"), the runner that plays each case through the agent exactly as
// production would answer it, the checks, the JSON report and its Markdown
// summary, baseline comparison, and the record of every run in PostgreSQL
// (tables eval_runs and eval_cases).
//
// A run is one suite against one responder. The suite's knowledge is
// ingested into a namespace of its own ([Namespace]: the suite's name and a
// hash of its files' paths and contents), so suites never see each other's
// knowledge or the business's ('default'), and a re-run of unchanged files
// ingests nothing. When a suite's files change, a run deletes the
// namespaces of their earlier versions, except one a run in progress
// still searches. Each case is played through package turn, the turn the
// inbox plays: what the product answers itself first (an opt-out keyword
// gets no reply at all, an opt-out in plain words its one confirmation,
// HELP its answer), else one agent turn on the history production would
// give it, after which the active escalation rules decide whether the
// conversation goes to a person, in which case what is judged is the
// holding message the lead would get.
//
// The `grounded` check asks a judge model when one is configured; without
// one it is a lexical approximation (see [GroundedLexical]). The `judge`
// check needs a judge model and is reported skipped without one: a skipped
// check neither passes nor fails its case, and is counted in
// summary.skipped_checks.
//
// The package must not touch production data: it never writes to the
// default knowledge namespace, to conversations, contacts or messages, and
// it sends nothing to leads or reps. It reads the escalation rules and
// prompt versions and writes only its own tables. It does not build the
// responder under test: the caller (cmd/leadagent) wires it from
// configuration, the way the server wires its own.
package evals
