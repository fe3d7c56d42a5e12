import { html } from './escape.ts';
import type { Counterexample, Delivery, DeliveryOutcome, TimelineCall } from './model.ts';

/**
 * The shrunk schedule as an inline SVG sequence diagram: lanes provider → target → upstream,
 * one arrow per delivery with its step number and answer, concurrent groups in a UML `par` frame,
 * duplicates, redeliveries and lost acknowledgements marked.
 */

interface Row {
  /** 0-based schedule step (redeliveries: after the last). */
  step: number;
  exchange: number;
  attempt: number;
  origin: 'schedule' | 'redelivery';
  /** What came back; undefined when the schedule never ran (no outcome recorded). */
  outcome?: DeliveryOutcome;
  abortAfterMs?: number;
  /** The crash-restart fault killed the target during this delivery: when. */
  crash?: 'answered' | 'upstream-call';
  upstream: TimelineCall[];
}

interface Block {
  step: number;
  concurrent: boolean;
  rows: Row[];
}

/** An upstream call's answer in a few words: status (or no answer), error, injected fault. */
export const upstreamAnswer = (call: TimelineCall): string =>
  [call.status ?? 'no answer', call.error, call.fault === undefined ? undefined : `[fault: ${call.fault}]`].filter((x) => x !== undefined).join(' ');

const W = 980;
const X = { step: 26, provider: 150, target: 560, upstream: 860 };
const HEAD = 64;
const ROW = 52;
const CALL = 30;
const PAR_PAD = 22;
const MAX_LABEL = 62;

const clip = (s: string, n = MAX_LABEL): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function scheduledDelivery(ce: Counterexample, step: number, nth: number): Delivery | undefined {
  const s = ce.schedule.steps[step];
  if (s === undefined) return undefined;
  return s.kind === 'send' ? s.delivery : s.deliveries[nth];
}

/** Groups outcomes by step; falls back to the schedule when no outcome was recorded. */
export function timelineBlocks(ce: Counterexample, upstream: readonly TimelineCall[] = []): { blocks: Block[]; unmatched: TimelineCall[] } {
  const blocks: Block[] = [];
  if (ce.deliveries.length > 0) {
    const sorted = [...ce.deliveries].sort((a, b) => a.step - b.step || a.startedAtMs - b.startedAtMs);
    for (const o of sorted) {
      let block = blocks.at(-1);
      if (block === undefined || block.step !== o.step) {
        const planned = ce.schedule.steps[o.step];
        block = { step: o.step, concurrent: planned?.kind === 'concurrent', rows: [] };
        blocks.push(block);
      }
      const planned = o.origin === 'schedule' ? scheduledDelivery(ce, o.step, block.rows.length) : undefined;
      block.rows.push({
        step: o.step,
        exchange: o.exchange,
        attempt: o.attempt,
        origin: o.origin,
        outcome: o,
        ...(planned?.abortAfterMs === undefined ? {} : { abortAfterMs: planned.abortAfterMs }),
        ...(planned?.crash === undefined ? {} : { crash: planned.crash.when }),
        upstream: [],
      });
      if (block.rows.length > 1) block.concurrent = true;
    }
  } else {
    const seen = new Map<number, number>();
    ce.schedule.steps.forEach((s, step) => {
      const ds = s.kind === 'send' ? [s.delivery] : s.deliveries;
      blocks.push({
        step,
        concurrent: s.kind === 'concurrent',
        rows: ds.map((d) => {
          const attempt = (seen.get(d.exchange) ?? 0) + 1;
          seen.set(d.exchange, attempt);
          return {
            step,
            exchange: d.exchange,
            attempt,
            origin: 'schedule' as const,
            ...(d.abortAfterMs === undefined ? {} : { abortAfterMs: d.abortAfterMs }),
            ...(d.crash === undefined ? {} : { crash: d.crash.when }),
            upstream: [],
          };
        }),
      });
    });
  }
  // An upstream call belongs to the delivery in flight when it arrived (the latest one that had started).
  const unmatched: TimelineCall[] = [];
  const rows = blocks.flatMap((b) => b.rows).filter((r) => r.outcome !== undefined);
  for (const call of [...upstream].sort((a, b) => a.atMs - b.atMs)) {
    const owner = rows
      .filter((r) => r.outcome!.startedAtMs <= call.atMs && call.atMs <= r.outcome!.startedAtMs + r.outcome!.durationMs)
      .at(-1);
    if (owner) owner.upstream.push(call);
    else unmatched.push(call);
  }
  return { blocks, unmatched };
}

const stepName = (block: Block, i: number): string =>
  `${block.step + 1}${block.concurrent ? String.fromCharCode(97 + (i % 26)) : ''}`;

function answerOf(row: Row): { text: string; cls: string; lost: boolean } {
  const o = row.outcome;
  if (row.crash !== undefined) {
    return { text: `target killed ${row.crash === 'upstream-call' ? 'at its upstream call' : 'after answering'}, restarted`, cls: 'bad', lost: true };
  }
  if (o === undefined) return row.abortAfterMs === undefined ? { text: 'not run', cls: 'muted', lost: false } : { text: `ack lost (abort after ${row.abortAfterMs} ms)`, cls: 'bad', lost: true };
  if (o.result === 'aborted') return { text: `ack lost: aborted after ${row.abortAfterMs ?? Math.round(o.durationMs)} ms`, cls: 'bad', lost: true };
  if (o.result === 'timeout') return { text: 'timeout: no answer', cls: 'bad', lost: true };
  if (o.result === 'error') return { text: `error: ${o.error ?? 'connection failed'}`, cls: 'bad', lost: true };
  return { text: `${o.status ?? '?'} ${o.acknowledged ? 'ack' : 'not acknowledged'}`, cls: o.acknowledged ? 'ok' : 'bad', lost: false };
}

/** Renders the timeline; `id` keeps marker ids unique when several timelines share a page. */
export function renderTimelineSvg(
  ce: Counterexample,
  label: (exchange: number) => string,
  options: { id: string; upstream?: readonly TimelineCall[] },
): string {
  const { blocks, unmatched } = timelineBlocks(ce, options.upstream);
  const m = (name: string) => `${options.id}-${name}`;
  const parts: string[] = [];
  let y = HEAD + 16;
  const rowHeight = (r: Row) => ROW + r.upstream.length * CALL;

  const drawRow = (row: Row, name: string) => {
    const answer = answerOf(row);
    const tags: string[] = [];
    if (row.origin === 'redelivery') tags.push('redelivery');
    else if (row.attempt > 1) tags.push(`duplicate (attempt ${row.attempt})`);
    const kinds = [row.origin === 'redelivery' ? 'redelivery' : row.attempt > 1 ? 'duplicate' : 'first', answer.lost ? 'aborted' : 'answered'];
    const full = label(row.exchange);
    const reqCls = row.origin === 'redelivery' ? 'req redeliver' : row.attempt > 1 ? 'req dup' : 'req';
    const g: string[] = [`<g class="delivery ${kinds.join(' ')}" data-step="${html(name)}" data-exchange="${row.exchange}">`];
    g.push(`<title>${html(`step ${name}: ${full}${tags.length ? ` — ${tags.join(', ')}` : ''} — ${answer.text}`)}</title>`);
    g.push(`<circle class="num" cx="${X.step}" cy="${y + 4}" r="13"/><text class="numt" x="${X.step}" y="${y + 8}">${html(name)}</text>`);
    g.push(`<text class="lbl" x="${X.provider + 8}" y="${y - 4}">${html(clip(full))}</text>`);
    if (tags.length > 0) {
      const tagText = tags.join(' · ');
      g.push(`<text class="tag ${row.origin === 'redelivery' ? 'redeliver' : 'dup'}" x="${X.provider + 8}" y="${y + 18}">${html(tagText)}</text>`);
    }
    g.push(`<line class="${reqCls}" x1="${X.provider}" y1="${y + 4}" x2="${X.target - 2}" y2="${y + 4}" marker-end="url(#${m('arrow')})"/>`);
    let cy = y + 4;
    for (const call of row.upstream) {
      cy += CALL;
      g.push(`<line class="up" x1="${X.target}" y1="${cy - 8}" x2="${X.upstream - 2}" y2="${cy - 8}" marker-end="url(#${m('arrow')})"/>`);
      g.push(`<text class="lbl" x="${X.target + 8}" y="${cy - 12}">${html(clip(`${call.method} ${call.path}`, 44))}</text>`);
      const tone = call.status !== undefined && call.status < 400 ? 'ok' : 'bad';
      g.push(`<line class="ans ${tone}" x1="${X.upstream}" y1="${cy + 4}" x2="${X.target + 2}" y2="${cy + 4}" marker-end="url(#${m('arrow-open')})"/>`);
      g.push(`<text class="st ${tone}" x="${X.upstream - 8}" y="${cy}" text-anchor="end">${html(upstreamAnswer(call))}</text>`);
    }
    const ay = cy + 20;
    if (answer.lost) {
      const mid = (X.provider + X.target) / 2;
      g.push(`<line class="ans bad" x1="${X.target}" y1="${ay}" x2="${mid}" y2="${ay}"/>`);
      g.push(`<path class="cross" d="M${mid - 7},${ay - 7}L${mid + 7},${ay + 7}M${mid - 7},${ay + 7}L${mid + 7},${ay - 7}"/>`);
      g.push(`<text class="st bad" x="${mid - 14}" y="${ay + 4}" text-anchor="end">${html(clip(answer.text, 48))}</text>`);
    } else {
      g.push(`<line class="ans ${answer.cls}" x1="${X.target}" y1="${ay}" x2="${X.provider + 2}" y2="${ay}" marker-end="url(#${m('arrow-open')})"/>`);
      g.push(`<text class="st ${answer.cls}" x="${X.target - 8}" y="${ay - 4}" text-anchor="end">${html(clip(answer.text, 48))}</text>`);
    }
    g.push('</g>');
    parts.push(g.join(''));
    y += rowHeight(row);
  };

  for (const block of blocks) {
    const redelivery = block.rows.every((r) => r.origin === 'redelivery');
    if (block.concurrent) {
      const top = y - 26;
      const height = PAR_PAD + block.rows.reduce((n, r) => n + rowHeight(r), 0) - 8;
      parts.push(`<g class="par" data-step="${block.step + 1}" data-width="${block.rows.length}">`);
      parts.push(`<rect class="frame" x="${X.step + 20}" y="${top}" width="${X.upstream - X.step - 10}" height="${height + 12}"/>`);
      parts.push(`<path class="tab" d="M${X.step + 20},${top}h210v14l-8,8h-202z"/>`);
      parts.push(`<text class="partxt" x="${X.step + 26}" y="${top + 15}">${html(`par · step ${block.step + 1} · ×${block.rows.length} concurrent`)}</text>`);
      y += PAR_PAD;
      block.rows.forEach((row, i) => {
        if (i > 0) parts.push(`<line class="sep" x1="${X.step + 20}" y1="${y - 24}" x2="${X.upstream + 10}" y2="${y - 24}"/>`);
        drawRow(row, stepName(block, i));
      });
      parts.push('</g>');
      y += 8;
    } else {
      if (redelivery && block.rows[0]) {
        y += 14;
        parts.push(`<text class="note" x="${X.provider + 8}" y="${y - 24}">provider retry after the schedule (no ack seen)</text>`);
      }
      block.rows.forEach((row, i) => drawRow(row, stepName(block, i)));
    }
  }
  for (const call of unmatched) {
    parts.push(`<g class="upstream-call"><line class="up" x1="${X.target}" y1="${y}" x2="${X.upstream - 2}" y2="${y}" marker-end="url(#${m('arrow')})"/>`);
    parts.push(`<text class="lbl" x="${X.target + 8}" y="${y - 4}">${html(clip(`${call.method} ${call.path} → ${call.status}`, 44))}</text></g>`);
    y += CALL;
  }
  const height = y + 10;
  const lane = (x: number, name: string, sub: string) =>
    `<g class="lane"><rect x="${x - 70}" y="8" width="140" height="40" rx="6"/><text class="lanet" x="${x}" y="26">${html(name)}</text>` +
    `<text class="lanes" x="${x}" y="41">${html(sub)}</text><line class="life" x1="${x}" y1="48" x2="${x}" y2="${height}"/></g>`;
  const providers = [...new Set(ce.deliveries.map((d) => d.provider))].join(', ') || 'provider';
  const upstreamSub = (options.upstream?.length ?? 0) > 0 ? `${options.upstream!.length} call(s)` : 'no calls recorded';
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="sequence diagram of the shrunk schedule" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}">`,
    `<defs><marker id="${m('arrow')}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0,0L10,5L0,10z" fill="#334"/></marker>`,
    `<marker id="${m('arrow-open')}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0,0L10,5L0,10" fill="none" stroke="#334" stroke-width="1.5"/></marker></defs>`,
    lane(X.provider, 'provider', providers),
    lane(X.target, 'target', 'service under test'),
    lane(X.upstream, 'upstream', upstreamSub),
    ...parts,
    '</svg>',
  ].join('\n');
}
