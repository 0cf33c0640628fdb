/**
 * Writes the generated files: `schema/orchestrate.schema.json` (from the zod schema) and
 * `src/core/plan/builtin-templates.ts` (from `templates/*.yml`). Run with `npx tsx scripts/generate.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedFiles, ROOT } from "./generated-files.ts";

for (const [path, content] of Object.entries(generatedFiles())) {
  const target = join(ROOT, path);
  let current: string | undefined;
  try {
    current = readFileSync(target, "utf8");
  } catch {
    current = undefined;
  }
  if (current === content) {
    console.log(`unchanged ${path}`);
    continue;
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
