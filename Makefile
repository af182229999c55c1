# The index of what a developer can do here. `make help` lists it.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/leadagent

.PHONY: help run stop build test lint bench fmt eval-held-out

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## build bin/leadagent
	$(GO) build -o $(BIN) ./cmd/leadagent

run: build ## start PostgreSQL under .data/ (unless DATABASE_URL is set), load the demo business, serve on :8080
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
	  export DATABASE_URL=$$(scripts/dev-postgres.sh); \
	  echo "make run: PostgreSQL under .data/pg on 127.0.0.1:$${LEADAGENT_PG_PORT:-54329}; it keeps running after Ctrl-C: make stop stops it" >&2; \
	fi; \
	$(BIN) demo; \
	if [ -z "$$SMTP_URL" ]; then \
	  if scripts/dev-maildev.sh; then \
	    export SMTP_URL=smtp://127.0.0.1:1025 SANDBOX_MAIL_URL=http://127.0.0.1:1080 \
	      EMAIL_FROM="$${EMAIL_FROM:-Summit Home Services <leads@summit.example>}" \
	      BUSINESS_POSTAL_ADDRESS="$${BUSINESS_POSTAL_ADDRESS:-3320 Timberline Court, Fort Collins, CO 80525}"; \
	    echo "make run: emails go to MailDev on 127.0.0.1:1025; read them at http://127.0.0.1:1080 (the Sandbox page links it); make stop stops it" >&2; \
	  else echo "make run: no MailDev (it needs npm), so no email in the demo" >&2; fi; \
	fi; \
	exec $(BIN) serve

stop: ## stop the private PostgreSQL and MailDev that make run started (the data under .data/pg stays)
	@scripts/dev-postgres.sh stop
	@scripts/dev-maildev.sh stop

test: ## vet and run every test against the local PostgreSQL (what CI runs)
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 8m ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

bench: ## print the measured figures as they come (latency, throughput, retrieval quality); drops its databases unless KEEP_BENCH_DB=1
	@set -o pipefail; status=0; \
	$(GO) test -run '^$$' -bench . -timeout 40m -json ./... 2>&1 | $(GO) run ./scripts/benchfmt || status=$$?; \
	$(GO) run ./scripts/benchfmt -cleanup || status=$$?; \
	exit $$status

.PHONY: screenshots
screenshots: ## refresh the README's console screenshots
	LEADAGENT_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run TestConsoleInBrowser ./cmd/leadagent/

# The eval suites run with the offline agent and the local embedder, as the
# baselines were made, whatever the environment configures: the demo's suite
# and every business's suite under $(BUSINESSES) when it is there (read from
# there, never copied in), each against its committed baseline in
# evals/baseline/. The intent suite is generated from ../shared/data when it
# is there (never committed: the sets' licences keep their text out of the
# repository); it measures handoff precision and recall, so its failed cases
# (exit 1) are figures, not a failure of make eval; an invalid suite (exit 2)
# still fails it.
EVAL_DATA    ?= ../shared/data
BUSINESSES   ?= ../shared/businesses
EVAL_INTENTS := .data/evals/intents.yaml
EVAL_ENV     := LLM_PROVIDER=offline EMBEDDING_PROVIDER=local JUDGE_MODEL=

.PHONY: eval eval-baseline
eval: build ## run the eval suites offline (demo, and each business in ../shared/businesses) against their baselines
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then export DATABASE_URL=$$(scripts/dev-postgres.sh); fi; \
	export $(EVAL_ENV); \
	$(BIN) eval run evals/suites/demo.yaml --baseline evals/baseline/demo.json; \
	ran=""; \
	for s in $(wildcard $(BUSINESSES)/*/suite.yaml); do \
	  b=$$(basename $$(dirname $$s)); \
	  $(BIN) eval run $$s --baseline evals/baseline/$$b.json --json .data/eval-$$b.json > .data/eval-$$b.md || { cat .data/eval-$$b.md; exit 1; }; \
	  ran="$$ran .data/eval-$$b.json"; \
	  sed -n '/^## /,/^### Failures/p' .data/eval-$$b.md | sed '$$d'; \
	done; \
	if [ -n "$$ran" ]; then echo; $(BIN) eval totals $$ran; echo; fi; \
	if [ -d "$(EVAL_DATA)" ]; then \
	  $(BIN) eval intents --data $(EVAL_DATA) --out $(EVAL_INTENTS); \
	  $(BIN) eval run $(EVAL_INTENTS) --json $(EVAL_INTENTS:.yaml=.json) > $(EVAL_INTENTS:.yaml=.md) || [ $$? -eq 1 ]; \
	  sed '/^### Failures/,$$d' $(EVAL_INTENTS:.yaml=.md); \
	  echo "intent suite: every failure in $(EVAL_INTENTS:.yaml=.md)"; \
	else \
	  echo "intent suite skipped: $(EVAL_DATA) is not there"; \
	fi

eval-held-out: ## each business's suite with the answer weights and classifier fit without it (about 5 minutes)
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then export DATABASE_URL=$$(scripts/dev-postgres.sh); fi; \
	BUSINESSES=$(BUSINESSES) TRAIN_DATA=$(TRAIN_DATA) GO=$(GO) scripts/eval-held-out.sh

# A business's baseline keeps what the regression check reads (each case's
# id and whether it passed, and the summary), not the replies or the
# suite's expectations: the suites stay in $(BUSINESSES).
eval-baseline: build ## refresh the baselines in evals/baseline/ from the offline agent
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then export DATABASE_URL=$$(scripts/dev-postgres.sh); fi; \
	export $(EVAL_ENV); \
	mkdir -p .data; old=""; if [ -f evals/baseline/demo.json ]; then old="--baseline evals/baseline/demo.json"; fi; \
	$(BIN) eval run evals/suites/demo.yaml $$old --json evals/baseline/demo.json > .data/eval-baseline.md || [ $$? -eq 1 ]; \
	sed '/^### Failures/,$$d' .data/eval-baseline.md; \
	for s in $(wildcard $(BUSINESSES)/*/suite.yaml); do \
	  b=$$(basename $$(dirname $$s)); \
	  $(BIN) eval run $$s --json evals/baseline/$$b.json --slim > .data/eval-$$b.md || [ $$? -eq 1 ]; \
	  sed -n '/^## /,/^### Failures/p' .data/eval-$$b.md | sed '$$d'; \
	done; \
	if ls .data/eval-*.md >/dev/null 2>&1; then \
	  cat .data/eval-*.md | awk '/^\*\*Pass rate: /{split($$3,a,"/"); p+=a[1]; n+=a[2]+0; s++} \
	    /^"I don.t know" on /{d+=$$4; e+=$$6; if (match($$0, /answered [0-9]+ of [0-9]+/)) {split(substr($$0, RSTART, RLENGTH), b, " "); u+=b[2]; v+=b[4]}} \
	    END {printf "\n%d business suites: %d/%d passed; \"I don'"'"'t know\" on %d of %d cases that expect an answer; answered %d of %d that expect \"I don'"'"'t know\"\n", s, p, n, d, e, u, v}'; \
	fi; \
	echo "evals/baseline/ rewritten: review its diff before committing it"

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

# The intent classifier's weights (agent/intent/weights.bin, embedded in the
# binary) are trained from the public intent sets and the businesses beside
# the repository, and the project's own examples; the offline answerer's
# (agent/answer_weights.go) from the businesses' knowledge and suites, in
# PostgreSQL. Each prints its leave-one-out figures first; the same files
# give the same weights.
TRAIN_DATA       ?= ../shared/data
TRAIN_BUSINESSES ?= ../shared/businesses

.PHONY: train lexicon
train: ## retrain the intent classifier and the offline answerer's weights, printing their measured figures
	$(GO) run ./agent/intent/train -data $(TRAIN_DATA) -businesses $(TRAIN_BUSINESSES) -out agent/intent/weights.bin
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then export DATABASE_URL=$$(scripts/dev-postgres.sh); fi; \
	$(GO) run ./agent/internal/answerfit -businesses $(TRAIN_BUSINESSES) -off-topic $(TRAIN_DATA)/clinc150-oos/utterances.jsonl -out agent/answer_weights.go

lexicon: ## regenerate lexicon/wordnet.txt.gz from WordNet (apt-get install wordnet-base)
	$(GO) run ./lexicon/internal/wngen -wordnet /usr/share/wordnet -out lexicon/wordnet.txt.gz
