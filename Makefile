# jpki-verify — the two commands a newcomer needs:
#   make demo   set up the machine, build, and show the SDK on the test PKI
#   make test   set up the machine and run every test (native, headless Chromium, Node)
# Both run scripts/setup first (idempotent; a no-op on a machine that has everything).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# node_modules/.bin first: its wasm-opt (npm binaryen 132) must win over any other.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# RUSTFLAGS would replace .cargo/config.toml's wasm cfg; make sure it is not inherited.
unexport RUSTFLAGS
unexport CARGO_ENCODED_RUSTFLAGS

CLI := target/debug/jpki-verify
FIXTURES := tests/fixtures/testpki

.PHONY: demo test setup build pkg lint test-native test-browser test-node testpki bench bench-verify pcsc-up pcsc-down

setup:
	scripts/setup

build:
	cargo build --workspace

## The npm package: two wasm builds (web target) shared by the Node, browser and workerd entry
## points: dist/web without the Rust crypto provider (default entry, WebCrypto) and dist/full
## with it ("jpki-verify/sync").
pkg:
	wasm-pack --log-level warn build --release --target web --out-dir pkg/dist/web --out-name jpki_verify --no-pack -- --no-default-features
	wasm-pack --log-level warn build --release --target web --out-dir pkg/dist/full --out-name jpki_verify --no-pack

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p jpki-verify --all-targets --features ring -- -D warnings
	cargo clippy -p jpki-verify --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p jpki-verify --no-default-features --target wasm32-unknown-unknown -- -D warnings

test-native:
	cargo test --workspace
	cargo test --features ring --lib --test assertions
	@# The Wycheproof harness again with its summary lines visible (N passed, N failed, N skipped).
	cargo test -q --test wycheproof -- --nocapture 2>&1 | grep -E "passed, [0-9]+ failed"
	@# The OpenSC-vs-jpki-verify APDU comparison written by server/tests/card_pcsc.rs.
	@cat target/pcsc/apdu-counts.txt

test-browser:
	scripts/test-browser

test-node: build pkg
	node --test tests/js/

test: setup
	$(MAKE) lint test-native test-browser test-node
	@echo "make test: all suites passed"

## Performance: this SDK (wasm + WebCrypto, wasm + Rust provider, native) against node:crypto,
## jsrsasign and PKI.js on the same assertion. Prints BENCH lines and PASS/MISS notes for the
## targets; fails only if an implementation gives a wrong answer (see bench/README.md).
bench-verify: pkg
	node --expose-gc bench/compare.mjs
	cargo run -q --release --features ring --example bench_providers

bench: setup bench-verify

## pcscd + vsmartcard vpcd + the virtual JPKI card (jpki-verify card sim); stop with make pcsc-down.
pcsc-up: build
	scripts/pcsc-harness start
pcsc-down:
	scripts/pcsc-harness stop

## Regenerate the deterministic test PKI and assertion fixtures (tests fail if the committed copies differ).
testpki:
	cargo run -q -p jpki-verify-server -- testpki $(FIXTURES)
	cargo run -q -p jpki-verify-testpki --example write-assertions -- tests/fixtures/assertions

## Until the backend lands, the demo shows what the SDK reads from JPKI certificates.
demo: setup build
	@for f in $(FIXTURES)/taro-sign.der $(FIXTURES)/hanako-sign.der $(FIXTURES)/fumi-sign.der $(FIXTURES)/taro-auth.der anchors/jlis/jpki-sign-ca-gen3-2023.cer; do \
	  echo; echo "=== jpki-verify inspect $$f"; $(CLI) inspect "$$f"; \
	done
	@echo; echo "=== a broken certificate is refused with a stable code:"
	@head -c 300 $(FIXTURES)/taro-sign.der > target/truncated.der; $(CLI) inspect target/truncated.der || echo "(exit $$?)"
