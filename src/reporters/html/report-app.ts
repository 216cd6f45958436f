/// <reference lib="dom" />
import type { CaseView, ReportPayload } from "./report-payload.js";

// The HTML report's page script. format-html-report.ts inlines this function's source text into the
// page, so it must stand alone: it uses nothing from this module's scope, only its parameter and
// the browser's DOM. Every text, the model's output above all, reaches the page through
// textContent or a text node, never as markup.

/** Makes an element: `text` sets its textContent, other keys are attributes; children are nodes or text. */
export type Make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Record<string, string>,
  ...children: Array<Node | string | null | undefined | false>
) => HTMLElementTagNameMap[K];

/** Renders one case's details (report-details.ts), passed in so each file keeps to one job. */
export type RenderDetails = (view: CaseView, make: Make) => HTMLElement;

export function reportApp(renderDetails: RenderDetails): void {
  const PAGE_SIZE = 100;
  const STATUS_NAMES = { fail: "failed", error: "errors", pass: "passed" } as const;
  const MARKS = { pass: "✓", fail: "✗", error: "!" } as const;
  type Status = keyof typeof MARKS;

  const make: Make = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children)
      if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  };
  const count = (n: number) => n.toLocaleString("en-US");
  const table = (headings: string[], className = "") =>
    make(
      "table",
      className ? { class: className } : {},
      make("thead", {}, make("tr", {}, ...headings.map((h) => make("th", { scope: "col", text: h })))),
    );

  const data = JSON.parse(document.getElementById("report-data")?.textContent ?? "{}") as ReportPayload;
  const root = document.getElementById("report") as HTMLElement;

  // Failures first (those that fail the run, then allowed ones), each group in run order.
  const rank = (v: CaseView) => (v.result.status === "pass" ? 2 : v.result.allowedFailure ? 1 : 0);
  const ordered = data.cases
    .map((view, index) => ({ view, index }))
    .sort((a, b) => rank(a.view) - rank(b.view) || a.index - b.index)
    .map(({ view }) => view);
  // Lower-cased text of each case for the search box, made at the first search.
  const haystacks = new Map<CaseView, string>();
  const haystack = (v: CaseView) => {
    let text = haystacks.get(v);
    if (text === undefined) {
      const r = v.result;
      text = [v.label, r.test, r.provider, r.output, r.error ?? "", ...v.problems].join("\n").toLowerCase();
      haystacks.set(v, text);
    }
    return text;
  };
  const distinct = (pick: (v: CaseView) => string) => [...new Set(data.cases.map(pick))];
  const providers = distinct((v) => v.result.provider);

  const state = {
    statuses: new Set<Status>(["fail", "error", "pass"]),
    prompt: "",
    provider: "",
    version: "",
    search: "",
    view: "list" as "list" | "matrix",
    page: 0,
    open: new Set<CaseView>(),
  };

  // --- the run's summary, per prompt × provider, and the baseline's verdicts: drawn once.
  const header = make(
    "header",
    {},
    make("h1", { text: "promptops test report" }),
    make("p", { class: data.failedRun ? "counts failed" : "counts passed", id: "counts", text: data.counts }),
    make("p", { class: "totals", text: data.totals.join(" · ") }),
  );
  const groupTable = table(
    ["prompt", "provider", "passed", "failed", "errors", "pass rate", "tokens", "cost", "mean latency"],
    "groups",
  );
  const groupBody = make("tbody");
  for (const g of data.groups) {
    const show = make("button", { type: "button", class: "link", text: g.prompt, title: "show these cases" });
    show.addEventListener("click", () => {
      setFilters({ prompt: g.promptId, version: g.version, provider: g.provider });
    });
    const row = make("tr", { class: g.failed + g.errors > 0 ? "has-problems" : "" }, make("td", {}, show));
    for (const text of [
      g.provider,
      count(g.passed),
      count(g.failed),
      count(g.errors),
      g.passRate,
      g.tokens,
      g.cost,
      g.latency,
    ])
      row.append(make("td", { text }));
    groupBody.append(row);
  }
  groupTable.append(groupBody);
  const sections: HTMLElement[] = [
    header,
    make("section", { "aria-label": "summary" }, make("h2", { text: "By prompt × provider" }), groupTable),
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
    const body = make("tbody");
    for (const v of b.verdicts) {
      const row = make("tr", { class: `verdict-${v.verdict}` });
      for (const text of [
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
      ])
        row.append(make("td", { text }));
      body.append(row);
    }
    verdicts.append(body);
    const missing = make("ul", { class: "missing" });
    for (const m of b.missing)
      missing.append(make("li", { text: `no baseline for ${m.prompt}: ${m.reason}` }));
    sections.push(
      make(
        "section",
        { "aria-label": "baseline" },
        make("h2", { text: `Baseline ${b.ref}` }),
        verdicts,
        missing,
      ),
    );
  }

  // --- filters.
  const statusButtons = (Object.keys(STATUS_NAMES) as Status[]).map((status) => {
    const n = data.cases.filter((v) => v.result.status === status).length;
    const button = make("button", {
      type: "button",
      class: `toggle ${status}`,
      "aria-pressed": "true",
      "data-status": status,
      text: `${STATUS_NAMES[status]} (${count(n)})`,
    });
    button.addEventListener("click", () => {
      if (state.statuses.has(status)) state.statuses.delete(status);
      else state.statuses.add(status);
      button.setAttribute("aria-pressed", String(state.statuses.has(status)));
      state.page = 0;
      renderCases();
    });
    return button;
  });
  const select = (label: string, options: string[], key: "prompt" | "provider" | "version") => {
    const node = make(
      "select",
      { "aria-label": label },
      make("option", { value: "", text: `every ${label}` }),
    );
    for (const option of options) node.append(make("option", { value: option, text: option }));
    node.addEventListener("change", () => {
      state[key] = node.value;
      state.page = 0;
      renderCases();
    });
    return node;
  };
  const selects = {
    prompt: select(
      "prompt",
      distinct((v) => v.result.prompt),
      "prompt",
    ),
    provider: select("provider", providers, "provider"),
    version: select(
      "version",
      distinct((v) => v.version),
      "version",
    ),
  };
  const search = make("input", {
    type: "search",
    placeholder: "search tests, outputs, errors",
    "aria-label": "search",
  });
  search.addEventListener("input", () => {
    state.search = search.value.trim().toLowerCase();
    state.page = 0;
    renderCases();
  });
  const viewButtons = (["list", "matrix"] as const).map((view) => {
    const button = make("button", {
      type: "button",
      class: "toggle view",
      "aria-pressed": String(state.view === view),
      text: view === "list" ? "List" : "Matrix",
    });
    button.addEventListener("click", () => {
      state.view = view;
      state.page = 0;
      for (const b of viewButtons) b.setAttribute("aria-pressed", String(b === button));
      renderCases();
    });
    return button;
  });
  function setFilters(filters: { prompt: string; version: string; provider: string }) {
    for (const key of ["prompt", "version", "provider"] as const) {
      state[key] = filters[key];
      selects[key].value = filters[key];
    }
    state.page = 0;
    renderCases();
    results.scrollIntoView();
  }
  const controls = make(
    "section",
    { class: "controls", "aria-label": "filters" },
    make("div", { class: "group", role: "group", "aria-label": "status" }, ...statusButtons),
    selects.prompt,
    selects.version,
    selects.provider,
    search,
    make("div", { class: "group", role: "group", "aria-label": "view" }, ...viewButtons),
  );

  // --- the cases: a page at a time, as a list or a matrix of tests × providers.
  const results = make("section", { id: "cases", "aria-label": "cases" });
  const matches = (v: CaseView) =>
    state.statuses.has(v.result.status) &&
    (!state.prompt || v.result.prompt === state.prompt) &&
    (!state.provider || v.result.provider === state.provider) &&
    (!state.version || v.version === state.version) &&
    (!state.search || haystack(v).includes(state.search));

  function pager(total: number, noun: string): HTMLElement {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const from = total === 0 ? 0 : state.page * PAGE_SIZE + 1;
    const to = Math.min(total, (state.page + 1) * PAGE_SIZE);
    const move = (by: number, text: string) => {
      const button = make("button", { type: "button", text });
      button.disabled = state.page + by < 0 || state.page + by >= pages;
      button.addEventListener("click", () => {
        state.page += by;
        renderCases();
      });
      return button;
    };
    const shown = make("span", {
      class: "shown",
      text: total === 0 ? `no ${noun} match` : `${count(from)}–${count(to)} of ${count(total)} ${noun}`,
    });
    return make(
      "nav",
      { class: "pager", "aria-label": "pages" },
      move(-1, "‹ previous"),
      shown,
      move(1, "next ›"),
    );
  }

  const mark = (v: CaseView) =>
    make("span", {
      class: `mark ${v.result.status}${v.result.allowedFailure ? " allowed" : ""}`,
      title: v.result.status,
      text: MARKS[v.result.status],
    });

  function renderList(views: CaseView[]) {
    const list = table(["", "test", "prompt", "provider", "latency", "tokens", "cost"], "cases");
    const body = make("tbody");
    for (const v of views.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      const r = v.result;
      const title = make("button", {
        type: "button",
        class: "link",
        "aria-expanded": String(state.open.has(v)),
        text: r.test,
      });
      const note = v.problems[0] ?? v.repeats;
      const row = make(
        "tr",
        { class: `case ${r.status}` },
        make("td", {}, mark(v)),
        make(
          "td",
          {},
          title,
          r.allowedFailure ? make("span", { class: "badge", text: "allowed to fail" }) : null,
          note ? make("div", { class: "note", text: note }) : null,
        ),
        make("td", { text: v.label }),
        make("td", { text: r.provider }),
        make("td", { text: r.cached ? `${v.latency} (cached)` : v.latency }),
        make("td", { text: v.tokens }),
        make("td", { text: v.cost }),
      );
      body.append(row);
      if (state.open.has(v))
        body.append(
          make("tr", { class: "details-row" }, make("td", { colspan: "7" }, renderDetails(v, make))),
        );
      title.addEventListener("click", () => {
        if (state.open.has(v)) state.open.delete(v);
        else state.open.add(v);
        renderCases();
      });
    }
    list.append(body);
    return list;
  }

  type MatrixRow = { label: string; test: string; cells: Map<string, CaseView[]> };
  /** One row per prompt version × test, one column per provider, in the order of `views`. */
  function matrixRows(views: CaseView[]): MatrixRow[] {
    const rows = new Map<string, MatrixRow>();
    for (const v of views) {
      const key = JSON.stringify([v.label, v.result.test]);
      let row = rows.get(key);
      if (!row) {
        row = { label: v.label, test: v.result.test, cells: new Map() };
        rows.set(key, row);
      }
      const cell = row.cells.get(v.result.provider) ?? [];
      cell.push(v);
      row.cells.set(v.result.provider, cell);
    }
    return [...rows.values()];
  }

  function renderMatrix(views: CaseView[], all: MatrixRow[]) {
    const columns = providers.filter((p) => views.some((v) => v.result.provider === p));
    const matrix = table(["prompt", "test", ...columns], "matrix");
    const body = make("tbody");
    for (const row of all.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      const tr = make(
        "tr",
        {},
        make("td", { text: row.label }),
        make("th", { scope: "row", text: row.test }),
      );
      const opened: CaseView[] = [];
      for (const provider of columns) {
        const td = make("td", { class: "cell" });
        for (const v of row.cells.get(provider) ?? []) {
          const button = make(
            "button",
            {
              type: "button",
              class: `cell-button ${v.result.status}`,
              "aria-expanded": String(state.open.has(v)),
              "aria-label": `${row.test} on ${provider}: ${v.result.status}`,
            },
            mark(v),
            v.result.repeats ? ` ${Math.round(v.result.repeats.passRate * 100)}%` : "",
          );
          button.addEventListener("click", () => {
            if (state.open.has(v)) state.open.delete(v);
            else state.open.add(v);
            renderCases();
          });
          td.append(button);
          if (state.open.has(v)) opened.push(v);
        }
        tr.append(td);
      }
      body.append(tr);
      for (const v of opened)
        body.append(
          make(
            "tr",
            { class: "details-row" },
            make(
              "td",
              { colspan: String(columns.length + 2) },
              make("h3", { text: `${v.result.test} [${v.result.provider}]` }),
              renderDetails(v, make),
            ),
          ),
        );
    }
    matrix.append(body);
    return matrix;
  }

  function renderCases() {
    const views = ordered.filter(matches);
    if (state.view === "list") {
      const nav = pager(views.length, "cases");
      results.replaceChildren(make("h2", { text: "Cases" }), nav, renderList(views));
    } else {
      const rows = matrixRows(views);
      const nav = pager(rows.length, "tests");
      results.replaceChildren(make("h2", { text: "Tests × providers" }), nav, renderMatrix(views, rows));
    }
  }

  renderCases();
  root.replaceChildren(...sections, controls, results);
  document.documentElement.dataset.ready = "true";
  performance.mark("report-ready");
}
