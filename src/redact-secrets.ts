/**
 * The one policy for secrets in anything promptops keeps or shows: reports, the response cache,
 * run history, error messages. A provider can echo a key back (a proxy's error page, a model
 * repeating its request headers, an exec command's stderr), and those files end up in CI logs,
 * artifacts and sometimes commits.
 *
 * Two nets: the exact values of the keys this process uses (rememberSecrets, called when a
 * provider is created), and the shapes of the keys and tokens people paste everywhere.
 */

/** What an OpenAI or Anthropic key becomes: readers still see that a key was there. */
export const REDACTED = "sk-…[redacted]";
const HIDDEN = "[redacted]";

// Shorter values are not worth hiding and would blank out ordinary words.
const MIN_SECRET_LENGTH = 8;
// Token characters: base64(url), JWTs, hex. Excludes "…" and "[", so a redacted value stays put.
const TOKEN = "[A-Za-z0-9._~+/=-]";

const SHAPES: Array<[RegExp, string]> = [
  // OpenAI sk-… and sk-proj-…, Anthropic sk-ant-…; 20+ so that "sk-learn-pipeline" is left alone.
  [/\bsk-[A-Za-z0-9_-]{20,}/g, REDACTED],
  // Google API keys: AIza and 35 more.
  [/\bAIza[0-9A-Za-z_-]{35}/g, HIDDEN],
  // Authorization: Bearer <token>, whoever issued it.
  [new RegExp(`\\bBearer\\s+${TOKEN}{8,}`, "gi"), `Bearer ${HIDDEN}`],
  // Azure's api-key header (and the same name in query strings or JSON), APIM subscription keys.
  [
    new RegExp(
      `\\b(x-api-key|api[-_]?key|ocp-apim-subscription-key)(["']?\\s*[:=]\\s*["']?)${TOKEN}{8,}`,
      "gi",
    ),
    `$1$2${HIDDEN}`,
  ],
  // A PEM private key (a signing key), whatever kind: the markers stay, so a reader sees one was there.
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    `-----BEGIN $1PRIVATE KEY-----${HIDDEN}-----END $1PRIVATE KEY-----`,
  ],
  // Azure keys are 32 hex digits, the shape of every MD5 and dashless UUID a model may rightly
  // write: they are caught by their exact value (the run's own keys) and by the header names
  // above, never by shape alone, so that an assertion on a digest still sees the digest.
];

const remembered = new Set<string>();
let exactValues: RegExp | undefined;

/**
 * Values this process must never write anywhere, e.g. the API keys of the providers it created.
 * Process-wide on purpose: the reporters and the run record see results, not providers.
 */
export function rememberSecrets(values: Iterable<string | undefined>): void {
  let added = false;
  for (const value of values) {
    const secret = value?.trim();
    if (!secret || secret.length < MIN_SECRET_LENGTH || remembered.has(secret)) continue;
    remembered.add(secret);
    added = true;
  }
  if (added) exactValues = exactPattern(remembered);
}

// Names of environment variables that hold credentials: OPENAI_API_KEY, AZURE_OPENAI_KEY,
// GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY. An exec provider's command inherits all of them. Only names
// that end so: TOKEN_MODE=production must not blank out every "production" in a report.
const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD)$/i;

/** The values of `env`'s credential-named variables, and of the variables named in `names`. */
export function secretsInEnv(
  env: Readonly<Record<string, string | undefined>>,
  names: readonly string[] = [],
): string[] {
  const wanted = new Set(names);
  return Object.entries(env).flatMap(([name, value]) =>
    value !== undefined && (wanted.has(name) || (SECRET_NAME.test(name) && /^\S+$/.test(value)))
      ? [value]
      : [],
  );
}

/** One piece of text without the remembered secrets, the `extra` ones, and key-shaped strings. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let clean = text;
  const own = extra.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (own.length > 0) clean = clean.replace(exactPattern(own), HIDDEN);
  if (exactValues) clean = clean.replace(exactValues, HIDDEN);
  for (const [shape, replacement] of SHAPES) clean = clean.replace(shape, replacement);
  return clean;
}

/**
 * Every string of a JSON-like value, redacted. Applied before formatting: once escaped ("\nsk-…"
 * in JSON, "%0Ask-…" in annotations) a key no longer starts at a word boundary.
 */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, (text) => redactSecrets(text));
}

/** A copy of a JSON-like value with `fn` applied to every string in it (keys excepted). */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
  if (typeof value === "string") return fn(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // A `__proto__` key (a model's tool call arguments may have one) stays a key: assigning it
      // would set the copy's prototype and drop it. Defined only then: assignment is faster.
      if (key === "__proto__")
        Object.defineProperty(out, key, {
          value: mapStrings(item, fn),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = mapStrings(item, fn);
    }
    return out as T;
  }
  return value;
}

/** One alternation of the values, longest first, so a key that contains another goes whole. */
function exactPattern(values: Iterable<string>): RegExp {
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
}
