// Precompiles our own JSON Schemas into standalone validator modules at build time, so the CLI
// does not spend ~80 ms compiling them at every start (measured with bench/cold-start.mjs).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { ajvRegExpEngine } from "../dist/schemas/safe-regexp.js";

const outDir = new URL("../dist/schemas/", import.meta.url);
mkdirSync(outDir, { recursive: true });
for (const name of ["prompt", "config", "lockfile", "results"]) {
  const schema = JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8"));
  // Same options as src/schemas/ajv.ts; `source` keeps the generated code. Patterns run on RE2,
  // as user schemas' do: lockfiles and prompt files are untrusted input.
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    code: { source: true, regExp: ajvRegExpEngine },
  });
  const code = standaloneCode(ajv, ajv.compile(schema));
  writeFileSync(new URL(`${name}.validate.cjs`, outDir), code);
}

// The JSON Schema 2020-12 meta-schema, so checking users' variable schemas costs a require, not
// ajv compiling the meta-schema at every run (src/prompt/variables.ts).
{
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    code: { source: true, regExp: ajvRegExpEngine },
  });
  const meta = ajv.getSchema("https://json-schema.org/draft/2020-12/schema");
  writeFileSync(new URL("json-schema-2020.validate.cjs", outDir), standaloneCode(ajv, meta));
}
