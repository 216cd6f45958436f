/// <reference lib="dom" />
import type { Kit, ShowCases } from "./report-app.js";
import type { ReportIndex } from "./report-payload.js";

// The top of the HTML report: the counts, a table per prompt × provider (a click shows its cases)
// and, for a --baseline run, the verdicts. Inlined into the page like report-app.ts, so it uses
// nothing but its parameters and the DOM.

export function renderSummary(data: ReportIndex, { make, table }: Kit, show: ShowCases): HTMLElement[] {
  const count = (n: number) => n.toLocaleString("en-US");
  const header = make(
    "header",
    {},
    make("h1", { text: "promptops test report" }),
    make("p", { class: data.failedRun ? "counts failed" : "counts passed", id: "counts", text: data.counts }),
    make("p", { class: "totals", text: data.totals.join(" · ") }),
  );
  const groups = table(
    ["prompt", "provider", "passed", "failed", "errors", "pass rate", "tokens", "cost", "mean latency"],
    "groups",
  );
  for (const g of data.groups) {
    const button = make("button", {
      type: "button",
      class: "link",
      text: g.prompt,
      title: "show these cases",
    });
    button.addEventListener("click", () => {
      show({ prompt: g.promptId, version: g.version, provider: g.provider });
    });
    const row = make("tr", { class: g.failed + g.errors > 0 ? "has-problems" : "" }, make("td", {}, button));
    const texts = [
      g.provider,
      count(g.passed),
      count(g.failed),
      count(g.errors),
      g.passRate,
      g.tokens,
      g.cost,
      g.latency,
    ];
    row.append(...texts.map((text) => make("td", { text })));
    groups.body.append(row);
  }
  const sections: HTMLElement[] = [
    header,
    make("section", { "aria-label": "summary" }, make("h2", { text: "By prompt × provider" }), groups.table),
  ];

  if (data.baseline) {
    const b = data.baseline;
    const verdicts = table(
      [
        "prompt",
        "provider",
        "versions",
        "verdict",
        "cases",
        "pass rate",
        "score",
        "tokens",
        "cost",
        "latency",
      ],
      "verdicts",
    );
    for (const v of b.verdicts) {
      const row = make("tr", { class: `verdict-${v.verdict}` });
      const texts = [
        v.prompt,
        v.provider,
        v.versions,
        v.verdict,
        v.counts,
        v.passRate,
        v.score,
        v.tokens,
        v.cost,
        v.latency,
      ];
      row.append(...texts.map((text) => make("td", { text })));
      verdicts.body.append(row);
    }
    const missing = make("ul", { class: "missing" });
    for (const m of b.missing)
      missing.append(make("li", { text: `no baseline for ${m.prompt}: ${m.reason}` }));
    sections.push(
      make(
        "section",
        { "aria-label": "baseline" },
        make("h2", { text: `Baseline ${b.ref}` }),
        verdicts.table,
        missing,
      ),
    );
  }
  return sections;
}
