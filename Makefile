# Fudao — the README's commands. `make run` opens the app on a demo database; `make test` runs
# everything CI runs. Both install what a fresh Debian machine lacks first.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

# Headless runs have no OS keystore: tests, scripts and the demo get the database key from
# FUDAO_DB_KEY — the well-known test key (fudao_store::keys::TEST_KEY_HEX), never used for real
# data. An explicit FUDAO_DB_KEY in the environment wins.
TEST_DB_KEY := f0da0000000000000000000000000000000000000000000000000000000000d0
demo test-rust test-app test-e2e bench fuzz: export FUDAO_DB_KEY ?= $(TEST_DB_KEY)

.PHONY: test-app setup ui-dist run demo test test-rust test-ui test-e2e lint fmt fmt-check bench fuzz

setup:
	./scripts/setup-debian.sh
	./scripts/setup-node.sh

# The app's crate embeds ui/dist at compile time, so the UI is built before any workspace build.
ui-dist:
	cd ui && npm run build

# Opens the desktop app on target/demo/fudao-demo.db (created with `fudao demo` on first run).
run: setup
	./scripts/app-run.sh

# The CLI on a demo database, headless.
demo:
	$(CARGO) run -q -p fudao-cli --release -- --db target/demo/cli-demo.db demo --firms 500 || true
	$(CARGO) run -q -p fudao-cli --release -- --db target/demo/cli-demo.db firm list --limit 10

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

# Every crate, the desktop app included (with the feature set its tests build, so the check
# reuses that build's dependencies; it needs ui/dist, which `test` builds first), and the UI
# (eslint: typescript-eslint and the React hooks rules; prettier).
lint: ui-dist
	$(CARGO) clippy --workspace --exclude fudao-app --all-targets -- -D warnings
	$(CARGO) clippy -p fudao-pdf --features raster --all-targets -- -D warnings
	$(CARGO) clippy --manifest-path src-tauri/Cargo.toml -p fudao-app --features custom-protocol \
	  --all-targets -- -D warnings
	cd ui && npx eslint . && npx prettier --check .

# The CLI's sync test runs the fudao-server binary this same build produced (without the
# variable it would build the server again with its own feature set).
test-rust:
	FUDAO_SERVER_BIN="$${CARGO_TARGET_DIR:-$(CURDIR)/target}/debug/fudao-server" \
	  $(CARGO) test --workspace --exclude fudao-app --no-fail-fast
	# The plan preview's rasterizer (a feature only the app turns on).
	$(CARGO) test -p fudao-pdf --features raster --lib raster

# The desktop app's Rust tests (bindings up to date, IPC round trips).
test-app: ui-dist
	./scripts/app-test.sh --rust

test-ui:
	cd ui && npm test

# Each suite gets a second attempt if its first fails (the script says how many each took); a
# WebDriver command that never answers fails its step within 30 s, naming the command.
# The lead's suite syncs against the fudao-server that test-rust built (if it is there).
test-e2e: export FUDAO_SERVER_BIN ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/debug/fudao-server
test-e2e:
	./scripts/app-e2e.sh

# Everything CI runs: formatting, lints, the workspace tests, the UI's Vitest suite, the app's
# Rust tests and the WebDriver e2e suite of the real window under Xvfb.
test: setup ui-dist fmt-check lint test-rust test-ui test-app test-e2e

bench:
	./scripts/bench.sh

# The fuzz targets (proptest byte mutation; `make test` runs them briefly as ordinary tests):
# the spreadsheet reader (csv, HTML-xls, xls, xlsx bytes and xlsx XML), the `firm set` /
# `need set` value parser, and the server's push/pull request decoding (mutated bodies sent to
# a real server: never a 5xx, never a dropped connection), and the store's decoder of packed
# documents (`codec.rs`: a restored backup's bytes). FUDAO_FUZZ_CASES cases per
# target (default 20000), in release mode.
FUDAO_FUZZ_CASES ?= 20000
fuzz:
	FUDAO_FUZZ_CASES=$(FUDAO_FUZZ_CASES) $(CARGO) test --release -p fudao-io --test fuzz -- --test-threads=2
	FUDAO_FUZZ_CASES=$(FUDAO_FUZZ_CASES) $(CARGO) test --release -p fudao-cli --bin fudao fuzz_set
	FUDAO_FUZZ_CASES=$(FUDAO_FUZZ_CASES) $(CARGO) test --release -p fudao-server --test fuzz_decode
	FUDAO_FUZZ_CASES=$(FUDAO_FUZZ_CASES) $(CARGO) test --release -p fudao-store --lib codec::tests::fuzz_decode
	FUDAO_FUZZ_CASES=$(FUDAO_FUZZ_CASES) $(CARGO) test --release -p fudao-pdf --features raster --lib raster::tests::fuzz_page_images
