// Where the JS tests find things. They run from the repository (the workspace link
// node_modules/jpki-verify → pkg/) and, in `make test-package`, from a copy in a fresh project
// where "jpki-verify" is the tarball installed into node_modules; there JPKI_REPO names the
// repository (for fixtures) and JPKI_PKG_DIR the installed package.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (fixtures, anchors, the CLI binary, tools in node_modules/.bin). */
export const root = process.env.JPKI_REPO ?? fileURLToPath(new URL("../..", import.meta.url));
/** The package under test (pkg/ in the repository, or the installed copy). */
export const pkgDir = process.env.JPKI_PKG_DIR ?? join(root, "pkg");
