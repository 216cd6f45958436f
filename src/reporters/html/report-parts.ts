/// <reference lib="dom" />
import type { ReportView } from "./report-address.js";
import type { CaseView, ReportIndex } from "./report-payload.js";

// The contract between the HTML report's page script (report-app.ts) and the parts it is given:
// types only, so nothing here reaches the page.

/** Makes an element: `text` sets its textContent, other keys are attributes; children are nodes or text. */
export type Make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Record<string, string>,
  ...children: Array<Node | string | null | undefined | false>
) => HTMLElementTagNameMap[K];

/** The page's DOM helpers, shared with the parts below. */
export interface Kit {
  make: Make;
  /** A table with these column headings and an empty body to fill. */
  table(headings: string[], className?: string): { table: HTMLTableElement; body: HTMLTableSectionElement };
}

/** What the page shows a prompt × provider's cases with: the filters by prompt, version and provider. */
export type ShowCases = (filters: { prompt: string; version: string; provider: string }) => void;

/** The parts drawn by functions of their own, passed in so each file keeps to one job. */
export interface ReportParts {
  /** The DOM helpers (report-kit.ts). */
  kit(): Kit;
  /** The header, the table per prompt × provider and the baseline's verdicts (report-summary.ts). */
  summary(data: ReportIndex, kit: Kit, show: ShowCases): HTMLElement[];
  /** One case's details (report-details.ts). */
  details(view: CaseView, kit: Kit): HTMLElement;
  /** The filters in the page's address (report-address.ts). */
  readAddress(hash: string): ReportView;
  writeAddress(view: ReportView): string;
}
