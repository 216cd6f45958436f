import { Chalk, type ChalkInstance } from "chalk";

/** Colour only on a terminal (or with FORCE_COLOR), and never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function colourFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const disabled = (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.TERM === "dumb";
  const level = disabled ? 0 : forced || stream.isTTY ? 1 : 0;
  return new Chalk({ level });
}
