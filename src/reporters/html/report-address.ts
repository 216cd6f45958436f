// The HTML report's filters in the page's address (`report.html#status=fail&provider=openai%3Agpt-4o`),
// so a filtered view survives a reload and can be sent as a link. Inlined into the page like
// report-app.ts: these functions use nothing but their parameters.

/** What the address holds: the filters, the search as typed, the view and the page. */
export interface ReportView {
  statuses: string[];
  prompt: string;
  version: string;
  provider: string;
  change: string;
  query: string;
  view: "list" | "matrix";
  page: number;
}

/** `#…` for a view; what is as it starts (every status, no filter, the list's first page) is left out. */
export function writeAddress(view: ReportView): string {
  const params = new URLSearchParams();
  if (view.statuses.length < 3) params.set("status", view.statuses.join(","));
  for (const key of ["prompt", "version", "provider", "change", "query"] as const)
    if (view[key] !== "") params.set(key, view[key]);
  if (view.view === "matrix") params.set("view", "matrix");
  if (view.page > 0) params.set("page", String(view.page + 1));
  const text = params.toString();
  return text === "" ? "#" : `#${text}`;
}

/** The view an address asks for; what it does not say (or says wrongly) is as the page starts. */
export function readAddress(hash: string): ReportView {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const status = params.get("status");
  const page = Number(params.get("page"));
  return {
    statuses: status === null ? ["fail", "error", "pass"] : status.split(",").filter((s) => s !== ""),
    prompt: params.get("prompt") ?? "",
    version: params.get("version") ?? "",
    provider: params.get("provider") ?? "",
    change: params.get("change") ?? "",
    query: params.get("query") ?? "",
    view: params.get("view") === "matrix" ? "matrix" : "list",
    page: Number.isInteger(page) && page > 1 ? page - 1 : 0,
  };
}
