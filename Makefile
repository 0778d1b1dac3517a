# AgentRetry: two commands do all set-up on a fresh Debian machine with the Swift toolchain.
#   make demo   runs the main job
#   make test   runs the test suite
# Both install the system packages they need when missing, then build.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

# libcurl with its headers (the transport's C library) and pkg-config (which finds it).
BUILD_PACKAGES := libcurl4-openssl-dev pkg-config
# Real servers the tests start as child processes: nghttpd (HTTP/2 over TLS), openssl (certificates)
# and PostgreSQL 15 (the shared store; Tests/postgres-server.sh runs it in a temporary directory).
TEST_PACKAGES := nghttp2-server openssl postgresql-15
# Third-party judges of the mock server, from PyPI: the official Stripe SDK, jsonschema (ACP schema) and the
# official MCP SDK (the client of Examples/mcp/agent.py); standardwebhooks signs the webhook verifier's test vectors.
TEST_PYTHON_PACKAGES := stripe jsonschema mcp standardwebhooks
PYTHON ?= python3

SWIFT_SOURCES := Sources Tests Examples Package.swift Benchmarks/Package.swift Benchmarks/Sources

.PHONY: demo tour test lint format bench bench-mock bench-client bench-store docs build system-packages test-packages clean

define install_missing
	@missing=""; \
	for package in $(1); do dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi
endef

system-packages:
	$(call install_missing,$(BUILD_PACKAGES))

test-packages:
	$(call install_missing,$(TEST_PACKAGES))
	@$(PYTHON) -c "import stripe, jsonschema, mcp, standardwebhooks" 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check $(TEST_PYTHON_PACKAGES)

build: system-packages
	$(SWIFT) build

## The main job: the crash-and-fault demo. 200 checkout tasks as child processes, faults and
## SIGKILLs, three key strategies side by side; duplicate charges counted from the server's ledger.
demo: system-packages
	$(SWIFT) run agent-retry demo

## The transport tour: real requests against a local misbehaving server, and the failure class each met.
tour: system-packages
	$(SWIFT) run transport-tour

## The test suite, warnings treated as errors in this package's own code. A throwaway PostgreSQL
## server runs for the tests' duration and is removed afterwards, also when they fail.
## At most this many tests run at once. Swift Testing's default starts every suite together; with the
## suites' child processes (agent-retry, mock servers, nghttpd, Python judges) that put 20 to 48 runnable
## threads on 2 cores for minutes (vmstat), and tests' liveness bounds (30 s for a PostgreSQL answer,
## 5 s for a held request) ran out. 6 keeps the run as short (265 s for 456 tests) with none of that.
TEST_WIDTH ?= 6

test: system-packages test-packages lint
	AGENTRETRY_STRICT=1 $(SWIFT) build --build-tests
	AGENTRETRY_STRICT=1 $(SWIFT) run transport-tour
	AGENTRETRY_STRICT=1 Tests/postgres-server.sh run $(SWIFT) test --experimental-maximum-parallelization-width $(TEST_WIDTH)

# The benchmarks are a package of their own, Benchmarks/Package.swift, with a path dependency on this one.

## The tree as .swift-format (async-http-client's settings: 4 spaces, 120 columns) formats it, and no
## line longer than 120 characters. `make format` rewrites the tree that way.
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(SWIFT_SOURCES)
	@long=$$(git ls-files '*.swift' | xargs awk 'length > 120 { print FILENAME ":" FNR }'); \
	if [ -n "$$long" ]; then echo "lines over 120 characters:"; echo "$$long"; exit 1; fi

format:
	$(SWIFT) format format --in-place --recursive --parallel $(SWIFT_SOURCES)

## Sequential keep-alive requests per second: the transport against a plain libcurl loop.
bench: system-packages
	cd Benchmarks && $(SWIFT) run -c release transport-benchmark

## Idempotent POST throughput of the mock payment server against a plain SwiftNIO server.
bench-mock: system-packages
	cd Benchmarks && $(SWIFT) run -c release mock-server-benchmark

## The idempotent client's per-call cost over the bare transport, with the disk's fsync cost.
bench-client: system-packages
	cd Benchmarks && $(SWIFT) run -c release client-benchmark

## Keyed calls per second at 1, 8 and 64 concurrent tasks: SQLite and PostgreSQL stores side by
## side, the bare transport as the ceiling (a throwaway PostgreSQL server, as in the tests).
bench-store: system-packages test-packages
	cd Benchmarks && ../Tests/postgres-server.sh run $(SWIFT) run -c release store-benchmark

## The DocC reference of every library (Sources/*/Documentation.docc), warnings treated as errors, one
## archive per library in .build/docs/. AGENTRETRY_DOCS=1 adds swift-docc-plugin to the package (users
## of the package never resolve it); AGENTRETRY_STRICT=1 builds the code as `make test` does.
DOC_TARGETS := AgentRetry AgentRetryPostgres AgentRetryACP AgentRetryWebhooks MockPaymentServer AgentRetryTesting
docs: system-packages
	@mkdir -p .build/docs
	@set -e; for target in $(DOC_TARGETS); do \
		echo "documentation: $$target"; \
		AGENTRETRY_DOCS=1 AGENTRETRY_STRICT=1 $(SWIFT) package --allow-writing-to-directory .build/docs \
			generate-documentation --target $$target --warnings-as-errors \
			--output-path .build/docs/$$target.doccarchive; \
	done

clean:
	rm -rf .build Benchmarks/.build
