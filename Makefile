# wsisbot — see README.md.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo $(shell $(GO) env GOPATH)/bin/staticcheck)

.PHONY: run test bench lint build fuzz eval train report-screenshot

## run: the demo: in-process mailbox, mail server and Slack stand-in; PostgreSQL from
## DATABASE_URL, else 127.0.0.1:5432, else a private server of its own (installed first
## on Debian as root when missing)
run:
	@scripts/postgres.sh demo
	$(GO) run ./cmd/wsisbot demo

## test: every test, against real PostgreSQL, IMAP (in-process and Dovecot) and SMTP
test:
	$(GO) test -race -count=1 -timeout 30m ./...

## bench: parse, ingest, latency and memory figures
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@[ -x "$(STATICCHECK)" ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(STATICCHECK) ./...

## build: bin/wsisbot, version stamped
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/wsisbot ./cmd/wsisbot

## fuzz: fuzz the parser for a minute
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./mailin/parse

## eval: how often the suggestions (kind, stakeholder type, organisation, language) are
## right on the labelled mail of mailin/parse/testdata/eval, tune and holdout splits
eval:
	WSISBOT_EVAL=1 $(GO) test -count=1 -run '^TestEvalReport$$' -v ./mailin/parse | grep -v '^\(=== RUN\|--- PASS\|PASS\|ok \)'

## train: retrain the stakeholder model the suggestions ask when their rules find nothing
## (mailin/parse/suggest_model_stakeholder.tsv) from the tune split of the evaluation set
train:
	$(GO) test -count=1 -run '^TestTrainSuggestModel$$' ./mailin/parse -train

## report-screenshot: the demo's own report (bin/report/report-en.html, .xlsx) and a picture
## of the page, bin/report/report-en.png, by headless Chromium (Debian's package, installed
## first as root when missing)
report-screenshot:
	@scripts/postgres.sh demo
	@{ command -v chromium && fc-list | grep -q 'Liberation Sans'; } >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-liberation; }
	$(GO) run ./cmd/wsisbot demo --once --imap 127.0.0.1:0 --report bin/report
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=bin/report/report-en.png \
		--window-size=1280,2400 file://$(CURDIR)/bin/report/report-en.html
	@echo "screenshot: bin/report/report-en.png"
