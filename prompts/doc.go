// Package prompts owns the agent's system prompts: the defaults embedded in
// the binary (defaults/*.tmpl, one per channel), the versions admins create
// and activate, stored in the prompt_versions table, and rendering a version
// with the business's variables (Vars) through text/template.
//
// A version is named "NAME@vN" ("sms@v3"); the embedded default of a name is
// "NAME@default". Versions are immutable: an edit is a new version, which
// goes live only when an admin activates it. While no stored version of a
// name is active (a fresh database, or after activating "default"), the
// embedded default is the active one, so an upgraded binary brings its
// improved defaults to every business that has not written its own.
//
// A template is checked when a version is created, never at turn time: one
// that does not parse, names a variable Vars does not have, or fails a trial
// render is refused with ErrInvalid and nothing is stored.
//
// The package must not import agent (agent imports it), serve HTTP, or keep
// package-level mutable state: the database arrives as a DB (a pool or a
// transaction), and a Source holds the one cache it needs.
package prompts
