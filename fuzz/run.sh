#!/usr/bin/env bash
# Runs fuzz targets for SECONDS each (`make fuzz FUZZ_SECONDS=N`), each from its corpus
# (fuzz/corpus/<target>/, where new inputs are kept) and its seeds: the repository's fixtures
# of that input kind, read only.
set -euo pipefail
cd "$(dirname "$0")"
seconds=$1
shift
seeds_for() {
  case "$1" in
    certificate | crl) echo ../tests/fixtures/testpki ;;
    assertion_claims | verify_assertion) echo ../tests/fixtures/assertions ;;
    options_json) echo seeds/options_json ;;
    ocsp_response) echo seeds/ocsp_response ;;
    card_client) echo seeds/card_client ;;
    numbers) echo seeds/numbers ;;
    *) ;;
  esac
}
for t in "$@"; do
  mkdir -p "corpus/$t"
  # shellcheck disable=SC2046 # the seed list is one path or none
  cargo +nightly fuzz run "$t" "corpus/$t" $(seeds_for "$t") -- -max_total_time="$seconds"
done
