// Doc writer (document). Updates the sample project's documentation for the change: README.md with a
// usage section whose examples are the builder's real outputs, CHANGELOG.md with an Unreleased entry,
// and docs-changes.md listing what changed. Reads the build and review results from the shared context.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, main, sampleDir } from "./lib.mjs";

await main((self) => {
  if (self.phase !== "document") throw new ConfigError(`the doc agent has no work in phase "${self.phase}"`);
  const build = self.context.build;
  if (!build || !Array.isArray(build.examples)) {
    throw new Error("no build results in the shared context (build.examples); run the build phase first");
  }
  const tasks = (self.context.plan?.tasks ?? []).filter((t) => t.kind === "implement");
  const verdict = self.context.review?.verdict ?? "not recorded";
  const signature = (fn) => (fn === "slugify" ? "slugify(text, { separator })" : `${fn}()`);

  const readme = readFileSync(join(sampleDir(), "README.md"), "utf8")
    .split(/\n{2,}/)
    .filter((paragraph) => !/still missing/i.test(paragraph))
    .join("\n\n")
    .trimEnd();
  const sections = build.added.map((fn) => {
    const examples = build.examples.filter(([name]) => name === fn);
    return [
      `## \`${signature(fn)}\``,
      "",
      describe(fn, self.request),
      "",
      "```js",
      `import { ${fn} } from "./src/strings.mjs";`,
      "",
      ...examples.map(([, input, output]) => `${fn}(${JSON.stringify(input)}); // ${JSON.stringify(output)}`),
      "```",
    ].join("\n");
  });
  self.write("README.md", [readme, "", ...sections].join("\n"));

  const entries = build.added.map((fn) => `- \`${signature(fn)}\` — ${describe(fn, self.request)}`);
  self.write(
    "CHANGELOG.md",
    ["# Changelog", "", "## Unreleased", "", "### Added", "", ...entries].join("\n"),
  );

  self.write(
    "docs-changes.md",
    [
      `# Documentation changes: ${self.request.project}`,
      "",
      "| Page | Change |",
      "| --- | --- |",
      `| README.md | New section${sections.length > 1 ? "s" : ""} for ${build.added.map((fn) => `\`${fn}()\``).join(", ")} with ${build.examples.length} examples; removed the "still missing" note |`,
      "| CHANGELOG.md | New Unreleased entry under Added |",
      "",
      `Sources: the plan's tasks ${tasks.map((t) => t.id).join(", ") || "(none recorded)"}, the build's examples`,
      `(${build.tests.pass} of ${build.tests.tests} tests passing) and the review verdict: ${verdict}.`,
    ].join("\n"),
  );
  self.done(`Documented ${build.added.join(", ")} in README.md and CHANGELOG.md`);
});

function describe(fn, request) {
  if (fn === "slugify") {
    return "Turns text into a URL-safe slug: lower-case letters and digits of any script joined by `-` (or `separator`), accents removed from Latin letters.";
  }
  return `New function, added for: ${request.requirements.join("; ")}.`;
}
