-- +goose Up
-- Eval runs (package evals): every run of an eval suite, from the CLI or
-- the console, with what it ran (provider, model, prompt version, rules
-- version), its progress, and once done its summary and whole report (the
-- JSON of `leadagent eval run --json`). eval_cases holds each case's result
-- as it finishes, so a run can be followed while it goes and one case
-- followed across runs.

CREATE TABLE eval_runs (
    id             bigserial PRIMARY KEY,
    suite          text NOT NULL CHECK (suite <> ''),
    -- The suite file as given to the run.
    file           text NOT NULL DEFAULT '',
    provider       text NOT NULL,
    model          text NOT NULL DEFAULT '',
    -- "sms@v3", "sms@default"; "offline" when the responder uses no prompt.
    prompt_version text NOT NULL DEFAULT '',
    rules_version  integer NOT NULL DEFAULT 0,
    judge_model    text NOT NULL DEFAULT '',
    -- The knowledge namespace the suite's files were ingested into.
    namespace      text NOT NULL DEFAULT '',
    state          text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
    error          text NOT NULL DEFAULT '',
    cases_total    integer NOT NULL DEFAULT 0 CHECK (cases_total >= 0),
    cases_done     integer NOT NULL DEFAULT 0 CHECK (cases_done >= 0),
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    summary        jsonb,
    report         jsonb
);
CREATE INDEX eval_runs_suite ON eval_runs (suite, started_at DESC);
CREATE INDEX eval_runs_started ON eval_runs (started_at DESC);

CREATE TABLE eval_cases (
    run_id         bigint NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    case_id        text NOT NULL,
    -- The case's place in its suite.
    position       integer NOT NULL,
    passed         boolean NOT NULL,
    outcome        text NOT NULL DEFAULT '',
    handoff_reason text NOT NULL DEFAULT '',
    reply          text NOT NULL DEFAULT '',
    latency_ms     double precision NOT NULL DEFAULT 0,
    -- The case as the report has it: checks and their details, tokens...
    result         jsonb NOT NULL,
    PRIMARY KEY (run_id, case_id)
);
CREATE INDEX eval_cases_case ON eval_cases (case_id, run_id DESC);

-- +goose Down
DROP TABLE eval_cases;
DROP TABLE eval_runs;
