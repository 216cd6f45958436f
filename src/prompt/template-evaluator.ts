import { type AstNode, child, children } from "./template-ast.js";
import { filterNamed, testNamed } from "./template-filters.js";
import { Frame } from "./template-frame.js";
import { compareValues, OPERATORS } from "./template-operators.js";
import {
  dataOnly,
  MAX_RANGE,
  primitive,
  RenderBudget,
  safeMember,
  spendFlattened,
  TemplateRenderError,
  toText,
} from "./template-values.js";

/**
 * Turns a template's AST (already checked by template-policy) into plain closures, once; rendering
 * then walks no tree and generates no code. Semantics follow Nunjucks' compiler for everything the
 * policy allows (truthiness, `==`, `~`, loops and `loop.*`, `{% set %}` scoping, strict output), so
 * that output stays byte-identical.
 */
export type RenderFunction = (context: object) => string;

type Expr = (scope: Scope) => unknown;
type Stmt = (scope: Scope, out: Output) => void;

interface Output {
  text: string;
}

interface Scope {
  frame: Frame;
  context: object;
  budget: RenderBudget;
}

export function compileAst(root: AstNode): RenderFunction {
  const body = statements(children(root));
  return (context) => {
    const out: Output = { text: "" };
    body({ frame: new Frame(undefined), context, budget: new RenderBudget() }, out);
    return out.text;
  };
}

function statements(nodes: AstNode[]): Stmt {
  const compiled = nodes.map(statement);
  if (compiled.length === 1) return compiled[0]!;
  return (scope, out) => {
    for (const stmt of compiled) stmt(scope, out);
  };
}

function statement(node: AstNode): Stmt {
  switch (node.typename) {
    case "NodeList":
      return statements(children(node));
    case "Output":
      return output(node);
    case "If": {
      const cond = expression(child(node, "cond")!);
      const body = statements(children(child(node, "body")));
      const otherwise = child(node, "else_") ? statement(child(node, "else_")!) : undefined;
      return (scope, out) => {
        if (cond(scope)) body(scope, out);
        else otherwise?.(scope, out);
      };
    }
    case "For":
      return forLoop(node);
    case "Set":
      return assignment(node);
    default:
      throw unexpected(node);
  }
}

function output(node: AstNode): Stmt {
  const parts = children(node).map((part): Stmt => {
    if (part.typename === "TemplateData") {
      const text = String(part.value);
      return (scope, out) => {
        scope.budget.spend(text.length);
        out.text += text;
      };
    }
    const value = expression(part);
    const shown = describe(part);
    const { lineno, colno } = part;
    return (scope, out) => {
      const result = value(scope);
      if (result === null || result === undefined)
        throw new TemplateRenderError(`${shown} is ${String(result)}`, lineno, colno);
      const text = toText(result, scope.budget);
      scope.budget.spend(text.length);
      out.text += text;
    };
  });
  return parts.length === 1
    ? parts[0]!
    : (scope, out) => {
        for (const part of parts) part(scope, out);
      };
}

function forLoop(node: AstNode): Stmt {
  const list = expression(child(node, "arr")!);
  const target = child(node, "name")!;
  const names =
    target.typename === "Symbol" ? [String(target.value)] : children(target).map((n) => String(n.value));
  const body = statements(children(child(node, "body")));
  const otherwise = child(node, "else_") ? statements(children(child(node, "else_"))) : undefined;
  return (scope, out) => {
    const items = list(scope);
    const frame = new Frame(scope.frame);
    const inner: Scope = { ...scope, frame };
    let length = 0;
    const iterate = (i: number, bind: () => void) => {
      scope.budget.iterate();
      bind();
      frame.define("loop", {
        index: i + 1,
        index0: i,
        revindex: length - i,
        revindex0: length - i - 1,
        first: i === 0,
        last: i === length - 1,
        length,
      });
      body(inner, out);
    };
    if (Array.isArray(items) || typeof items === "string") {
      length = items.length;
      for (let i = 0; i < length; i++) {
        const item = dataOnly(items[i]);
        iterate(i, () => {
          if (names.length === 1) frame.define(names[0]!, item);
          else
            names.forEach((name, u) => {
              frame.define(name, safeMember(item, u));
            });
        });
      }
    } else if (names.length > 1 && typeof items === "object" && items !== null) {
      // `for key, value in object`: its own keys, in order.
      const keys = Object.keys(items);
      length = keys.length;
      keys.forEach((key, i) => {
        iterate(i, () => {
          frame.define(names[0]!, key);
          frame.define(names[1]!, safeMember(items, key));
        });
      });
    }
    if (length === 0) otherwise?.(scope, out);
  };
}

function assignment(node: AstNode): Stmt {
  const targets = (node.targets as AstNode[]).map((t) => String(t.value));
  const value = child(node, "value") ? expression(child(node, "value")!) : capture(child(node, "body")!);
  return (scope) => {
    const result = value(scope);
    for (const name of targets) scope.frame.assign(name, result);
  };
}

function capture(node: AstNode): Expr {
  const body = statements(children(child(node, "body")));
  return (scope) => {
    const out: Output = { text: "" };
    body(scope, out);
    return out.text;
  };
}

function expression(node: AstNode): Expr {
  switch (node.typename) {
    case "Literal": {
      const value = node.value;
      return () => value;
    }
    case "Symbol": {
      const name = String(node.value);
      return (scope) => {
        const value = scope.frame.lookup(name);
        return value !== undefined ? value : safeMember(scope.context, name);
      };
    }
    case "LookupVal": {
      const target = expression(child(node, "target")!);
      const key = expression(child(node, "val")!);
      return (scope) => safeMember(target(scope), key(scope));
    }
    case "Group": {
      // `(a, b)` is JavaScript's comma operator in Nunjucks: the last value.
      const parts = children(node).map(expression);
      return (scope) => {
        let value: unknown;
        for (const part of parts) value = part(scope);
        return value;
      };
    }
    case "Array": {
      const items = children(node).map(expression);
      return (scope) => items.map((item) => item(scope));
    }
    case "Dict":
      return dict(node);
    case "InlineIf": {
      const cond = expression(child(node, "cond")!);
      const body = expression(child(node, "body")!);
      const otherwise = child(node, "else_") ? expression(child(node, "else_")!) : () => "";
      return (scope) => (cond(scope) ? body(scope) : otherwise(scope));
    }
    case "Capture":
      return capture(node);
    case "FunCall":
      return range(node);
    case "Filter":
      return filter(node);
    case "Is":
      return test(node);
    case "Compare":
      return compare(node);
    case "Not": {
      const target = expression(child(node, "target")!);
      return (scope) => !target(scope);
    }
    case "Neg": {
      const target = expression(child(node, "target")!);
      return (scope) => -(primitive(target(scope)) as number);
    }
    case "Pos": {
      const target = expression(child(node, "target")!);
      return (scope) => +(primitive(target(scope)) as number);
    }
    default:
      return binary(node);
  }
}

function binary(node: AstNode): Expr {
  const left = expression(child(node, "left") ?? unexpectedNode(node));
  const right = expression(child(node, "right") ?? unexpectedNode(node));
  if (node.typename === "Or") return (scope) => left(scope) || right(scope);
  if (node.typename === "And") return (scope) => left(scope) && right(scope);
  const operator = Object.hasOwn(OPERATORS, node.typename) ? OPERATORS[node.typename] : undefined;
  if (!operator) throw unexpected(node);
  const at = position(node);
  return (scope) => {
    try {
      return operator(left(scope), right(scope), scope.budget);
    } catch (error) {
      throw located(error, at);
    }
  };
}

function compare(node: AstNode): Expr {
  const first = expression(child(node, "expr")!);
  const ops = (node.ops as AstNode[]).map((op) => ({
    type: String(op.type),
    value: expression(child(op, "expr")!),
  }));
  return (scope) => {
    let result = first(scope);
    for (const op of ops) result = compareValues(op.type, result, op.value(scope), scope.budget);
    return result;
  };
}

function dict(node: AstNode): Expr {
  const pairs = children(node).map((pair) => {
    const key = child(pair, "key")!;
    return { key: String(key.value), value: expression(child(pair, "value")!) };
  });
  return (scope) => {
    const result: Record<string, unknown> = {};
    // defineProperty, so that a key named "__proto__" is data and never sets the prototype.
    for (const { key, value } of pairs)
      Object.defineProperty(result, key, {
        value: value(scope),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return result;
  };
}

/** `range(stop)` / `range(start, stop, step)`, as Nunjucks' global, at most MAX_RANGE numbers long. */
function range(node: AstNode): Expr {
  const args = children(child(node, "args")).map(expression);
  const { lineno, colno } = node;
  return (scope) => {
    const values = args.map((arg) => arg(scope));
    if (
      values.length === 0 ||
      values.length > 3 ||
      values.some((v) => typeof v !== "number" || !Number.isFinite(v))
    )
      throw new TemplateRenderError("range() takes one to three numbers", lineno, colno);
    let [start, stop, step] = values as number[];
    if (stop === undefined) [start, stop, step] = [0, start!, 1];
    else if (!step) step = 1;
    const count = Math.max(0, Math.ceil((stop - start!) / step!));
    if (count > MAX_RANGE)
      throw new TemplateRenderError(
        `range() would make ${count} numbers; at most ${MAX_RANGE} are allowed`,
        lineno,
        colno,
      );
    scope.budget.spend(count);
    return Array.from({ length: count }, (_, i) => start! + i * step!);
  };
}

function filter(node: AstNode): Expr {
  const name = String(child(node, "name")!.value);
  const implementation = filterNamed(name);
  if (!implementation) throw unexpected(node);
  const args = children(child(node, "args")).map(expression);
  const at = position(node);
  return (scope) => {
    const values = args.map((arg) => arg(scope));
    let result: unknown;
    try {
      // A filter may walk its lists whole (join, dump, string, sort): charge that walk first.
      for (const value of values)
        if (typeof value === "object" && value !== null) spendFlattened(value, scope.budget);
      result = dataOnly(implementation(...values));
    } catch (error) {
      throw located(error, at, `filter "${name}": `);
    }
    if (typeof result === "string" || Array.isArray(result)) scope.budget.spend(result.length);
    return result;
  };
}

function test(node: AstNode): Expr {
  const left = expression(child(node, "left")!);
  const right = child(node, "right")!;
  const call = right.typename === "FunCall";
  const name = String(call ? child(right, "name")!.value : right.value);
  const predicate = testNamed(name);
  if (!predicate) throw unexpected(node);
  const args = call ? children(child(right, "args")).map(expression) : [];
  const at = position(node);
  return (scope) => {
    try {
      return predicate(left(scope), ...args.map((arg) => arg(scope))) === true;
    } catch (error) {
      throw located(error, at, `test "${name}": `);
    }
  };
}

interface Position {
  lineno: number;
  colno: number;
}

// Closures keep a node's position, never the node: the AST is garbage once a template is compiled.
function position(node: AstNode): Position {
  return { lineno: node.lineno, colno: node.colno };
}

/** A JavaScript error inside an operator or filter becomes a render error at the template's position. */
function located(error: unknown, at: Position, prefix = ""): TemplateRenderError {
  if (error instanceof TemplateRenderError)
    return error.line0 === undefined
      ? new TemplateRenderError(prefix + error.message, at.lineno, at.colno)
      : error;
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateRenderError(prefix + message, at.lineno, at.colno);
}

/** How an output expression is named in an error: `customer.name`, or "the value". */
function describe(node: AstNode): string {
  if (node.typename === "Symbol") return String(node.value);
  if (node.typename === "LookupVal") {
    const key = child(node, "val")!;
    const target = describe(child(node, "target")!);
    if (key.typename === "Literal" && typeof key.value === "string" && /^[A-Za-z_$][\w$]*$/.test(key.value))
      return `${target}.${key.value}`;
    return `${target}[${key.typename === "Literal" ? JSON.stringify(key.value) : "…"}]`;
  }
  return "the value";
}

// The policy refuses every node these functions do not know; reaching one is a bug, said plainly.
function unexpected(node: AstNode): Error {
  return new Error(`template evaluator: unexpected ${node.typename} node (the policy should refuse it)`);
}

function unexpectedNode(node: AstNode): never {
  throw unexpected(node);
}
