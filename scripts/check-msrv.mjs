#!/usr/bin/env node
// MSRV check (`make lint`): the workspace declares `rust-version` in Cargo.toml; this fails when
// a crate any workspace member builds with (normal and build dependencies, every target and
// feature) declares a newer one. Two more parts complete the check: clippy's `incompatible_msrv`
// lint (std APIs newer than rust-version; on in `make lint`), and a compile with that toolchain
// when it is installed (`cargo +<rust-version> check --workspace`; machines without network
// to rustup cannot fetch it, and then this says so instead of passing silently).
import { execFileSync, spawnSync } from "node:child_process";

const meta = JSON.parse(execFileSync("cargo", ["metadata", "--format-version", "1", "--locked"], { maxBuffer: 1 << 28 }));
const parse = (v) => (v ?? "0").split(".").map(Number).concat([0, 0]).slice(0, 3);
const newer = (a, b) => {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
};
const packages = new Map(meta.packages.map((p) => [p.id, p]));
const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
let failures = 0;
for (const id of meta.workspace_members) {
  const member = packages.get(id);
  const declared = parse(member.rust_version);
  const before = failures;
  const seen = new Set([id]);
  const queue = [id];
  while (queue.length) {
    const node = nodes.get(queue.pop());
    for (const d of node?.deps ?? []) {
      // Dev-dependencies build only the tests, with the developer's toolchain.
      if (!d.dep_kinds.some((k) => k.kind === null || k.kind === "build")) continue;
      if (seen.has(d.pkg)) continue;
      seen.add(d.pkg);
      queue.push(d.pkg);
      const p = packages.get(d.pkg);
      if (p.rust_version && newer(parse(p.rust_version), declared)) {
        console.error(`check-msrv: ${member.name} declares rust-version ${member.rust_version}, but ${p.name} ${p.version} needs ${p.rust_version}`);
        failures++;
      }
    }
  }
  const found = failures - before;
  console.log(`check-msrv: ${member.name} rust-version ${member.rust_version}: ${seen.size - 1} crates in its build, ${found ? `${found} need a newer Rust` : "none newer"}`);
}
const msrv = packages.get(meta.workspace_members[0]).rust_version;
const have = spawnSync("rustup", ["run", msrv, "rustc", "--version"], { encoding: "utf8" });
if (have.status === 0) {
  const r = spawnSync("cargo", [`+${msrv}`, "check", "--workspace", "--locked"], { stdio: "inherit" });
  if (r.status !== 0) failures++;
} else {
  console.log(`check-msrv: toolchain ${msrv} is not installed here, so no compile with it (rustup cannot fetch without network); dependencies and std APIs (clippy incompatible_msrv) were checked`);
}
process.exit(failures ? 1 : 0);
