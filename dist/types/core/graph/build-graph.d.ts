import type { Facts } from "../plan/facts.js";
import type { Plan } from "../plan/schema.js";
import { type GraphResult } from "./validate-graph.js";
/**
 * Expands a plan into a validated task graph for the given facts.
 *
 * - A phase whose `when` is false is skipped (with the reason) and has no tasks; so are tasks whose
 *   agent's `when` is false, and a phase left with no task at all.
 * - Every task of a phase needs every task of each phase it `needs`; a phase without tasks is
 *   replaced by what it needs, transitively.
 * - `parallel: false` chains a phase's tasks in order.
 * - Levels and the critical path are computed; duplicate task ids and cycles are problems.
 */
export declare function buildGraph(plan: Plan, facts: Facts): GraphResult;
