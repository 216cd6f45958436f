/// <reference lib="dom" />

import type { ReportParts, ShowCases } from "./report-parts.js";
import type { CaseSummary, CaseView, ReportIndex } from "./report-payload.js";

// The HTML report's page script. format-html-report.ts inlines this function's source text into the
// page, so it must stand alone: it uses nothing from this module's scope, only its parameter and
// the browser's DOM. Every text, the model's output above all, reaches the page through
// textContent or a text node, never as markup.
//
// It draws from the run's index (a few short fields a case), which comes before it in the page. The
// cases' full results (outputs, diffs, assertions: most of a large page) come after it, and are read
// only when a case is opened or searched, so a report of 10,000 cases shows its first page without
// waiting for them.

export type { Kit, Make, ReportParts, ShowCases } from "./report-parts.js";

export function reportApp(parts: ReportParts): void {
  const PAGE_SIZE = 100;
  const STATUS_NAMES = { fail: "failed", error: "errors", pass: "passed" } as const;
  const MARKS = { pass: "✓", fail: "✗", error: "!" } as const;
  type Status = keyof typeof MARKS;

  const kit = parts.kit();
  const { make } = kit;
  const count = (n: number) => n.toLocaleString("en-US");

  const data = JSON.parse(document.getElementById("report-index")?.textContent ?? "{}") as ReportIndex;
  const root = document.getElementById("report") as HTMLElement;
  let details: CaseView[] | undefined;
  let waiting = false;
  /** Whether the full results are read; if the page is still arriving, draws again once it has. */
  function detailsReady(): boolean {
    if (details) return true;
    if (document.readyState === "loading") {
      if (!waiting) document.addEventListener("DOMContentLoaded", () => renderCases(), { once: true });
      waiting = true;
      return false;
    }
    details = JSON.parse(document.getElementById("report-data")?.textContent ?? "[]") as CaseView[];
    return true;
  }

  // Failures first (those that fail the run, then allowed ones), each group in run order.
  const rank = (v: CaseSummary) => (v.status === "pass" ? 2 : v.allowed ? 1 : 0);
  const ordered = [...data.cases].sort((a, b) => rank(a) - rank(b) || a.i - b.i);
  // Lower-cased text of each case for the search box, made at the first search.
  const haystacks = new Map<CaseSummary, string>();
  const haystack = (v: CaseSummary) => {
    let text = haystacks.get(v);
    if (text === undefined) {
      const { result, problems } = details![v.i]!;
      const { toolCalls } = result as { toolCalls?: Array<{ name: string }> };
      const called = Array.isArray(toolCalls) ? toolCalls.map((call) => call.name) : [];
      text = [v.label, v.test, v.provider, result.output, result.error ?? "", ...problems, ...called]
        .join("\n")
        .toLowerCase();
      haystacks.set(v, text);
    }
    return text;
  };
  const distinct = (pick: (v: CaseSummary) => string) => [...new Set(data.cases.map(pick))];
  const providers = distinct((v) => v.provider);

  // As the address asks (a reloaded or shared view), keeping only the values this run has.
  const asked = parts.readAddress(location.hash);
  const known = (value: string, values: string[]) => (values.includes(value) ? value : "");
  const state = {
    statuses: new Set<Status>((Object.keys(MARKS) as Status[]).filter((s) => asked.statuses.includes(s))),
    prompt: known(
      asked.prompt,
      distinct((v) => v.prompt),
    ),
    provider: known(asked.provider, providers),
    version: known(
      asked.version,
      distinct((v) => v.version),
    ),
    change: known(asked.change, ["regressed", "improved"]),
    query: asked.query,
    view: asked.view,
    page: asked.page,
    open: new Set<CaseSummary>(),
  };
  const needle = () => state.query.trim().toLowerCase();

  // The run's summary, per prompt × provider, and the baseline's verdicts: drawn once.
  const sections = parts.summary(data, kit, setFilters);

  // --- filters.
  const statusButtons = (Object.keys(STATUS_NAMES) as Status[]).map((status) => {
    const n = data.cases.filter((v) => v.status === status).length;
    const button = make("button", {
      type: "button",
      class: `toggle ${status}`,
      "aria-pressed": String(state.statuses.has(status)),
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
  const select = (label: string, options: string[], key: "prompt" | "provider" | "version" | "change") => {
    const node = make(
      "select",
      { "aria-label": label },
      make("option", { value: "", text: `every ${label}` }),
    );
    for (const option of options) node.append(make("option", { value: option, text: option }));
    node.value = state[key];
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
      distinct((v) => v.prompt),
      "prompt",
    ),
    provider: select("provider", providers, "provider"),
    version: select(
      "version",
      distinct((v) => v.version),
      "version",
    ),
    // In a --baseline run: only the cases that regressed, or improved.
    change: select(
      "change",
      ["regressed", "improved"].filter((c) => data.cases.some((v) => v.change === c)),
      "change",
    ),
  };
  const search = make("input", {
    type: "search",
    placeholder: "search tests, outputs, errors",
    "aria-label": "search",
  });
  search.value = state.query;
  search.addEventListener("input", () => {
    state.query = search.value;
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
  function setFilters(filters: Parameters<ShowCases>[0]) {
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
    data.baseline ? selects.change : null,
    search,
    make("div", { class: "group", role: "group", "aria-label": "view" }, ...viewButtons),
  );

  // --- the cases: a page at a time, as a list or a matrix of tests × providers.
  const results = make("section", { id: "cases", "aria-label": "cases" });
  const matches = (v: CaseSummary) =>
    state.statuses.has(v.status) &&
    (!state.prompt || v.prompt === state.prompt) &&
    (!state.provider || v.provider === state.provider) &&
    (!state.version || v.version === state.version) &&
    (!state.change || v.change === state.change) &&
    (!needle() || haystack(v).includes(needle()));

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

  const mark = (v: CaseSummary) =>
    make("span", {
      class: `mark ${v.status}${v.allowed ? " allowed" : ""}`,
      title: v.status,
      text: MARKS[v.status],
    });

  function renderList(views: CaseSummary[]) {
    const { table: list, body } = kit.table(
      ["", "test", "prompt", "provider", "latency", "tokens", "cost"],
      "cases",
    );
    for (const v of views.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      const title = make("button", {
        type: "button",
        class: "link",
        "aria-expanded": String(state.open.has(v)),
        text: v.test,
      });
      const row = make(
        "tr",
        { class: `case ${v.status}` },
        make("td", {}, mark(v)),
        make(
          "td",
          {},
          title,
          v.allowed ? make("span", { class: "badge", text: "allowed to fail" }) : null,
          // Against a baseline, what moved: a regression or an improvement, at a glance.
          v.change ? make("span", { class: `badge change-${v.change}`, text: v.change }) : null,
          v.note ? make("div", { class: "note", text: v.note }) : null,
        ),
        make("td", { text: v.label }),
        make("td", { text: v.provider }),
        make("td", { text: v.cached ? `${v.latency} (cached)` : v.latency }),
        make("td", { text: v.tokens }),
        make("td", { text: v.cost }),
      );
      body.append(row);
      if (state.open.has(v))
        body.append(
          make(
            "tr",
            { class: "details-row" },
            make("td", { colspan: "7" }, parts.details(details![v.i]!, kit)),
          ),
        );
      title.addEventListener("click", () => {
        if (state.open.has(v)) state.open.delete(v);
        else state.open.add(v);
        renderCases();
      });
    }
    return list;
  }

  type MatrixRow = { label: string; test: string; cells: Map<string, CaseSummary[]> };
  /** One row per prompt version × test, one column per provider, in the order of `views`. */
  function matrixRows(views: CaseSummary[]): MatrixRow[] {
    const rows = new Map<string, MatrixRow>();
    for (const v of views) {
      const key = JSON.stringify([v.label, v.test]);
      let row = rows.get(key);
      if (!row) {
        row = { label: v.label, test: v.test, cells: new Map() };
        rows.set(key, row);
      }
      const cell = row.cells.get(v.provider) ?? [];
      cell.push(v);
      row.cells.set(v.provider, cell);
    }
    return [...rows.values()];
  }

  function renderMatrix(views: CaseSummary[], all: MatrixRow[]) {
    const columns = providers.filter((p) => views.some((v) => v.provider === p));
    const { table: matrix, body } = kit.table(["prompt", "test", ...columns], "matrix");
    for (const row of all.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      const tr = make(
        "tr",
        {},
        make("td", { text: row.label }),
        make("th", { scope: "row", text: row.test }),
      );
      const opened: CaseSummary[] = [];
      for (const provider of columns) {
        const td = make("td", { class: "cell" });
        for (const v of row.cells.get(provider) ?? []) {
          const button = make(
            "button",
            {
              type: "button",
              class: `cell-button ${v.status}`,
              "aria-expanded": String(state.open.has(v)),
              "aria-label": `${row.test} on ${provider}: ${v.status}`,
            },
            mark(v),
            v.passRate === undefined ? "" : ` ${Math.round(v.passRate * 100)}%`,
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
              make("h3", { text: `${v.test} [${v.provider}]` }),
              parts.details(details![v.i]!, kit),
            ),
          ),
        );
    }
    return matrix;
  }

  function showAddress() {
    const statuses = (Object.keys(STATUS_NAMES) as Status[]).filter((s) => state.statuses.has(s));
    const address = parts.writeAddress({ ...state, statuses });
    // replaceState: filtering is not a step the Back button should undo one at a time.
    if (address !== (location.hash || "#")) history.replaceState(null, "", address);
  }

  function renderCases() {
    if ((needle() || state.open.size > 0) && !detailsReady()) {
      results.replaceChildren(make("p", { class: "shown", text: "reading the cases' results…" }));
      showAddress();
      return;
    }
    const views = ordered.filter(matches);
    if (state.view === "list") {
      const nav = pager(views.length, "cases");
      results.replaceChildren(make("h2", { text: "Cases" }), nav, renderList(views));
    } else {
      const rows = matrixRows(views);
      const nav = pager(rows.length, "tests");
      results.replaceChildren(make("h2", { text: "Tests × providers" }), nav, renderMatrix(views, rows));
    }
    showAddress();
  }

  renderCases();
  root.replaceChildren(...sections, controls, results);
  document.documentElement.dataset.ready = "true";
  performance.mark("report-ready");
}
