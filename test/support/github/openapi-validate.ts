/**
 * Validation of one request against its operation in `api.github.com.json`: route and method,
 * path and query parameters, and the JSON body against the operation's `requestBody` schema.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import formatsPlugin from "ajv-formats";
import {
  deref,
  type FoundOperation,
  findOperation,
  isFound,
  type JsonSchema,
  type OpenApiOperation,
  type OpenApiParameter,
  parametersOf,
} from "./openapi-spec.ts";

/** A request as the harness sees it. `body` may be parsed JSON, a string, or absent. */
export interface RequestToValidate {
  method: string;
  /** Absolute (`https://api.github.com/repos/…?x=1`) or a path (`/repos/…?x=1`). */
  url: string;
  headers?: Record<string, string | string[] | number | undefined>;
  body?: unknown;
}

/** The operation a request addressed (when it resolved) and every problem found with it. */
export interface RequestCheck {
  found?: FoundOperation;
  problems: string[];
}

const MAX_ERRORS_PER_PART = 8;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes: coerce ? "array" : false,
    logger: false,
  });
  formatsPlugin.default(ajv);
  // Formats used by the description that ajv-formats does not define.
  ajv.addFormat("repo.nwo", /^[\w.-]+\/[\w.-]+$/);
  ajv.addFormat("timestamp", true);
  return ajv;
}

let bodyAjv: Ajv | undefined;
let paramAjv: Ajv | undefined;
const bodyValidators = new Map<string, ValidateFunction>();
const queryValidators = new Map<string, ValidateFunction>();
const pathValidators = new Map<string, ValidateFunction>();

/**
 * Copies a schema with every `#/components/schemas/…` it reaches inlined under `definitions`
 * (cycles are fine), and rewrites OpenAPI 3.0 `nullable` without `type`, which Ajv rejects.
 */
export function bundleSchema(schema: JsonSchema): JsonSchema {
  const definitions: Record<string, unknown> = {};
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === "string") {
      const name = obj.$ref.split("/").pop() ?? obj.$ref;
      if (!(name in definitions)) {
        definitions[name] = {};
        definitions[name] = visit(deref({ $ref: obj.$ref }));
      }
      return { $ref: `#/definitions/${name}` };
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) out[key] = visit(value);
    if (out.nullable === true && !("type" in out)) {
      delete out.nullable;
      return { anyOf: [out, { type: "null" }] };
    }
    return out;
  };
  const root = visit(schema) as JsonSchema;
  return { ...root, definitions };
}

/**
 * The schema with its objects closed: an object that lists its `properties` and says nothing of
 * others takes no others. GitHub's request schemas rarely say, and GitHub ignores fields it does
 * not know, so a misspelled field (`bdoy`, `input` for `inputs`) would silently lose its effect.
 * Objects combined with `allOf`/`anyOf`/`oneOf` stay open: their properties may be listed elsewhere.
 */
export function closedObjects(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value);
    const combined = "allOf" in out || "anyOf" in out || "oneOf" in out;
    if (out.properties && typeof out.properties === "object" && !("additionalProperties" in out) && !combined)
      out.additionalProperties = false;
    return out;
  };
  return visit(schema) as JsonSchema;
}

function describe(error: ErrorObject, where: string): string {
  const at = `${where}${error.instancePath}`;
  const p = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties")
    return `${at} has unknown property "${String(p.additionalProperty)}"`;
  if (error.keyword === "enum") return `${at} ${error.message}: ${(p.allowedValues as unknown[]).join(", ")}`;
  return `${at} ${error.message}`;
}

function describeAll(errors: ErrorObject[] | null | undefined, where: string): string[] {
  const messages = [...new Set((errors ?? []).map((e) => describe(e, where)))];
  return messages.length > MAX_ERRORS_PER_PART
    ? [...messages.slice(0, MAX_ERRORS_PER_PART), `… ${messages.length - MAX_ERRORS_PER_PART} more`]
    : messages;
}

function paramsSchema(params: OpenApiParameter[], closed: boolean): JsonSchema {
  const properties: Record<string, unknown> = {};
  for (const p of params) properties[p.name] = bundleSchema(p.schema ?? {});
  const required = params.filter((p) => p.required).map((p) => p.name);
  return { type: "object", properties, required, additionalProperties: !closed };
}

function cached(
  cache: Map<string, ValidateFunction>,
  key: string,
  build: () => JsonSchema,
): ValidateFunction {
  let validate = cache.get(key);
  if (!validate) {
    paramAjv ??= makeAjv(true);
    bodyAjv ??= makeAjv(false);
    validate = (cache === bodyValidators ? bodyAjv : paramAjv).compile(build());
    cache.set(key, validate);
  }
  return validate;
}

function checkQuery(found: FoundOperation, params: OpenApiParameter[]): string[] {
  const declared = params.filter((p) => p.in === "query");
  const validate = cached(queryValidators, found.route, () => paramsSchema(declared, true));
  if (validate(structuredClone(found.query))) return [];
  return (validate.errors ?? []).map((e) => {
    const p = e.params as Record<string, unknown>;
    if (e.keyword === "additionalProperties")
      return `unknown query parameter "${String(p.additionalProperty)}"`;
    if (e.keyword === "required") return `missing required query parameter "${String(p.missingProperty)}"`;
    return describe(e, "query parameter ").replace("parameter /", "parameter ");
  });
}

function checkPath(found: FoundOperation, params: OpenApiParameter[]): string[] {
  const declared = params.filter((p) => p.in === "path");
  const validate = cached(pathValidators, found.route, () => paramsSchema(declared, false));
  if (validate({ ...found.params })) return [];
  return describeAll(validate.errors, "path parameter ").map((m) => m.replace("parameter /", "parameter "));
}

function mediaType(headers: RequestToValidate["headers"]): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === "content-type");
  const value = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
  return value === undefined ? undefined : String(value).split(";")[0]?.trim().toLowerCase();
}

function parseBody(body: unknown): unknown {
  if (body === undefined || body === null || body === "") return undefined;
  if (Buffer.isBuffer(body)) return body.length === 0 ? undefined : body;
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function checkBody(found: FoundOperation, request: RequestToValidate): string[] {
  const body = parseBody(request.body);
  const spec = deref(found.operation.requestBody ?? { content: {} }) as NonNullable<
    OpenApiOperation["requestBody"]
  >;
  const types = Object.keys(spec.content ?? {});
  if (body === undefined) return spec.required ? ["missing required request body"] : [];
  if (types.length === 0) return ["a request body was sent, but the operation takes none"];
  const type = mediaType(request.headers);
  if (type && !types.includes(type)) return [`content-type ${type} is not one of ${types.join(", ")}`];
  const schema = spec.content?.["application/json"]?.schema;
  if (!schema || (type && type !== "application/json")) return [];
  if (typeof body === "string" || Buffer.isBuffer(body)) return ["request body is not JSON"];
  const validate = cached(bodyValidators, found.route, () => closedObjects(bundleSchema(schema)));
  return validate(body) ? [] : describeAll(validate.errors, "body");
}

/**
 * Resolves the request and checks everything; problems are prefixed with the route.
 * `prefer` is passed to `findOperation`.
 */
export function checkRequest(request: RequestToValidate, prefer?: (route: string) => boolean): RequestCheck {
  const found = findOperation(request.method, request.url, prefer);
  if (!isFound(found)) return { problems: [found.problem] };
  const params = parametersOf(found.operation);
  const problems = [...checkPath(found, params), ...checkQuery(found, params), ...checkBody(found, request)];
  return { found, problems: problems.map((p) => `${found.route}: ${p}`) };
}

/**
 * Every problem with a request, checked against `api.github.com.json`: unknown route or method,
 * path parameters of the wrong type or enum, unknown / ill-typed / missing query parameters,
 * a body failing the operation's `requestBody` schema (`$ref`s resolved; validators compiled once
 * per operation), a body sent to an operation that takes none, a missing required body.
 * Empty when the request is valid.
 */
export function validateRequest(request: RequestToValidate): string[] {
  return checkRequest(request).problems;
}
