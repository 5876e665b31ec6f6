#!/usr/bin/env bash
# USB transfers and APDUs to read a certificate over the RC-S380 path: our driver
# (`jpki-verify card read --rcs380`, the same Rust stack the browser's WebUSB adapter runs)
# against nfcpy reading the same certificate through the same simulator. The simulator counts
# both (reader-sim --stats), so neither client counts itself. Prints BENCH lines with ratios
# (ours / nfcpy); counts, not times — deterministic, no timed assertion.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
scripts/nfcpy-check > /dev/null   # installs nfcpy, builds the binary, checks the simulator
bin="$target/debug/jpki-verify"
venv=target/nfcpy-venv
work=$(mktemp -d)
trap 'kill $sim 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" reader-sim --model rcs380 --listen 127.0.0.1:0 --stats "$work/stats.jsonl" 2> "$work/sim.log" &
sim=$!
for _ in $(seq 100); do grep -q '127\.0\.0\.1:' "$work/sim.log" && break; sleep 0.1; done
address=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/sim.log" | head -1)
wait_line() { for _ in $(seq 100); do [ "$(wc -l < "$work/stats.jsonl" 2>/dev/null || echo 0)" -ge "$1" ] && return; sleep 0.1; done; }

export JPKI_SIM_SIGN_PASSWORD=ABC123 PW=ABC123
"$venv/bin/python" scripts/nfcpy/read_card.py --connect "$address" --only auth > /dev/null; wait_line 1
"$bin" card read --rcs380 "$address" --out "$work/auth.der"; wait_line 2
"$venv/bin/python" scripts/nfcpy/read_card.py --connect "$address" --only sign > /dev/null; wait_line 3
"$bin" card read --rcs380 "$address" --cert sign --pin-env PW --out "$work/sign.der"; wait_line 4
"$bin" card sign --rcs380 "$address" --purpose account-opening --audience https://bank.example \
  --nonce AAAAAAAAAAAAAAAAAAAAAA --pin-env PW > /dev/null; wait_line 5

node - "$work/stats.jsonl" <<'JS'
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
const [nAuth, oAuth, nSign, oSign, oOpen] = lines;
const row = (what, ours, theirs) => {
  for (const k of ["usbOut", "usbIn", "apdus"]) {
    console.log(`BENCH reader_${what}_${k} ours=${ours[k]} nfcpy=${theirs[k]} ratio=${(ours[k] / theirs[k]).toFixed(3)}`);
  }
};
row("auth_cert", oAuth, nAuth);
row("sign_cert_after_verify", oSign, nSign);
console.log(`BENCH reader_account_opening_ours usbOut=${oOpen.usbOut} usbIn=${oOpen.usbIn} apdus=${oOpen.apdus} (read sign cert + sign; no nfcpy equivalent: it has no signing)`);
JS
