/** Abstract conditions (the port's `Condition`): shape validation and evaluation against the stored item. */
import type { Condition, Item } from '../../src/ports/kv-driver.js';

/** Why `condition` is malformed, or `undefined` when it is well formed. Empty `and`/`or` lists are malformed. */
export function conditionProblem(condition: unknown): string | undefined {
  if (typeof condition !== 'object' || condition === null) return 'condition must be an object';
  const c = condition as { kind?: unknown; attribute?: unknown; value?: unknown; conditions?: unknown };
  switch (c.kind) {
    case 'exists':
    case 'notExists':
      return undefined;
    case 'equals':
      if (typeof c.attribute !== 'string' || c.attribute.length === 0) return 'equals needs a non-empty attribute';
      if (typeof c.value === 'number' && !Number.isFinite(c.value)) return 'equals needs a finite number';
      if (!['string', 'number', 'boolean'].includes(typeof c.value)) return 'equals needs a scalar value';
      return undefined;
    case 'and':
    case 'or': {
      if (!Array.isArray(c.conditions) || c.conditions.length === 0) return `${c.kind} needs at least one condition`;
      for (const inner of c.conditions) {
        const problem = conditionProblem(inner);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `unknown condition kind '${String(c.kind)}'`;
  }
}

/** Whether `condition` holds for `item` (the stored item, `undefined` when there is none). */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'exists':
      return item !== undefined;
    case 'notExists':
      return item === undefined;
    case 'equals':
      return item !== undefined && item[condition.attribute] === condition.value;
    case 'and':
      return condition.conditions.every((inner) => evaluateCondition(inner, item));
    case 'or':
      return condition.conditions.some((inner) => evaluateCondition(inner, item));
  }
}
