# The index of what a developer can do here. `make help` lists it.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/leadagent

.PHONY: help run build test lint bench fmt

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## build bin/leadagent
	$(GO) build -o $(BIN) ./cmd/leadagent

run: build ## start PostgreSQL under .data/ (unless DATABASE_URL is set), load the demo business, serve on :8080
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then export DATABASE_URL=$$(scripts/dev-postgres.sh); fi; \
	$(BIN) demo; \
	exec $(BIN) serve

test: ## vet and run every test against the local PostgreSQL (what CI runs)
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 8m ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

bench: ## print the measured figures: latency, throughput, retrieval quality
	$(GO) test -run '^$$' -bench . -timeout 40m ./... | grep -vE '^(goos|goarch|pkg|cpu|PASS|ok )'

.PHONY: screenshots
screenshots: ## refresh the README's console screenshots
	LEADAGENT_SCREENSHOTS=$(CURDIR)/docs $(GO) test -count=1 -run TestConsoleInBrowser ./cmd/leadagent/

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')
