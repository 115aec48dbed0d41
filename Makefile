# Switchboard: routing flows for digital contact centres.
GO      ?= go
BIN     := bin/switchboard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
# the commit's date, so that two builds of one commit are the same
BUILD_DATE ?= $(shell git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null)

# Packages whose code runs concurrently; the race detector checks them on every make test.
# flows and flowtest parse and check documents on one goroutine; they run once, without it.
RACE_PKGS := ./engine/... ./blocks/... ./sim/... ./store/... ./channels/... \
             ./dispatch/... ./routing/... ./routingtest/... ./server/...

NPM     ?= npm

# A package's tests may take longer than go test's 10 minutes on a machine that is busy with
# other work; the suite stays green there, only slower.
TEST_TIMEOUT ?= 30m

# The editor's sources: dist/ is rebuilt when one of them changes.
EDITOR_SRC := $(shell find editor/src editor/public editor/scripts -type f 2>/dev/null) \
	editor/index.html editor/package.json editor/vite.config.ts $(wildcard editor/tsconfig*.json)

.PHONY: all build editor release run test test-suites test-go docs-test test-race test-flows test-editor test-browser lint vet fmt-check docs bench bench-editor fuzz clean

all: build

## build: the editor, then the switchboard binary in bin/ that embeds it, built as releases and
## the container image build it (scripts/build-static.sh: static, -trimpath), so that the
## packaging test's build of the same command finds every package compiled already
build: editor
	VERSION=$(VERSION) COMMIT=$(COMMIT) BUILD_DATE=$(BUILD_DATE) scripts/build-static.sh $(BIN)

## release: static binaries with the editor embedded for each of RELEASE_PLATFORMS in dist/,
## with LICENSE, the Go modules' licences and SHA256SUMS (the network only for the Go module
## proxy and npm)
RELEASE_PLATFORMS ?= linux/amd64 linux/arm64 darwin/arm64 windows/amd64
release: editor
	rm -rf dist && mkdir -p dist
	@for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		echo "build dist/switchboard-$(VERSION)-$$os-$$arch$$ext"; \
		GOOS=$$os GOARCH=$$arch VERSION=$(VERSION) COMMIT=$(COMMIT) BUILD_DATE=$(BUILD_DATE) \
			scripts/build-static.sh dist/switchboard-$(VERSION)-$$os-$$arch$$ext || exit 1; \
	done
	cp LICENSE dist/LICENSE
	PLATFORMS="$(RELEASE_PLATFORMS)" scripts/go-licenses.sh > dist/THIRD_PARTY_LICENSES.txt
	cd dist && sha256sum switchboard-* LICENSE THIRD_PARTY_LICENSES.txt > SHA256SUMS
	@cat dist/SHA256SUMS

## editor: the browser editor in editor/dist (Node.js 20 and npm)
editor: editor/dist/index.html

editor/dist/index.html: editor/node_modules/.package-lock.json $(EDITOR_SRC)
	cd editor && $(NPM) run build

# npm ci only when node_modules is missing or package-lock.json is newer than it
editor/node_modules/.package-lock.json: editor/package-lock.json
	cd editor && $(NPM) ci
	@touch $@

## run: build everything and start the server on ./switchboard.db with the example flows
run: build
	$(BIN) serve

## test: every test suite, three at a time: the Go suites, the editor's unit tests and the
## browser tests overlap, so that one's waits on databases, processes and the browser are the
## others' working time; each prints whole when it ends. The browser tests are the longest, so
## they start first.
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target test-browser test-suites

test-suites: lint test-go test-race test-flows test-editor

# test-go runs the packages that test-race does not: those get their one run under the race
# detector, which runs the same tests. Its packages embed and read the built editor, and the
# end-to-end and docs tests run the binary make build made (SWITCHBOARD_BIN), so it waits for
# that build: building another with go build's default flags would compile every package again.
test-go: build
	SWITCHBOARD_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -vxF "$$($(GO) list $(RACE_PKGS))")

# The race detector checks our code and the Go libraries; the SQLite engine (C compiled to Go,
# modernc.org/sqlite/lib) is built without its instrumentation, as a C SQLite would be, and the
# modernc packages without the unsafe-pointer checks -race adds: they took a third of the pass's
# CPU. Our code's accesses stay checked, and SQLite's locks are libc's, which stays checked.
RACE_GCFLAGS := -gcflags=modernc.org/...=-d=checkptr=0 -gcflags='modernc.org/sqlite/lib=-race=false -d=checkptr=0'

test-race:
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -race $(RACE_GCFLAGS) $(RACE_PKGS)

## docs-test: run the runnable shell blocks of README.md and docs/*.md against a fresh server
## (docs/contributing.md); test-go runs it too, as the Go package ./docs
docs-test:
	$(GO) test -count=1 ./docs/

test-flows: build
	$(BIN) validate --strict examples/flows
	$(BIN) test examples/flows

## test-editor: the editor's unit tests (Vitest)
test-editor: editor/node_modules/.package-lock.json
	cd editor && $(NPM) test

## test-browser: the editor in Chromium against the switchboard binary (skipped without
## /usr/bin/chromium, except in CI); what the editor draws at scale is checked on the 500-block
## flow only, the 2000-block one is make bench-editor's
test-browser: build
	cd editor && SWITCHBOARD_EDITOR_BUILT=1 SWITCHBOARD_BIN=$(CURDIR)/$(BIN) SWITCHBOARD_BENCH_BLOCKS=$${SWITCHBOARD_BENCH_BLOCKS:-500} $(NPM) run test:browser

## lint: vet, gofmt and canonical flow files
lint: vet fmt-check

vet:
	$(GO) vet ./...

fmt-check: build
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(BIN) fmt --check examples/flows

## docs: regenerate the block reference, the functions reference and the JSON Schema
docs: build
	$(BIN) blocks --markdown > docs/blocks.md
	$(BIN) schema > docs/switchboard.schema.json
	$(GO) test ./flows -run TestFunctionReference -update

## bench: the benchmarks, one core
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -cpu=1 ./...

## bench-editor: the editor's figures on flows of 500 and 2000 blocks in Chromium (open time,
## auto-layout, frames per second while panning and dragging, from an edit to its problem),
## measured alone and printed beside their targets; SWITCHBOARD_BENCH_BLOCKS=2000 for one size
bench-editor: build
	cd editor && SWITCHBOARD_EDITOR_BUILT=1 SWITCHBOARD_BIN=$(CURDIR)/$(BIN) $(NPM) run test:browser -- tests/browser/performance.test.ts

## fuzz: every fuzz target of the repository, FUZZTIME each (30s unless given)
FUZZTIME ?= 30s
FUZZ_TARGETS = \
	flows:FuzzParse flows:FuzzCompile flows:FuzzFormat flows:FuzzSourcePositions flows:FuzzValuePosition \
	flowtest:FuzzLoadSuite \
	engine:FuzzCompileExpression engine:FuzzParseTemplate \
	channels:FuzzParseFacebook channels:FuzzParseInstagram channels:FuzzParseX channels:FuzzParseWebchat \
	sim:FuzzDecodeInteraction \
	routing:FuzzBoardAgreesWithReference
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; echo "fuzz $$name ($$pkg)"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) ./$$pkg || exit 1; done

clean:
	rm -rf bin dist editor/test-results
	find editor/dist -mindepth 1 ! -name .keep -delete 2>/dev/null || true
