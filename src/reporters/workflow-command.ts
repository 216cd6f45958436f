// GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the runner
// expects: data escapes %, CR and LF; property values also escape : and , which separate them.
// Used by the github reporter and by `validate --format github`.

const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** One command line; properties keep their order, undefined ones are left out. */
export function workflowCommand(
  command: "error" | "warning",
  properties: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties).flatMap(([name, value]) =>
    value === undefined ? [] : [`${name}=${escapeProperty(String(value))}`],
  );
  return `::${command} ${props.join(",")}::${escapeData(message)}`;
}
