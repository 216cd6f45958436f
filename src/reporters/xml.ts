// XML 1.0 allows only tab, LF, CR and these ranges; anything else (ANSI escapes in a model's
// reply, NUL, lone surrogates, U+FFFE) makes the whole file unreadable to a CI's parser.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Text content: markup escaped, characters XML cannot hold replaced with U+FFFD. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, "\uFFFD").replace(/[&<>]/g, (ch) => ENTITIES[ch]!);
}

/** Attribute values also keep their line breaks and tabs, which parsers otherwise normalise to spaces. */
export function xmlAttribute(text: string): string {
  return text
    .replace(NOT_XML_CHAR, "\uFFFD")
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!)
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join("");
}
