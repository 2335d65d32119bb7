/** The HTML report's style sheet, inlined in the page (a Content-Security-Policy forbids loading one). */

/** The colour of the page's top border and icon: errors or unreadable inputs, other findings, none. */
export const STATUS_COLORS: Readonly<Record<'pass' | 'warn' | 'fail', string>> = {
  pass: '#2f9e44',
  warn: '#e8a200',
  fail: '#d1242f',
};

/**
 * The findings table's rows are grids rather than table rows so that the browser lays out only the rows on
 * screen (content-visibility): showing 6,000 findings again after a filter takes a fraction of a second instead
 * of several. The ARIA roles keep it a table for assistive technology.
 */
export const CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--link:#0b5cad;
--error:#d1242f;--warning:#b35900;--info:#0969da}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
.top{background:#fff;border-bottom:1px solid var(--line);border-top:6px solid ${STATUS_COLORS.pass};padding:20px 0 22px;margin-bottom:24px}
.top.warn{border-top-color:${STATUS_COLORS.warn}}.top.fail{border-top-color:${STATUS_COLORS.fail}}
.brand{margin:0;color:var(--muted);font-size:13px;letter-spacing:.02em;text-transform:uppercase}
h1{margin:4px 0 2px;font-size:28px;line-height:1.25}
h2{font-size:20px;margin:0 0 8px}
h3{font-size:16px;margin:0 0 2px}
.scanned{margin:0 0 16px;color:var(--muted)}
.jump{display:flex;flex-wrap:wrap;gap:6px 22px;margin:14px 0 0;font-size:14px;font-weight:600}
.jump a{text-decoration:none}.jump a:hover{text-decoration:underline}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.tile{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:10px 14px;display:flex;flex-direction:column}
.tile .num{font-size:28px;font-weight:700;line-height:1.2}
.tile .lbl{color:var(--muted);font-size:13px}
.tile.sev-error .num{color:var(--error)}.tile.sev-warning .num{color:var(--warning)}.tile.sev-info .num{color:var(--info)}.tile.muted .num{color:var(--muted)}
section{margin:0 0 28px}
#overview,.question,.alert,#findings,#suppressed{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px}
.question{margin:0 0 14px}
.question .meta{margin:0 0 10px;color:var(--muted);font-size:13px}
.hint{margin:0 0 8px;color:var(--muted);font-size:14px}
.alert{border-color:var(--error);background:#fff5f5}
.legend{list-style:none;margin:0 0 12px;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px}
.sw.review{background:#fff;border:1.5px dashed #8c959f}
.chart{display:block;overflow:visible}
.chart text{font-family:inherit;fill:var(--fg)}
.chart .lbl{font-size:15px}.chart .id{font-weight:700}
.chart .cnt{font-size:14px;fill:var(--muted)}
.chart .seg-n{font-size:12px;font-weight:700;fill:#fff}
.chart .track{fill:#eaeef2}
.chart .review{fill:#fff;stroke:#8c959f;stroke-width:1.5;stroke-dasharray:5 4}
.chart .review-t{fill:var(--muted);font-size:13px}
.chart .hit{fill:transparent}
.chart a:hover .hit,.chart a:focus .hit{fill:#f0f6fc}
.chart .review-row .lbl{fill:var(--muted)}
.chart .review-row .review-t{fill:var(--link)}
.overview .cnt{font-size:13px}
.filters{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:end;margin:6px 0 10px}
.filters label{display:flex;flex-direction:column;font-size:13px;color:var(--muted);gap:2px}
.filters select,.filters button{font:inherit;font-size:14px;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--fg)}
.filters button{cursor:pointer}
.shown{margin:0 0 8px;font-weight:600}
.table-wrap{overflow-x:auto}
table,thead,tbody{display:block}
table{min-width:760px;font-size:14px}
tr{display:grid;grid-template-columns:92px minmax(0,1fr) 220px 320px}
thead tr{border-bottom:2px solid var(--line)}
tbody tr{border-bottom:1px solid var(--line);content-visibility:auto;contain-intrinsic-size:auto 90px}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);padding:6px 8px}
td{padding:8px;overflow-wrap:anywhere}
.src code{font-size:12px}
.bp-cell{margin-top:4px;font-size:13px}
tr.is-suppressed td{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.sev-error{background:var(--error)}.badge.sev-warning{background:#bf6a02}.badge.sev-info{background:var(--info)}.badge.muted{background:#8c959f}
.supp{margin-top:4px}
.src,.res{color:var(--muted);font-size:13px}
.empty{color:var(--muted)}
details summary{cursor:pointer;color:var(--muted)}
footer{color:var(--muted);font-size:13px;padding-bottom:32px}
@media print{.filters{display:none}.top{border-top-width:0}tbody tr{content-visibility:visible}}
`;
