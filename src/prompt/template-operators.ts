import { primitive, type RenderBudget, TemplateRenderError, toText } from "./template-values.js";

/**
 * What Nunjucks' operators do to values, as the JavaScript it generated did (`+`, `==`, `<`, `in`…),
 * without ever calling a method of a value: objects take part as their text.
 */
type Operator = (a: unknown, b: unknown, budget: RenderBudget) => unknown;

const spendText = (value: unknown, budget: RenderBudget) => {
  if (typeof value === "string") budget.spend(value.length);
  return value;
};

/** The binary operators of an expression, by node type: JavaScript's, applied to data. */
// Every operand that is a list or object becomes its text, charged to the render's budget.
export const OPERATORS: Record<string, Operator> = {
  Add: (a, b, budget) =>
    spendText((primitive(a, budget) as number) + (primitive(b, budget) as number), budget),
  Concat: (a, b, budget) => spendText(toText(a, budget) + toText(b, budget), budget),
  Sub: (a, b, budget) => (primitive(a, budget) as number) - (primitive(b, budget) as number),
  Mul: (a, b, budget) => (primitive(a, budget) as number) * (primitive(b, budget) as number),
  Div: (a, b, budget) => (primitive(a, budget) as number) / (primitive(b, budget) as number),
  FloorDiv: (a, b, budget) => Math.floor((primitive(a, budget) as number) / (primitive(b, budget) as number)),
  Mod: (a, b, budget) => (primitive(a, budget) as number) % (primitive(b, budget) as number),
  Pow: (a, b, budget) => (primitive(a, budget) as number) ** (primitive(b, budget) as number),
  In: (key, container, budget) => contains(container, key, budget),
};

function contains(container: unknown, key: unknown, budget: RenderBudget): boolean {
  if (Array.isArray(container)) return container.indexOf(key) !== -1;
  if (typeof container === "string") return container.indexOf(toText(key, budget)) !== -1;
  if (typeof container === "object" && container !== null)
    return Object.hasOwn(container, toText(key, budget));
  throw new TemplateRenderError(
    `cannot use "in" to search for ${JSON.stringify(toText(key, budget))} in ${toText(container, budget)}`,
  );
}

/** JavaScript's comparison operators, as Nunjucks emits them, without calling any method of a value. */
export function compareValues(type: string, a: unknown, b: unknown, budget: RenderBudget): boolean {
  const bothObjects = typeof a === "object" && a !== null && typeof b === "object" && b !== null;
  const x = bothObjects ? a : primitive(a, budget);
  const y = bothObjects ? b : primitive(b, budget);
  switch (type) {
    case "==":
      // biome-ignore lint/suspicious/noDoubleEquals: Nunjucks' `==` is JavaScript's loose equality
      return x == y;
    case "!=":
      // biome-ignore lint/suspicious/noDoubleEquals: Nunjucks' `!=` is JavaScript's loose inequality
      return x != y;
    case "===":
      return a === b;
    case "!==":
      return a !== b;
    case "<":
      return (x as number) < (y as number);
    case ">":
      return (x as number) > (y as number);
    case "<=":
      return (x as number) <= (y as number);
    case ">=":
      return (x as number) >= (y as number);
    default:
      throw new TemplateRenderError(`unknown comparison "${type}"`);
  }
}
