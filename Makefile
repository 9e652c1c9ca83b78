# sendcase — see README.md.
GO ?= go
# Builds and tests use Go 1.27.3, which the go command fetches from the module
# proxy: Go 1.26.8's standard library has vulnerabilities that reach our code
# (make vulncheck). go.mod keeps 1.26.8 as the language version.
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test lint openapi-lint build bench cluster fuzz vulncheck clean

## run: serve on :8080 with an embedded NATS server (JetStream on disk in ./data)
run:
	$(GO) run ./cmd/sendcase serve

## test: every test, with the race detector
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## lint: formatting and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(STATICCHECK) ./...

## cluster: 3 NATS nodes (R3 stream, sync always) and 2 sendcase servers on loopback;
## set DATABASE_URL to share projections in PostgreSQL
cluster: build
	./bin/sendcase cluster-demo

## openapi-lint: the OpenAPI document of the JSON API under Redocly's recommended rules
REDOCLY_VERSION ?= 2.77.0
openapi-lint:
	@mkdir -p bin
	$(GO) run ./cmd/sendcase openapi > bin/openapi.json
	npx --yes @redocly/cli@$(REDOCLY_VERSION) lint --extends recommended bin/openapi.json

## fuzz: each fuzz target for FUZZTIME (found cases stay in testdata/fuzz as regression tests)
FUZZTIME ?= 10s
FUZZ = FuzzDecode:./api FuzzCheck:./domain/upn FuzzParse:./domain/civil FuzzAddMonths:./domain/civil \
       FuzzTwelveMonths:./domain/ehcp FuzzClock:./domain/ehcp FuzzDecrypt:./shred
fuzz:
	@for t in $(FUZZ); do \
	  name=$${t%%:*}; pkg=$${t#*:}; \
	  echo "fuzz $$name $$pkg"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

## vulncheck: govulncheck over every package, against the Go vulnerability
## database as published in the golang.org/x/vulndb module on VULNDB_VERSION
## (vuln.go.dev itself cannot be reached from CI; the module proxy can)
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018
VULNDB = $(CURDIR)/bin/vulndb
vulncheck:
	@src=$$(cd / && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -d "$$src/data/osv" || { echo "vulncheck: no OSV data in golang.org/x/vulndb@$(VULNDB_VERSION)"; exit 1; }; \
	  rm -rf $(VULNDB) && $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out $(VULNDB)
	$(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db file://$(VULNDB) ./...

## build: the sendcase binary in ./bin
build:
	$(GO) build -o bin/sendcase ./cmd/sendcase

## bench: a short run of sendcase bench and the Go benchmarks (a few minutes)
bench:
	$(GO) run ./cmd/sendcase bench --schools 2 --pupils 1000 --years 1 --appends 4000 --loads 100 --http 2s
	$(GO) test -run '^$$' -bench . -benchtime 1s -benchmem ./eventstore/ ./projections/pgstore/

clean:
	rm -rf bin data
