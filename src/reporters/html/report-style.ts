// The HTML report's stylesheet, inlined: the page loads nothing (no fonts, no CDN).
export const REPORT_STYLE = `
:root{color-scheme:light dark;--fg:#1b1b1b;--muted:#5c5c5c;--line:#d8d8d8;--bg:#fff;--soft:#f4f4f4;--pass:#1b7f3a;--fail:#b00020;--warn:#a05a00;--add:#e6ffec;--del:#ffebe9;--err:#fff3d6}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--muted:#a0a0a0;--line:#3a3a3a;--bg:#161616;--soft:#222;--pass:#5fd07f;--fail:#ff6b7f;--warn:#f0a94b;--add:#12361e;--del:#4a1a1f;--err:#3d2e10}}
body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:1.5rem 2rem;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}h3,h4,h5{margin:.75rem 0 .25rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted)}.counts{font-size:1.1rem;font-weight:600;margin:.25rem 0}.counts.failed{color:var(--fail)}.counts.passed{color:var(--pass)}
.totals,.note,.facts,.shown{color:var(--muted)}.note{font-size:.9em;white-space:pre-wrap;overflow-wrap:anywhere}
.controls{position:sticky;top:0;background:var(--bg);padding:.6rem 0;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;border-bottom:1px solid var(--line);z-index:1}
.group{display:inline-flex;gap:.25rem}button,select,input{font:inherit;color:inherit;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:.25rem .5rem}
button{cursor:pointer}button:disabled{opacity:.5;cursor:default}.toggle[aria-pressed=false]{opacity:.55;text-decoration:line-through}.view.toggle[aria-pressed=false]{text-decoration:none}
input[type=search]{min-width:16rem}button.link{background:none;border:0;padding:0;text-align:left;color:inherit;text-decoration:underline dotted}
.mark{font-weight:700}.mark.pass{color:var(--pass)}.mark.fail{color:var(--fail)}.mark.error,.mark.allowed{color:var(--warn)}
.badge{margin-left:.5rem;font-size:.8em;border:1px solid var(--warn);color:var(--warn);border-radius:3px;padding:0 .3rem}
.pager{display:flex;gap:.75rem;align-items:center;margin:.5rem 0}.cell{white-space:nowrap}.cell-button{margin-right:.2rem}
.verdict-regressed td:nth-child(4){color:var(--fail);font-weight:600}.verdict-improved td:nth-child(4){color:var(--pass);font-weight:600}
.details{padding:.25rem .5rem .75rem;border-left:3px solid var(--line)}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:.5rem;margin:.25rem 0;max-height:30rem;overflow:auto}
.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}.diff .add{background:var(--add)}.diff .del{background:var(--del)}.diff .hunk{color:var(--muted)}
pre.error{color:var(--fail)}.change-regressed{border-color:var(--fail);color:var(--fail)}.change-improved{border-color:var(--pass);color:var(--pass)}
.cell-button.pass{background:var(--add)}.cell-button.fail{background:var(--del)}.cell-button.error{background:var(--err)}
`;
