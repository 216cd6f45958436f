// A strict little XML 1.0 reader for the JUnit tests: elements, attributes, text, the five
// predefined entities and character references. It throws on anything a CI's parser would
// reject (unbalanced tags, bare & or <, unquoted or repeated attributes, illegal characters).

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The decoded text directly inside this element. */
  text: string;
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const isSpace = (ch: string | undefined) => ch === " " || ch === "\n" || ch === "\r" || ch === "\t";
const isNameChar = (ch: string | undefined) => ch !== undefined && !isSpace(ch) && !"<>/=\"'&?!".includes(ch);

export function parseXml(source: string): XmlElement {
  for (const ch of source) {
    if (!isXmlChar(ch.codePointAt(0)!))
      throw new Error(`illegal character U+${ch.codePointAt(0)!.toString(16)}`);
  }
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${pos}: ${JSON.stringify(source.slice(pos, pos + 30))}`);
  };
  const skipSpace = () => {
    while (isSpace(source[pos])) pos++;
  };
  const readName = () => {
    const start = pos;
    while (isNameChar(source[pos])) pos++;
    if (pos === start) fail("expected a name");
    return source.slice(start, pos);
  };
  const decode = (raw: string, inAttribute: boolean): string => {
    let out = "";
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i]!;
      if (ch === "<") fail("bare < in text");
      if (inAttribute && ch === '"') fail('bare " in attribute');
      if (ch !== "&") {
        out += ch;
        continue;
      }
      const end = raw.indexOf(";", i);
      if (end < 0) fail("bare &");
      const entity = raw.slice(i + 1, end);
      if (entity.startsWith("#x")) out += String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      else if (entity.startsWith("#")) out += String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
      else if (entity in PREDEFINED) out += PREDEFINED[entity];
      else fail(`unknown entity &${entity};`);
      i = end;
    }
    return out;
  };

  if (source.startsWith("<?xml")) {
    pos = source.indexOf("?>");
    if (pos < 0) fail("unterminated declaration");
    pos += 2;
  }
  skipSpace();

  const readElement = (): XmlElement => {
    if (source[pos] !== "<") fail("expected <");
    pos++;
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: "" };
    for (;;) {
      const before = pos;
      skipSpace();
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return element;
      }
      if (source[pos] === ">") {
        pos++;
        break;
      }
      if (pos === before) fail("expected a space before the attribute");
      const name = readName();
      if (name in element.attributes) fail(`repeated attribute ${name}`);
      if (source[pos] !== "=" || source[pos + 1] !== '"') fail('expected ="');
      const end = source.indexOf('"', pos + 2);
      if (end < 0) fail("unterminated attribute");
      element.attributes[name] = decode(source.slice(pos + 2, end), true);
      pos = end + 1;
    }
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) fail(`unclosed <${element.name}>`);
      element.text += decode(source.slice(pos, next), false);
      pos = next;
      if (source.startsWith("</", pos)) {
        pos += 2;
        const name = readName();
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`);
        skipSpace();
        if (source[pos] !== ">") fail("expected >");
        pos++;
        return element;
      }
      element.children.push(readElement());
    }
  };

  const root = readElement();
  skipSpace();
  if (pos !== source.length) fail("content after the root element");
  return root;
}
