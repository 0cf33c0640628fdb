/**
 * GitHub's GraphQL API for the mock: each request's document is validated against the published
 * schema (`@octokit/graphql-schema`'s introspection, read once), and its variables against the operation's
 * variable definitions. Handlers answer by the operation's first top-level field.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildClientSchema,
  type FieldNode,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  parse,
  validate,
  valueFromASTUntyped,
} from "graphql";

/**
 * Answers one top-level field (e.g. `markPullRequestReadyForReview`) with the `data` to return.
 * `operation` is the parsed operation, for handlers that answer aliased or repeated fields.
 */
export type GraphQLHandler = (
  variables: Record<string, unknown>,
  operation: OperationDefinitionNode,
) => unknown;

/** Answers one field of a document (see `onGraphQLField`) from its arguments, variables resolved. */
export type GraphQLFieldHandler = (args: Record<string, unknown>) => unknown;

/** A field's arguments with variables resolved. */
export function argumentsOf(field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    (field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]),
  );
}

let schema: GraphQLSchema | undefined;

function loadSchema(): GraphQLSchema {
  if (!schema) {
    // The package exports only its index; read its introspection file beside it (its SDL file
    // defines one field twice, which graphql-js refuses).
    const index = fileURLToPath(import.meta.resolve("@octokit/graphql-schema"));
    schema = buildClientSchema(
      JSON.parse(readFileSync(join(dirname(index), "schema.json"), "utf8")) as IntrospectionQuery,
    );
  }
  return schema;
}

/** Problems of a GraphQL request body, and the first top-level field it asks for. */
export function checkGraphQL(body: unknown): {
  problems: string[];
  field?: string;
  variables: Record<string, unknown>;
  operation?: OperationDefinitionNode;
} {
  const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
  if (typeof query !== "string") return { problems: ["GraphQL request without a query"], variables };
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
  } catch (error) {
    return { problems: [`GraphQL syntax: ${(error as Error).message}`], variables };
  }
  const s = loadSchema();
  const problems = validate(s, document).map((e) => `GraphQL: ${e.message}`);
  const operation = getOperationAST(document);
  if (operation) {
    const coerced = getVariableValues(s, operation.variableDefinitions ?? [], variables);
    for (const e of coerced.errors ?? []) problems.push(`GraphQL variables: ${e.message}`);
  }
  const first = operation?.selectionSet.selections[0];
  return {
    problems,
    ...(first?.kind === "Field" ? { field: first.name.value } : {}),
    variables,
    ...(operation ? { operation } : {}),
  };
}
