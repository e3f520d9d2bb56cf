/** Hand-written SVG line charts for the study report: linear or log-10 y axis, legend, no dependencies. */

export interface Series {
  name: string;
  /** [x, y] points; non-finite y (and y ≤ 0 on a log axis) are left out of the line. */
  points: [number, number][];
  color: string;
  /** A marker drawn at this point with this label (e.g. a divergence). */
  mark?: { x: number; y: number; label: string };
  /** Text added to the legend entry (e.g. "all 0, not shown"). */
  note?: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Use integer x ticks (epochs, layers). */
  integerX?: boolean;
}

/** A palette that stays distinguishable for up to ten series (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag, integer ? 1 : 0);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

export function lineChart(series: Series[], opts: ChartOptions): string {
  const W = opts.width ?? 560;
  const H = opts.height ?? 340;
  const left = 64, right = 150, top = 34, bottom = 46;
  const pw = W - left - right, ph = H - top - bottom;
  const logY = opts.logY ?? false;
  const usable = (y: number) => Number.isFinite(y) && (!logY || y > 0);
  const xs: number[] = [], ys: number[] = [];
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (usable(y)) {
        xs.push(x);
        ys.push(logY ? Math.log10(y) : y);
      }
    }
    if (s.mark && usable(s.mark.y)) {
      xs.push(s.mark.x);
      ys.push(logY ? Math.log10(s.mark.y) : s.mark.y);
    }
  }
  let x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  let y0 = ys.length ? Math.min(...ys) : 0, y1 = ys.length ? Math.max(...ys) : 1;
  if (x1 === x0) x1 = x0 + 1;
  if (logY) {
    y0 = Math.floor(y0);
    y1 = Math.ceil(y1);
    if (y1 === y0) y1 = y0 + 1;
  } else {
    if (y1 === y0) {
      y0 -= 0.5;
      y1 += 0.5;
    }
    const pad = (y1 - y0) * 0.05;
    y0 = y0 >= 0 && y0 - pad < 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number) => top + ph - (((logY ? Math.log10(y) : y) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="11" role="img" aria-label="${escapeXml(opts.title)}">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left + pw / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(opts.title)}</text>`);
  // Grid and y ticks.
  const yTicks = logY
    ? Array.from({ length: y1 - y0 + 1 }, (_, i) => y0 + i).filter((_, i, a) => a.length <= 9 || i % Math.ceil(a.length / 8) === 0)
    : niceTicks(y0, y1);
  for (const t of yTicks) {
    const v = logY ? 10 ** t : t;
    const y = py(v);
    if (y < top - 0.5 || y > top + ph + 0.5) continue;
    out.push(`<line x1="${left}" x2="${left + pw}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${logY ? `1e${t}` : fmt(v)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8, opts.integerX)) {
    const x = px(t);
    out.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top + ph}" y2="${top + ph + 4}" stroke="#555"/>`);
    out.push(`<text x="${x.toFixed(1)}" y="${top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#555"/>`);
  out.push(`<text x="${left + pw / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}${logY ? ' (log scale)' : ''}</text>`);
  // Lines: a gap wherever a point is unusable.
  series.forEach((s) => {
    let path = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!usable(y)) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`;
      pen = true;
    }
    if (path) out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    const single = s.points.filter(([, y]) => usable(y));
    if (single.length === 1) out.push(`<circle cx="${px(single[0][0]).toFixed(1)}" cy="${py(single[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    if (s.mark && usable(s.mark.y)) {
      const mx = px(s.mark.x), my = py(s.mark.y);
      out.push(`<path d="M${mx - 5} ${my - 5}L${mx + 5} ${my + 5}M${mx - 5} ${my + 5}L${mx + 5} ${my - 5}" stroke="${s.color}" stroke-width="2.2"/>`);
      out.push(`<text x="${mx + 7}" y="${my - 6}" fill="${s.color}">${escapeXml(s.mark.label)}</text>`);
    }
  });
  // Legend.
  series.forEach((s, i) => {
    const y = top + 8 + i * 16;
    const x = left + pw + 12;
    out.push(`<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2.5"/>`);
    out.push(`<text x="${x + 24}" y="${y + 4}">${escapeXml(s.name)}${s.note ? ` <tspan fill="#888">(${escapeXml(s.note)})</tspan>` : ''}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
