import { type Alias, type Document, isAlias, isNode, type Node, type Range, visit } from "yaml";

/** Expanded copies an alias may stand for, summed over a file: a real prompt file needs a handful. */
const MAX_ALIAS_COUNT = 100;

export interface YamlValueProblem {
  /** Offset in the text of the alias to point at. */
  offset: number;
  message: string;
  hint: string;
}

/**
 * The plain value of a parsed document, or why it has none. Aliases are where a file can be
 * hostile: a few lines that expand exponentially ("billion laughs"), an alias inside the node it
 * names (a value that contains itself, which every later walk of it would follow forever), or one
 * that names no anchor. The yaml library throws for the first and last, as ReferenceErrors that
 * name no position; each becomes a problem at the alias that causes it.
 */
export function yamlValue(doc: Document.Parsed): { value: unknown } | { problem: YamlValueProblem } {
  const aliases = aliasesOf(doc);
  for (const { alias, target } of aliases) {
    if (target?.range && alias.range && within(alias.range, target.range)) {
      return {
        problem: {
          offset: alias.range[0],
          message: `YAML alias *${alias.source} is inside the value it refers to (a value that contains itself)`,
          hint: `write the value out instead of referring to &${alias.source} from within it`,
        },
      };
    }
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { problem: describeToJsError(error, aliases) };
  }
}

interface AliasUse {
  alias: Alias;
  /** The anchored node it names: the last one of that name before it, as YAML resolves it. */
  target: Node | undefined;
}

/** Every alias with its target, in one walk (Alias.resolve walks the whole document per call). */
function aliasesOf(doc: Document.Parsed): AliasUse[] {
  const anchors = new Map<string, Node>();
  const uses: AliasUse[] = [];
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      uses.push({ alias: node, target: anchors.get(node.source) });
    } else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
  });
  return uses;
}

function describeToJsError(error: unknown, aliases: readonly AliasUse[]): YamlValueProblem {
  const text = error instanceof Error ? error.message : String(error);
  const unresolved = /^Unresolved alias.*: (.*)$/.exec(text);
  if (unresolved) {
    const use = aliases.find((a) => a.alias.source === unresolved[1]) ?? aliases[0];
    return {
      offset: use?.alias.range?.[0] ?? 0,
      message: `YAML alias *${unresolved[1]} refers to no anchor`,
      hint: `define &${unresolved[1]} before the first *${unresolved[1]}`,
    };
  }
  if (/Excessive alias count/.test(text)) {
    // The first alias of an anchor that itself holds aliases is where the expansion multiplies.
    const holdsAliases = ({ target }: AliasUse) =>
      aliases.some(({ alias }) => target?.range && alias.range && within(alias.range, target.range));
    const use = aliases.find(holdsAliases) ?? aliases[0];
    return {
      offset: use?.alias.range?.[0] ?? 0,
      message: `YAML aliases expand to too many copies (more than ${MAX_ALIAS_COUNT}); a file like this can exhaust memory`,
      hint: "write the repeated values out, or refer to them fewer times",
    };
  }
  return {
    offset: aliases[0]?.alias.range?.[0] ?? 0,
    message: `YAML error: ${text.split("\n")[0]}`,
    hint: "fix the YAML at this place",
  };
}

function within(inner: Range, outer: Range): boolean {
  return outer[0] <= inner[0] && inner[1] <= outer[2];
}
