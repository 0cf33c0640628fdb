/**
 * Loading GitHub's OpenAPI description and resolving request URLs to its operations.
 * Import from `openapi.ts`, which also carries request validation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The file every GitHub request in the tests is checked against. */
export const SPEC_FILE = "api.github.com.json";

/** A JSON Schema object as found in the description (OpenAPI 3.0 dialect). */
export type JsonSchema = Record<string, unknown>;

/** A parameter of an operation, `$ref`s resolved. */
export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
  "x-multi-segment"?: boolean;
}

/** One operation of the description. */
export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  deprecated?: boolean;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

/** The parts of the description the harness reads. */
export interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
}

/** What a request URL resolved to. */
export interface FoundOperation {
  /** Upper-case HTTP method. */
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/git/ref/{ref}`. */
  template: string;
  /** `"GET /repos/{owner}/{repo}/git/ref/{ref}"`: the key used by `mockGitHub().on` and `countByRoute`. */
  route: string;
  operation: OpenApiOperation;
  /** Path parameters, percent-decoded (`ref: "heads/orchestrate/issue-1"`). */
  params: Record<string, string>;
  /** Query parameters; a repeated name gives an array. */
  query: Record<string, string | string[]>;
}

/** Why a URL did not resolve: no template matches, or no template that has this method. */
export interface OperationNotFound {
  problem: string;
}

interface CompiledRoute {
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
  greedy: number;
  deprecated: boolean;
  operations: Record<string, OpenApiOperation>;
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

let spec: OpenApiSpec | undefined;
let routes: CompiledRoute[] | undefined;
/** Milliseconds the first `loadSpec()` of this process took (read + parse). */
export let specLoadMs = 0;

/** The parsed `api.github.com.json`, read once per process. */
export function loadSpec(): OpenApiSpec {
  if (spec) return spec;
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@octokit/openapi/package.json");
  const file = pkg.replace(/package\.json$/, `generated/${SPEC_FILE}`);
  spec = JSON.parse(readFileSync(file, "utf8")) as OpenApiSpec;
  specLoadMs = performance.now() - started;
  return spec;
}

/** Resolves a local `$ref` (`#/components/...`) once; other values are returned as they are. */
export function deref<T>(value: T | { $ref: string }): T {
  if (value && typeof value === "object" && "$ref" in value && typeof value.$ref === "string") {
    let node: unknown = loadSpec();
    for (const part of value.$ref.replace(/^#\//, "").split("/")) {
      node = (node as Record<string, unknown>)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    }
    if (node === undefined) throw new Error(`unresolved $ref ${value.$ref} in ${SPEC_FILE}`);
    return node as T;
  }
  return value as T;
}

/** The parameters of an operation, `$ref`s resolved. */
export function parametersOf(operation: OpenApiOperation): OpenApiParameter[] {
  return (operation.parameters ?? []).map((p) => deref<OpenApiParameter>(p));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileRoutes(): CompiledRoute[] {
  if (routes) return routes;
  const compiled: CompiledRoute[] = [];
  for (const [template, item] of Object.entries(loadSpec().paths)) {
    const operations: Record<string, OpenApiOperation> = {};
    const greedyNames = new Set<string>();
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      operations[method.toUpperCase()] = operation;
      for (const p of parametersOf(operation))
        if (p.in === "path" && p["x-multi-segment"]) greedyNames.add(p.name);
    }
    const names: string[] = [];
    let greedy = 0;
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (!name) return escapeRegex(part);
        names.push(name);
        if (!greedyNames.has(name)) return "([^/]+)";
        greedy++;
        return "(.+)";
      })
      .join("");
    const literals = template.split("/").filter((s) => s && !s.includes("{")).length;
    const deprecated = Object.values(operations).every((o) => o.deprecated);
    const regex = new RegExp(`^${source}/?$`);
    compiled.push({ template, regex, names, literals, greedy, deprecated, operations });
  }
  // Literal segments win over parameters, current templates over deprecated ones (`compare/{base}...{head}`
  // vs `compare/{basehead}`), single-segment parameters over greedy ones.
  compiled.sort(
    (a, b) =>
      b.literals - a.literals ||
      Number(a.deprecated) - Number(b.deprecated) ||
      a.greedy - b.greedy ||
      b.template.length - a.template.length,
  );
  routes = compiled;
  return compiled;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits a request URL (absolute, or a path) into its still-encoded path and its query. */
export function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const parsed = new URL(url, "https://api.github.com");
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of parsed.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return { path: parsed.pathname, query };
}

/**
 * The operation `method url` addresses. Path parameters marked `x-multi-segment` in the
 * description (`{ref}` of `git/ref/{ref}` and `git/refs/{ref}`, contents' `{path}`, …) may span
 * `/`, literal or encoded as `%2F`. When several templates match, the one with more literal
 * segments wins (then non-deprecated, then fewer greedy parameters) — unless `prefer` accepts a
 * route key of another matching template (`compare/{basehead}` vs `compare/{base}...{head}`).
 */
export function findOperation(
  method: string,
  url: string,
  prefer?: (route: string) => boolean,
): FoundOperation | OperationNotFound {
  const verb = method.toUpperCase();
  const { path, query } = splitUrl(url);
  let pathOnly: CompiledRoute | undefined;
  let best: FoundOperation | undefined;
  for (const route of compileRoutes()) {
    const match = route.regex.exec(path);
    if (!match) continue;
    const operation = route.operations[verb];
    if (!operation) {
      pathOnly ??= route;
      continue;
    }
    const routeKey = `${verb} ${route.template}`;
    if (best && !prefer?.(routeKey)) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decode(match[i + 1] ?? "");
    });
    const found = { method: verb, template: route.template, route: routeKey, operation, params, query };
    if (!prefer || prefer(routeKey)) return found;
    best ??= found;
  }
  if (best) return best;
  if (pathOnly) {
    const has = Object.keys(pathOnly.operations).join(", ");
    return { problem: `no operation ${verb} ${pathOnly.template} in ${SPEC_FILE} (it has ${has})` };
  }
  return { problem: `no operation ${verb} ${path} in ${SPEC_FILE}` };
}

/** True when `findOperation` resolved. */
export function isFound(result: FoundOperation | OperationNotFound): result is FoundOperation {
  return !("problem" in result);
}

/** The operation of a route key such as `"GET /repos/{owner}/{repo}/git/ref/{ref}"`, if it exists. */
export function operationOfRoute(route: string): OpenApiOperation | undefined {
  const [method = "", template = ""] = route.split(" ");
  if (!HTTP_METHODS.has(method.toLowerCase())) return undefined;
  return loadSpec().paths[template]?.[method.toLowerCase()];
}
