# jpki-verify — the two commands a newcomer needs:
#   make demo   set up the machine, build, and open the bank account-opening flow on
#               http://127.0.0.1:8080/ (virtual card, SQLite, test PKI)
#   make test   set up the machine and run every test (native incl. the backend on SQLite and
#               PostgreSQL, headless Chromium, Node, workerd, the flow end to end in Chromium)
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

.PHONY: demo test setup build pkg lint test-native test-crate-package test-browser test-node test-package test-consumers test-size test-e2e test-nfcpy test-schemathesis fuzz testpki bench bench-verify bench-load bench-crl bench-size bench-reader pcsc-up pcsc-down

setup:
	scripts/setup

build:
	cargo build --workspace

## The npm package: two wasm builds (web target) shared by the Node, browser and workerd entry
## points: dist/web without the Rust crypto provider (the browsers' and workers' default entry,
## WebCrypto; opt-level z: download size) and dist/full with it ("jpki-verify/sync", and the
## Node entries with node:crypto; opt-level 3: speed, see bench/README.md); scripts/finish-pkg.mjs
## cleans them and packs the tarball users install (target/npm/jpki-verify-<version>.tgz).
pkg:
	wasm-pack --log-level warn build --release --target web --out-dir pkg/dist/web --out-name jpki_verify --no-pack -- --no-default-features --features small-allocator,current-anchors --config 'profile.release.opt-level="z"'
	wasm-pack --log-level warn build --release --target web --out-dir pkg/dist/full --out-name jpki_verify --no-pack -- --config 'profile.release.opt-level=3'
	node scripts/finish-pkg.mjs

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p jpki-verify --all-targets --features ring -- -D warnings
	cargo clippy -p jpki-verify --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p jpki-verify --no-default-features --features small-allocator,current-anchors --target wasm32-unknown-unknown -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
	node scripts/check-msrv.mjs
	cargo deny --log-level error check bans licenses sources

## Schemathesis against a live server with server/openapi.json (no 5xx; every answer as documented).
test-schemathesis:
	cargo build -q -p jpki-verify-server
	scripts/test-schemathesis

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
	node --test tests/js/*.test.mjs tests/js/*.www.mjs

## The package as users receive it: the packed tarball (target/npm/) checked against what its
## entry points import, installed into a fresh project outside the repository, and
## tests/js run against that installed copy.
test-package: build pkg
	node scripts/test-package.mjs

## Every kind of application that installs the tarball: Node ESM and require, tsc (strict,
## bundler and nodenext), Vite, webpack, esbuild and Rollup bundles in headless Chromium, Deno
## and Bun (tests/consumers/, scripts/test-consumers.mjs; tools pinned in package-lock.json).
test-consumers: build pkg
	node scripts/test-consumers.mjs

## The SDK crate as `cargo package` builds it: packs and verifies, ships only what Cargo.toml's
## include names (no tests/), and its unit tests pass from the extracted tarball.
test-crate-package:
	scripts/test-crate-package

## The size budget of the default entry's wasm (72 KB gzip, bench/wasm-size.mjs): a change
## that grows what every browser downloads fails the tests, not only `make bench`.
test-size: pkg
	node bench/wasm-size.mjs

## The account-opening flow in headless Chromium (playwright-core + Debian's chromium) against
## a real server; screenshots of every step in target/e2e/.
test-e2e: build pkg
	node --test tests/js/flow.e2e.mjs
	@ls target/e2e/*.png

## nfcpy (PyPI's reference RC-S380 driver) reads both certificates from `jpki-verify
## reader-sim` through its own Type B and ISO-DEP code; the bytes must equal the virtual card's.
test-nfcpy:
	scripts/nfcpy-check

## Every fuzz target (fuzz/, one per parser of untrusted bytes) for FUZZ_SECONDS each;
## make test runs them for 5 s as a smoke test, `make fuzz FUZZ_SECONDS=600` for real.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = certificate assertion_claims verify_assertion options_json crl ocsp_response apdu_response card_client rcs380_frame rcs300_escape reader_stack numbers
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test: setup
	$(MAKE) lint test-native test-nfcpy test-crate-package test-browser test-node test-package test-consumers test-size test-e2e test-schemathesis
	$(MAKE) fuzz FUZZ_SECONDS=5
	@echo "make test: all suites passed"

## Performance: this SDK (wasm + WebCrypto, wasm + Rust provider, native) against node:crypto,
## jsrsasign and PKI.js on the same assertion. Prints BENCH lines and PASS/MISS notes for the
## targets; fails only if an implementation gives a wrong answer (see bench/README.md).
bench-verify: pkg
	node --expose-gc bench/compare.mjs
	cargo run -q --release --features ring --example bench_providers

## The backend under load on loopback (SQLite and PostgreSQL), against the bare core's
## single-thread rate; bounded by a fixed number of pre-signed assertions.
bench-load:
	cargo build -q --profile server-bench -p jpki-verify-server --bin jpki-verify --example load
	target/server-bench/examples/load

## CRLs at J-LIS scale: a 1,000,000-entry CRL of the test CA (generated into target/crl/, not
## committed) parsed + verified + indexed natively (release) and in wasm under Node, lookups,
## index size, saved-index load, and `openssl crl -noout` on the same file.
bench-crl: pkg
	cargo run -q --release -p jpki-verify-testpki --example large-crl -- 1000000 target/crl/crl1m.der
	cargo run -q --release --example bench_crl -- target/crl/crl1m.der
	node bench/crl.mjs target/crl/crl1m.der

## The size of each wasm build (raw, gzip -9); fails when the default entry's build is above its
## budget (bench/wasm-size.mjs; where the bytes go: bench/README.md, "Wasm size").
bench-size: pkg
	node bench/wasm-size.mjs

## USB transfers and APDUs to read a certificate over the RC-S380 path, ours against nfcpy
## through the same simulator (counted by the simulator; ratios, no times).
bench-reader:
	bench/reader-transfers.sh

bench: setup bench-verify bench-load bench-crl bench-size bench-reader

## pcscd + vsmartcard vpcd + the virtual JPKI card (jpki-verify card sim); stop with make pcsc-down.
pcsc-up: build
	scripts/pcsc-harness start
pcsc-down:
	scripts/pcsc-harness stop

## Regenerate the deterministic test PKI and assertion fixtures (tests fail if the committed copies differ).
testpki:
	cargo run -q -p jpki-verify-server -- testpki $(FIXTURES)
	cargo run -q -p jpki-verify-server -- testpki --sdk-embedded embedded/testpki
	cargo run -q -p jpki-verify-testpki --example write-assertions -- tests/fixtures/assertions

## The bank account-opening flow on http://127.0.0.1:$(DEMO_PORT)/ with the virtual card, SQLite
## (target/demo/jpki-verify.db), the test PKI and its CRLs (target/demo/crl). Ctrl-C stops it.
DEMO_PORT ?= 8080
demo: setup build pkg
	@mkdir -p target/demo
	@echo
	@echo "  jpki-verify demo: open http://127.0.0.1:$(DEMO_PORT)/  (virtual card, test PKI, SQLite; Ctrl-C stops)"
	@echo "  signature password ABC123, authentication PIN 1234; \"PaSoRi (USB)\" runs on the reader simulator"
	@echo
	@# The test CAs' CRLs, issued now: revocation is checked, not waved through.
	$(CLI) testpki --current-crls target/demo/crl
	$(CLI) serve --listen 127.0.0.1:$(DEMO_PORT) --db sqlite://target/demo/jpki-verify.db \
	  --trust test --crl-dir target/demo/crl --www www --pkg pkg --rp-id demo-bank --simulated-reader
