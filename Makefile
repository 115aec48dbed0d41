# Switchboard: routing flows for digital contact centres.
GO      ?= go
BIN     := bin/switchboard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/switchboardhq/switchboard/cmd.Version=$(VERSION)

# Packages whose code runs concurrently; the race detector checks them on every make test.
RACE_PKGS := ./engine/... ./blocks/... ./sim/... ./flows/... ./flowtest/... ./store/... ./channels/... \
             ./dispatch/... ./routing/... ./routingtest/... ./server/...

.PHONY: all build run test test-go test-race test-flows lint vet fmt-check docs bench fuzz clean

all: build

## build: the switchboard binary in bin/
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/switchboard

## run: build everything and start the server on ./switchboard.db with the example flows
run: build
	$(BIN) serve

## test: every test suite
test: lint test-go test-race test-flows

test-go:
	$(GO) test -count=1 ./...

test-race:
	$(GO) test -count=1 -race $(RACE_PKGS)

test-flows: build
	$(BIN) validate --strict examples/flows
	$(BIN) test examples/flows

## lint: vet, gofmt and canonical flow files
lint: vet fmt-check

vet:
	$(GO) vet ./...

fmt-check: build
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(BIN) fmt --check examples/flows

## docs: regenerate the block reference and the JSON Schema
docs: build
	$(BIN) blocks --markdown > docs/blocks.md
	$(BIN) schema > docs/switchboard.schema.json

## bench: the benchmarks, one core
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -cpu=1 ./...

## fuzz: each fuzz target for a minute
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./flows
	$(GO) test -run='^$$' -fuzz=FuzzCompileExpression -fuzztime=60s ./engine
	$(GO) test -run='^$$' -fuzz=FuzzParseTemplate -fuzztime=60s ./engine
	for f in FuzzParseFacebook FuzzParseInstagram FuzzParseX FuzzParseWebchat; do \
		$(GO) test -run='^$$' -fuzz=$$f -fuzztime=30s ./channels || exit 1; done

clean:
	rm -rf bin
