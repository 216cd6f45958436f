/**
 * The variables a template sets, by scope, as Nunjucks keeps them: a `for` loop opens a frame,
 * `{% set %}` updates the nearest frame that already holds the name. Maps, so that no name (not
 * even `__proto__`) is special.
 */
export class Frame {
  private readonly variables = new Map<string, unknown>();
  constructor(readonly parent: Frame | undefined) {}

  lookup(name: string): unknown {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      const value = frame.variables.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** As Nunjucks: an assignment updates the enclosing frame that already holds the name. */
  assign(name: string, value: unknown): void {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      if (frame.variables.get(name) !== undefined) {
        frame.variables.set(name, value);
        return;
      }
    }
    this.variables.set(name, value);
  }

  define(name: string, value: unknown): void {
    this.variables.set(name, value);
  }
}
