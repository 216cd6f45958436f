// One application instance of bench/fleet-rollback.mjs: loads prompts from a `promptops serve` URL,
// renders every millisecond, and reports on stdout (one JSON line each) when it is ready, when the
// version it renders changes (with the wall-clock time), and, at SIGTERM, how many renders failed.
// Usage: node bench/fleet-app.mjs <url> <pollMs>
const { loadPrompts } = await import("../dist/runtime/index.js");

const [url, pollMs] = [process.argv[2], Number(process.argv[3])];
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const errors = [];
const prompts = await loadPrompts({
  url,
  env: "production",
  pollMs,
  onError: (error) => errors.push(error.message),
});

let version = prompts.get("support-agent").version;
let renders = 0;
let failures = 0;
say({ kind: "ready", version });
const timer = setInterval(() => {
  try {
    const messages = prompts.messages("support-agent", { question: "Where is my refund?" });
    renders++;
    const rendered = Number(/\(v(\d+)\)/.exec(messages[0].content)[1]);
    if (rendered !== version) {
      version = rendered;
      say({ kind: "switched", version, at: Date.now() });
    }
  } catch {
    failures++;
  }
}, 1);
process.on("SIGTERM", () => {
  clearInterval(timer);
  say({ kind: "done", renders, failures, errors });
  process.exit(0);
});
