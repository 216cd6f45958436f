// Markdown that shows text as written: shared by the run summary and its sections.

export function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Text that Markdown shows as written: no emphasis, links, HTML or table breaks, on one line. */
export function inline(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").replace(/[\\`*_[\]<>|~&#]/g, (ch) => `\\${ch}`);
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
export function codeFence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  return text.includes("`") ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}
