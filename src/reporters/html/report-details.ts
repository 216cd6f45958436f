/// <reference lib="dom" />
import type { Kit } from "./report-app.js";
import type { CaseView } from "./report-payload.js";

// One case's details in the HTML report: inlined into the page like report-app.ts, so it too uses
// nothing but its parameters and the DOM, and sets every text through `make` (textContent).

export function renderCaseDetails(view: CaseView, { make, table }: Kit): HTMLElement {
  const r = view.result;
  const box = make("div", { class: "details" });
  const heading = (text: string) => make("h4", { text });
  const pre = (text: string, className = "") => make("pre", className ? { class: className } : {}, text);
  const rows = (headings: string[], cells: string[][], className: string) => {
    const filled = table(headings, className);
    for (const row of cells) filled.body.append(make("tr", {}, ...row.map((text) => make("td", { text }))));
    return filled.table;
  };

  const facts = [`${view.label} · ${r.provider} · ${r.status}`];
  if (r.allowedFailure) facts.push("allowed to fail");
  if (r.location) facts.push(`${r.location.file}:${r.location.line}`);
  box.append(make("p", { class: "facts", text: facts.join(" · ") }));
  if (r.error) box.append(heading("Error"), pre(r.error, "error"));
  if (r.assertions.length > 0) {
    const cells = r.assertions.map((a) => [a.pass ? "✓" : "✗", a.type, a.score.toFixed(2), a.message]);
    box.append(heading("Assertions"), rows(["", "assertion", "score", "message"], cells, "assertions"));
  }
  if (r.boundary) {
    const b = r.boundary;
    const refused = b.rejectedBySchema ? " (rejected by the variable schema: not sent)" : "";
    box.append(make("p", { text: `boundary input ${b.input} (${b.category}) for ${b.variable}${refused}` }));
  }
  if (r.repeats && view.repeats) {
    const cells = r.repeats.samples.map((s) => [
      String(s.sample),
      s.status,
      s.score.toFixed(2),
      `${Math.round(s.latencyMs)}ms`,
      // The first 200 characters, cut between code points (never half an emoji).
      s.error ?? Array.from(s.output).slice(0, 200).join(""),
    ]);
    box.append(
      heading(`Repeats: ${view.repeats}`),
      rows(["sample", "status", "score", "latency", "output"], cells, "samples"),
    );
  }
  // Tool calls the model made (`toolCalls: [{ name, args }]`), in results that have them.
  const { toolCalls } = r as { toolCalls?: Array<{ name: string; args: unknown }> };
  if (Array.isArray(toolCalls) && toolCalls.length > 0) {
    box.append(heading("Tool calls"));
    const list = make("ol", { class: "tool-calls" });
    for (const call of toolCalls)
      list.append(
        make(
          "li",
          {},
          make("code", { text: call.name }),
          // Arguments as the model wrote them when they are not JSON a provider could parse.
          pre(typeof call.args === "string" ? call.args : (JSON.stringify(call.args, null, 2) ?? "")),
        ),
      );
    box.append(list);
  }
  const b = r.baseline;
  if (b) {
    box.append(heading(`Against v${b.version}: ${b.change}`));
    box.append(make("p", { text: `v${b.version} ${b.status} → ${view.version} ${r.status}` }));
    if (b.error) box.append(heading(`Error on v${b.version}`), pre(b.error, "error"));
    if (view.delta) {
      const d = view.delta;
      box.append(
        rows(["score", "tokens", "cost", "latency"], [[d.score, d.tokens, d.cost, d.latency]], "deltas"),
      );
    }
    const side = (title: string, text: string) =>
      make("div", { class: "side" }, make("h5", { text: title }), pre(text));
    box.append(
      make(
        "div",
        { class: "side-by-side" },
        side(`v${b.version} (baseline)`, b.output),
        side(view.version, r.output),
      ),
    );
    if (b.diff !== "") {
      const diff = make("pre", { class: "diff" });
      for (const line of b.diff.replace(/\n$/, "").split("\n")) {
        const kind = line.startsWith("@@")
          ? "hunk"
          : line.startsWith("+")
            ? "add"
            : line.startsWith("-")
              ? "del"
              : "";
        diff.append(make("span", kind ? { class: kind } : {}, `${line}\n`));
      }
      box.append(heading("Diff"), diff);
    } else box.append(make("p", { text: "the same output on both versions" }));
    if (b.pairwise && b.pairwise.length > 0) {
      box.append(heading("Pairwise judgments"), make("p", { text: view.pairwise ?? "" }));
      const list = make("ul", { class: "pairwise" });
      for (const outcome of b.pairwise) {
        if ("error" in outcome) {
          list.append(make("li", { text: `${outcome.rubric}: not compared: ${outcome.error}` }));
          continue;
        }
        const consistent = outcome.consistent ? "" : " (the two orders disagreed)";
        const votes = make("ul", {});
        for (const vote of outcome.votes)
          votes.append(
            make("li", {
              text: `${vote.order}: ${vote.preferred}${vote.reasoning ? ` — ${vote.reasoning}` : ""}`,
            }),
          );
        list.append(make("li", { text: `${outcome.rubric}: ${outcome.winner} wins${consistent}` }, votes));
      }
      box.append(list);
    }
  } else box.append(heading("Output"), pre(r.output === "" ? "(no output)" : r.output, "output"));
  return box;
}
