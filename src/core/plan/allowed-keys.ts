import { z } from "zod";

type Key = string | number;

/** The keys an object schema allows at `path`, for "did you mean" hints. */
export function allowedKeys(schema: z.ZodType, path: readonly Key[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject) current = inner.shape[String(key)] as z.ZodType | undefined;
    else if (inner instanceof z.ZodRecord) current = inner.valueType as z.ZodType;
    else if (inner instanceof z.ZodArray) current = inner.element as z.ZodType;
    else current = undefined;
  }
  const inner = unwrap(current);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}
