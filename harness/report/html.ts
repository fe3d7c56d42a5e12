import { answerDifferenceLines, keptFaultLines, replayModeText, reportedInvariants, shrunkFromText, violationsByInvariant } from './details.ts';
import { html } from './escape.ts';
import { secondsOfMs } from '../_internals/format.ts';
import { ledgerDiff } from './ledger-diff.ts';
import { exchangeLabel, harnessErrorText, LEDGER_MATCHES_CLEAN_REPLAY, runScopeText, VERDICTS, type RunReport, type ScenarioResult } from './model.ts';
import { renderTimelineSvg } from './timeline.ts';

const secs = (ms: number): string => secondsOfMs(ms, { unit: false });
const cell = (v: unknown): string => html(v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const anchor = (i: number): string => `scenario-${i}`;
const MAX_EVIDENCE_ROWS = 20;

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f5f6f8}
main{max-width:1080px;margin:0 auto;padding:16px 24px 48px}h1{font-size:20px;margin:8px 0}h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:18px 0 6px}
.banner{padding:14px 18px;border-radius:8px;color:#fff;font-size:18px;font-weight:600}.banner small{display:block;font-size:13px;font-weight:400;opacity:.92}
.v-passed{background:#1f7a3a}.v-failed{background:#b3261e}.v-errored,.v-nothing-ran,.v-nothing-checked,.v-interrupted{background:#9a5b00}
.meta{color:#555;font-size:12px;margin:6px 0 16px}table{border-collapse:collapse;background:#fff;margin:6px 0;font-size:13px}
th,td{border:1px solid #d9dce3;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef0f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.s-passed{color:#1f7a3a;font-weight:600}.s-failed{color:#b3261e;font-weight:600}.s-errored{color:#9a5b00;font-weight:600}
section.failure,section.errored{background:#fff;border:1px solid #d9dce3;border-left:5px solid #b3261e;border-radius:6px;padding:14px 18px;margin:18px 0}
section.errored{border-left-color:#9a5b00}ul.na{margin:0;padding-left:16px;color:#6b5300}ul.broken li{margin:2px 0}code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f0f2f5;padding:8px 10px;border-radius:4px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.replay{display:flex;gap:8px;align-items:flex-start}.replay pre{flex:1;margin:0}button{font:12px system-ui;padding:6px 10px;cursor:pointer}
.scroll{overflow-x:auto;border:1px solid #e3e5ea;border-radius:4px;background:#fcfcfd}
tr.expected td{background:#fdecea}tr.actual td{background:#e8f5ec}td.side{font-weight:600;white-space:nowrap}
.legend{font-size:12px;color:#444;margin:4px 0 8px}.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
svg.timeline text{font:11px system-ui,sans-serif;fill:#1d2330}svg.timeline .lane rect{fill:#e9edf5;stroke:#7a8599}
svg.timeline .lanet{font-weight:600;text-anchor:middle}svg.timeline .lanes{font-size:10px;fill:#555;text-anchor:middle}
svg.timeline .life{stroke:#9aa3b5;stroke-dasharray:4 4}svg.timeline .req{stroke:#334;stroke-width:1.6}
svg.timeline .req.dup{stroke:#c25e00;stroke-width:2.2}svg.timeline .req.redeliver{stroke:#6b3fa0;stroke-width:2.2;stroke-dasharray:7 3}
svg.timeline .ans{stroke:#334;stroke-dasharray:5 3;stroke-width:1.2}svg.timeline .ans.bad{stroke:#b3261e}svg.timeline .up{stroke:#0b6e8a;stroke-width:1.5}
svg.timeline .cross{stroke:#b3261e;stroke-width:3}svg.timeline .st.ok{fill:#1f7a3a}svg.timeline .st.bad,svg.timeline .tag.bad{fill:#b3261e;font-weight:600}
svg.timeline .tag.dup{fill:#c25e00;font-weight:600}svg.timeline .tag.redeliver{fill:#6b3fa0;font-weight:600}svg.timeline .muted{fill:#777}
svg.timeline .num{fill:#1d2330}svg.timeline .numt{fill:#fff;font-weight:600;text-anchor:middle}
svg.timeline .frame{fill:rgba(255,196,0,.07);stroke:#c99a00;stroke-width:1.2}svg.timeline .tab{fill:#fff4cc;stroke:#c99a00}
svg.timeline .partxt{font-weight:600;fill:#6d5300}svg.timeline .sep{stroke:#c99a00;stroke-dasharray:6 4}svg.timeline .note{fill:#6b3fa0;font-style:italic}
`;

const SCRIPT = `document.addEventListener('click',function(e){var b=e.target;if(!(b instanceof HTMLButtonElement)||!b.dataset.copy)return;
var t=document.getElementById(b.dataset.copy);if(!t)return;var s=t.textContent||'';
var done=function(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy'},1500)};
if(navigator.clipboard){navigator.clipboard.writeText(s).then(done,function(){})}else{var r=document.createRange();r.selectNodeContents(t);var sel=getSelection();if(sel){sel.removeAllRanges();sel.addRange(r)}}});`;

function genericTable(rows: readonly Record<string, unknown>[]): string {
  const shown = rows.slice(0, MAX_EVIDENCE_ROWS);
  const keys = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  if (keys.length === 0) return '';
  const more = rows.length > shown.length ? `<p class="meta">… ${rows.length - shown.length} more rows</p>` : '';
  return `<table class="evidence"><thead><tr>${keys.map((k) => `<th>${html(k)}</th>`).join('')}</tr></thead><tbody>${shown
    .map((r) => `<tr>${keys.map((k) => `<td>${cell(r[k])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>${more}`;
}

function ledgerDiffSection(r: ScenarioResult & { status: 'failed' }): string {
  const rows = ledgerDiff(r.counterexample.violations);
  if (rows.length === 0) {
    const checked = reportedInvariants(r).includes(LEDGER_MATCHES_CLEAN_REPLAY);
    return `<h3>Ledger diff</h3><p class="meta">${checked ? 'The ledger held the same postings as the clean replay.' : 'Not compared: the scenario does not run ledger-matches-clean-replay.'}</p>`;
  }
  const sorted = [...rows].sort((a, b) => a.reference.localeCompare(b.reference) || a.side.localeCompare(b.side));
  const body = sorted
    .map(
      (d) =>
        `<tr class="${d.side}"><td class="side">${d.side === 'expected' ? '− only in clean replay (expected)' : '+ only in actual'}</td>` +
        `<td class="n">${html(d.count)}</td><td>${html(d.account)}</td><td class="n">${html(d.amountMinor)}</td><td>${html(d.currency)}</td><td>${html(d.reference)}</td></tr>`,
    )
    .join('');
  return `<h3>Ledger diff: expected (clean replay) vs actual</h3><table class="ledger-diff"><thead><tr><th>side</th><th>×</th><th>account</th><th>amount (minor units)</th><th>currency</th><th>reference</th></tr></thead><tbody>${body}</tbody></table>`;
}

function failureSection(report: RunReport, r: ScenarioResult & { status: 'failed' }, i: number): string {
  const ce = r.counterexample;
  const broken = violationsByInvariant(ce.violations);
  const list = [...broken]
    .map(([name, vs]) => `<li><strong>${html(name)}</strong><ul>${vs.map((v) => `<li>${html(v.message)}</li>`).join('')}</ul></li>`)
    .join('');
  const evidence = ce.violations
    .filter((v) => v.evidence.length > 0)
    .map((v) => `<details><summary><code>${html(v.invariant)}</code>: ${html(v.message)}</summary>${genericTable(v.evidence)}</details>`)
    .join('');
  const svg = renderTimelineSvg(ce, (x) => exchangeLabel(report, r.scenario, x), {
    id: `tl${i}`,
    ...(ce.upstreamCalls ? { upstream: ce.upstreamCalls } : {}),
  });
  const shrunkFrom = shrunkFromText(r);
  return `<section class="failure" id="${anchor(i)}"><h2>✗ ${html(r.scenario)}</h2>
<p class="meta">seed ${html(r.seed)} · path ${html(r.path === '' ? '(none: the clean replay failed)' : r.path)} · ${html(r.schedules)} schedules · ${html(r.invariantChecks)} invariant checks · ${secondsOfMs(r.durationMs)} on ${html(r.database)}</p>
<h3>Broken invariants</h3><ul class="broken">${list}</ul>
<h3>Shrunk schedule (${ce.steps.length} steps)</h3>${shrunkFrom === undefined ? '' : `<p class="meta">${html(shrunkFrom)}</p>`}
<div class="legend"><span><i style="background:#334"></i>first delivery</span><span><i style="background:#c25e00"></i>duplicate</span><span><i style="background:#6b3fa0"></i>redelivery (provider retry)</span><span><i style="background:#b3261e"></i>✕ ack lost / error</span><span><i style="background:#c99a00"></i>par: concurrent group</span></div>
<div class="scroll">${svg}</div>
<details><summary>Steps as text, faults kept</summary><pre>${html(ce.steps.join('\n'))}\n\n${html(keptFaultLines(ce).join('\n'))}</pre></details>
${ledgerDiffSection(r)}
${evidence ? `<h3>Evidence</h3>${evidence}` : ''}
<h3>Replay</h3><div class="replay"><pre id="replay-${i}">${html(r.replayCommand)}</pre><button type="button" data-copy="replay-${i}">Copy</button></div>
${r.savedTo ? `<p class="meta">Shrunk schedule saved to <code>${html(r.savedTo)}</code></p>` : ''}</section>`;
}

/** How a scenario was replayed and the recorded answers its clean replay changed: information, shown for any status. */
function replaySection(r: RunReport['results'][number]): string {
  const mode = replayModeText(r);
  const answers = answerDifferenceLines(r);
  if (mode === undefined && answers === undefined) return '';
  const list = answers === undefined ? '' : `<h3>${html(answers.head)}</h3><ul class="answers">${answers.lines.map((l) => `<li><code>${html(l)}</code></li>`).join('')}</ul>`;
  return `<section class="replay-info"><h2>${html(r.scenario)}: the replay against its recording</h2>${mode === undefined ? '' : `<p class="meta">${html(mode)}</p>`}${list}</section>`;
}

/** index.html: one self-contained page (inline CSS and JS, no network) that explains the run. */
export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const verdict = s.verdict;
  const rows = report.results
    .map((r, i) => {
      const name = r.status === 'passed' ? html(r.scenario) : `<a href="#${anchor(i)}">${html(r.scenario)}</a>`;
      const notApplicable = r.notApplicable.length === 0 ? '' : `<ul class="na">${r.notApplicable.map((n) => `<li><code>${html(n.invariant)}</code>: ${html(n.reason)}</li>`).join('')}</ul>`;
      return `<tr><td>${name}</td><td class="s-${r.status}">${r.status}</td><td class="n">${r.schedules}</td><td class="n">${r.invariantChecks}</td><td>${notApplicable}</td><td class="n">${secs(r.durationMs)}</td><td class="n">${html(r.seed)}</td></tr>`;
    })
    .join('\n');
  const details = report.results
    .map((r, i) => {
      if (r.status === 'failed') return failureSection(report, r, i);
      if (r.status === 'errored') {
        return `<section class="errored" id="${anchor(i)}"><h2>! ${html(r.scenario)}: harness error</h2><pre>${html(harnessErrorText(r.error))}</pre></section>`;
      }
      return '';
    })
    .join('\n');
  const replayInfo = report.results.map(replaySection).filter((x) => x !== '').join('\n');
  const scope = runScopeText(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>idemgate: ${html(VERDICTS[verdict].headline)}</title><style>${CSS}</style></head>
<body><main>
<h1>idemgate report</h1>
<div class="banner v-${verdict}" id="verdict">${html(VERDICTS[verdict].headline)}<small>${s.scenarios} scenario(s): ${s.passed} passed, ${s.failed} failed, ${s.errored} errored · ${s.schedules} schedules · ${s.invariantChecks} invariant checks · ${s.violations} violation(s) · ${secondsOfMs(s.wallMs)}</small></div>
<p class="meta">${html(report.tool.name)} ${html(report.tool.version)} · target ${html(report.target.baseUrl)} · ${html(report.database)} · started ${html(report.startedAt)} · finished ${html(report.finishedAt)}</p>
${scope === undefined ? '' : `<p class="meta" id="scope">${html(scope)}</p>\n`}<table class="scenarios"><thead><tr><th>Scenario</th><th>Status</th><th>Schedules</th><th>Invariant checks</th><th>Not applicable</th><th>Seconds</th><th>Seed</th></tr></thead><tbody>
${rows}
</tbody></table>
${details}
${replayInfo}
</main><script>${SCRIPT}</script></body></html>
`;
}
