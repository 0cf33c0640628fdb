import type { Origin } from "./yaml-origins.ts";

/** A plain value with the origin tree describing where each of its parts was written. */
export interface Located {
  data: unknown;
  origin: Origin;
}

type Entries = Record<string, unknown>;

/** A plain (non-array) object. */
export function isRecord(value: unknown): value is Entries {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges a plan over the template it `extends`: `policy` deep-merged, `agents` merged by id (the
 * plan's fields replace the template's), `phases` merged by `id` (the plan's fields replace the
 * template's; new ids appended in order), other keys replaced. `version`, `$schema` and `extends`
 * come from the plan alone. Origins follow the values, so problems point at the file that wrote them.
 */
export function mergeTemplate(template: Located, plan: Located): Located {
  const base = template.data;
  const over = plan.data;
  if (!isRecord(base) || !isRecord(over)) return plan;
  const data: Entries = {};
  const origin = container(plan.origin);
  const take = (key: string, value: unknown, from: Origin | undefined): void => {
    data[key] = value;
    if (from) origin.children.set(key, from);
  };
  const keys = [...new Set([...Object.keys(base), ...Object.keys(over)])];
  for (const key of keys) {
    const fromTemplate = { data: base[key], origin: child(template.origin, key) };
    const fromPlan = { data: over[key], origin: child(plan.origin, key) };
    if (!(key in over)) {
      if (key !== "version" && key !== "$schema" && key !== "extends")
        take(key, fromTemplate.data, fromTemplate.origin);
      continue;
    }
    if (!(key in base)) {
      take(key, fromPlan.data, fromPlan.origin);
      continue;
    }
    const merged =
      key === "policy"
        ? mergeDeep(fromTemplate, fromPlan)
        : key === "agents"
          ? mergeById(fromTemplate, fromPlan)
          : key === "phases"
            ? mergePhases(fromTemplate, fromPlan)
            : fromPlan;
    take(key, merged.data, merged.origin);
  }
  return { data, origin };
}

function child(origin: Origin, key: string | number): Origin {
  return (
    origin.children.get(key) ?? {
      source: origin.source,
      at: origin.at,
      path: [...origin.path, key],
      children: new Map(),
    }
  );
}

function container(from: Origin): Origin {
  const origin: Origin = { source: from.source, at: from.at, path: from.path, children: new Map() };
  if (from.keyAt !== undefined) origin.keyAt = from.keyAt;
  return origin;
}

function mergeDeep(base: Located, over: Located): Located {
  if (!isRecord(base.data) || !isRecord(over.data)) return over;
  return mergeFields(base, over, (a, b) => mergeDeep(a, b));
}

/** Merges two mappings key by key; `both` decides keys present in each. */
function mergeFields(base: Located, over: Located, both: (a: Located, b: Located) => Located): Located {
  const a = base.data as Entries;
  const b = over.data as Entries;
  const data: Entries = {};
  const origin = container(over.origin);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const fromBase = { data: a[key], origin: child(base.origin, key) };
    const fromOver = { data: b[key], origin: child(over.origin, key) };
    const merged = !(key in b) ? fromBase : !(key in a) ? fromOver : both(fromBase, fromOver);
    data[key] = merged.data;
    origin.children.set(key, merged.origin);
  }
  return { data, origin };
}

function replaceFields(base: Located, over: Located): Located {
  if (!isRecord(base.data) || !isRecord(over.data)) return over;
  return mergeFields(base, over, (_a, b) => b);
}

function mergeById(base: Located, over: Located): Located {
  if (!isRecord(base.data) || !isRecord(over.data)) return over;
  return mergeFields(base, over, (a, b) => replaceFields(a, b));
}

function mergePhases(base: Located, over: Located): Located {
  const overPhases = over.data;
  if (!Array.isArray(base.data) || !Array.isArray(overPhases)) return over;
  const data: unknown[] = [];
  const origin = container(over.origin);
  const push = (item: Located): void => {
    origin.children.set(data.length, item.origin);
    data.push(item.data);
  };
  const overrides = new Map<string, number>();
  overPhases.forEach((phase, index) => {
    const id = isRecord(phase) ? phase.id : undefined;
    if (typeof id === "string" && !overrides.has(id)) overrides.set(id, index);
  });
  const used = new Set<number>();
  base.data.forEach((phase, index) => {
    const fromBase = { data: phase, origin: child(base.origin, index) };
    const id = isRecord(phase) ? phase.id : undefined;
    const at = typeof id === "string" ? overrides.get(id) : undefined;
    if (at === undefined || used.has(at)) {
      push(fromBase);
    } else {
      used.add(at);
      push(replaceFields(fromBase, { data: overPhases[at], origin: child(over.origin, at) }));
    }
  });
  overPhases.forEach((phase, index) => {
    if (!used.has(index)) push({ data: phase, origin: child(over.origin, index) });
  });
  return { data, origin };
}
