import type { BarChart, ChartRenderer } from '../../domain/reports/charts.ts';
import { escapeHtml as escapeXml } from '../../domain/reports/render.ts';

export interface SvgChartRendererOptions {
  /** Font files for resvg; default: the system's fonts (the Lambda runtime has none, so the function ships one). */
  readonly fontFiles?: readonly string[];
  /** Pixel width of the PNG: twice the SVG's, sharp on high-density screens. */
  readonly scale?: number;
}

/**
 * resvg-js, loaded at the first chart to draw and then kept: loading it is 30 ms of CPU (its
 * platform check reads `process.report.getReport()`, then it opens a 4 MB native binary),
 * which build-report's import spent at every cold start, also in runs with nothing to send
 * (every report of the period sent already, or no chart in it).
 */
let resvg: Promise<typeof import('@resvg/resvg-js')> | undefined;
const loadResvg = () => {
  resvg ??= import('@resvg/resvg-js');
  return resvg;
};

const FONT = 'DejaVu Sans, Arial, sans-serif';
const FONT_SIZE = 11;
/**
 * Widths of DejaVu Sans's characters at 11 px, a little generous, by class: the SVG knows
 * no text metrics, so margins are reserved from an estimate (labels are anchored at their
 * end or middle, so a wider guess only adds white space).
 */
const NARROW = /[ijlft.,:;'|!()[\] ]/;
const WIDE = /[mwMW@%]/;
const UPPER = /[A-Z0-9&#$?<>=+~]/;
const charWidth = (c: string) => (NARROW.test(c) ? 3.9 : WIDE.test(c) ? 9.8 : UPPER.test(c) ? 7.7 : 6.8);
const AVERAGE_CHAR = 6.8;

/** Longer category labels are cut with an ellipsis. */
const LABEL_LIMIT = 220;
const PLOT_WIDTH = 520;
const VERTICAL_PLOT_HEIGHT = 160;
/** Horizontal bars: thickness of one series' bar in a group, and the step of a stacked bar. */
const GROUPED_BAR = 11;
const GROUPED_STEP = 12;
const GROUP_GAP = 8;
const STACKED_BAR = 16;
const STACKED_STEP = 20;
const TICK = 5;
const TEXT = '#333';
const AXIS = '#888';
const GRID = '#ddd';

const textWidth = (text: string) => [...text].reduce((width, c) => width + charWidth(c), 0);

/** A label shortened to LABEL_LIMIT pixels (estimated), with an ellipsis where it was cut. */
function clip(text: string): string {
  const max = Math.floor(LABEL_LIMIT / AVERAGE_CHAR);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A number as an axis or tooltip shows it: at most two decimals, no trailing zeros. */
const formatNumber = (value: number) => String(Number(value.toFixed(2)));

/** A coordinate for the SVG: one decimal is finer than a pixel at scale 2. */
const px = (value: number) => String(Math.round(value * 10) / 10);

/** A finite, non-negative value; anything else is drawn as 0. */
const drawnValue = (value: number | undefined) =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;

/**
 * Ticks of a value axis from 0: a step of 1, 2 or 5 times a power of ten that gives about
 * one tick per 40 pixels, and the axis extended to the next tick above the largest value.
 * An axis with nothing above 0 runs from 0 to 1.
 */
export function valueTicks(max: number, length: number): { readonly top: number; readonly ticks: readonly number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const count = Math.max(2, Math.ceil(length / 40));
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { top, ticks };
}

/** The largest value drawn: the longest bar, or the longest stack. */
function maxOf(chart: BarChart): number {
  let max = 0;
  chart.categories.forEach((_, c) => {
    const values = chart.series.map((s) => drawnValue(s.values[c]));
    max = Math.max(max, chart.layout === 'stacked' ? values.reduce((a, v) => a + v, 0) : Math.max(0, ...values));
  });
  return max;
}

const text = (x: number, y: number, content: string, attributes = '') =>
  `<text x="${px(x)}" y="${px(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;

const line = (x1: number, y1: number, x2: number, y2: number, stroke: string) =>
  `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${stroke}" stroke-width="1"/>`;

/** A bar with its category, series and value as a tooltip (and as words for whoever reads the SVG). */
function bar(x: number, y: number, width: number, height: number, color: string, title: string): string {
  return `<rect class="bar" x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(height)}" fill="${escapeXml(color)}"><title>${escapeXml(title)}</title></rect>`;
}

function barTitle(chart: BarChart, category: string, series: string, value: number): string {
  return chart.series.length > 1
    ? `${category}, ${series}: ${formatNumber(value)}`
    : `${category}: ${formatNumber(value)}`;
}

/** The legend under the chart: an optional title, then a coloured square and the name of each series, in a row. */
function legend(chart: BarChart, x: number, y: number): { readonly svg: string[]; readonly height: number } {
  if (!chart.legend) return { svg: [], height: 0 };
  const svg: string[] = [];
  let top = y;
  if (chart.legend.title) {
    svg.push(text(x, top + FONT_SIZE, chart.legend.title, 'font-weight="bold"'));
    top += FONT_SIZE + 5;
  }
  let left = x;
  for (const series of chart.series) {
    svg.push(
      `<rect x="${px(left)}" y="${px(top + 1)}" width="10" height="10" fill="${escapeXml(series.color)}"/>`,
      text(left + 14, top + 10, series.name),
    );
    left += 14 + textWidth(series.name) + 16;
  }
  return { svg, height: top + 12 - y };
}

/** Categories down the left, values along the bottom: grouped bars side by side, stacked ones end to end. */
function horizontal(chart: BarChart): { readonly svg: string[]; readonly width: number; readonly height: number } {
  const stacked = chart.layout === 'stacked';
  const labels = chart.categories.map(clip);
  const left = Math.ceil(Math.max(0, ...labels.map(textWidth))) + TICK + 6;
  const top = 6;
  const band = stacked ? STACKED_STEP : chart.series.length * GROUPED_STEP + GROUP_GAP;
  const plotHeight = Math.max(1, chart.categories.length) * band;
  const { top: max, ticks } = valueTicks(maxOf(chart), PLOT_WIDTH);
  const xOf = (value: number) => left + (value / max) * PLOT_WIDTH;
  const bottom = top + plotHeight;
  const svg: string[] = [];

  for (const tick of ticks) svg.push(line(xOf(tick), top, xOf(tick), bottom, GRID));
  chart.categories.forEach((category, c) => {
    const y = top + c * band;
    svg.push(text(left - TICK - 3, y + band / 2 + 4, labels[c]!, 'text-anchor="end"'));
    svg.push(line(left - TICK, y + band / 2, left, y + band / 2, AXIS));
    let from = 0;
    chart.series.forEach((series, s) => {
      const value = drawnValue(series.values[c]);
      const title = barTitle(chart, category, series.name, value);
      if (stacked) {
        if (value > 0)
          svg.push(
            bar(
              xOf(from),
              y + (band - STACKED_BAR) / 2,
              xOf(from + value) - xOf(from),
              STACKED_BAR,
              series.color,
              title,
            ),
          );
        from += value;
      } else if (value > 0) {
        svg.push(bar(left, y + GROUP_GAP / 2 + s * GROUPED_STEP, xOf(value) - left, GROUPED_BAR, series.color, title));
      }
    });
  });
  if (chart.categories.length === 0)
    svg.push(text(left + PLOT_WIDTH / 2, top + band / 2 + 4, 'no data', 'text-anchor="middle" fill="#888"'));

  // The value axis along the bottom, its ticks and numbers, its title below them.
  svg.push(line(left, top, left, bottom, AXIS), line(left, bottom, left + PLOT_WIDTH, bottom, AXIS));
  for (const tick of ticks) {
    svg.push(line(xOf(tick), bottom, xOf(tick), bottom + TICK, AXIS));
    svg.push(text(xOf(tick), bottom + TICK + 11, formatNumber(tick), 'text-anchor="middle"'));
  }
  const titleY = bottom + TICK + 11 + 15;
  svg.push(text(left + PLOT_WIDTH / 2, titleY, chart.valueTitle, 'text-anchor="middle" font-weight="bold"'));
  const key = legend(chart, left, titleY + 12);
  svg.push(...key.svg);
  const lastTick = formatNumber(ticks[ticks.length - 1]!);
  return {
    svg,
    width: left + PLOT_WIDTH + Math.ceil(textWidth(lastTick) / 2) + 6,
    height: titleY + 12 + key.height + 6,
  };
}

/** Categories along the bottom, values up the left: one bar per category and series, side by side. */
function vertical(chart: BarChart): { readonly svg: string[]; readonly width: number; readonly height: number } {
  const { top: max, ticks } = valueTicks(maxOf(chart), VERTICAL_PLOT_HEIGHT);
  const tickLabels = ticks.map(formatNumber);
  const left = 16 + Math.ceil(Math.max(...tickLabels.map(textWidth))) + TICK + 6;
  const top = 8;
  const bottom = top + VERTICAL_PLOT_HEIGHT;
  const yOf = (value: number) => bottom - (value / max) * VERTICAL_PLOT_HEIGHT;
  const band = PLOT_WIDTH / Math.max(1, chart.categories.length);
  const inner = band * 0.9;
  const barWidth = inner / Math.max(1, chart.series.length);
  // Every label that fits: when they would overlap, every second (third, ...) one.
  const every = Math.max(1, Math.ceil((Math.max(0, ...chart.categories.map((c) => textWidth(clip(c)))) + 8) / band));
  const svg: string[] = [];

  for (const tick of ticks) svg.push(line(left, yOf(tick), left + PLOT_WIDTH, yOf(tick), GRID));
  chart.categories.forEach((category, c) => {
    const x = left + c * band;
    chart.series.forEach((series, s) => {
      const value = drawnValue(series.values[c]);
      if (value > 0)
        svg.push(
          bar(
            x + (band - inner) / 2 + s * barWidth,
            yOf(value),
            barWidth,
            bottom - yOf(value),
            series.color,
            barTitle(chart, category, series.name, value),
          ),
        );
    });
    svg.push(line(x + band / 2, bottom, x + band / 2, bottom + TICK, AXIS));
    if (c % every === 0) svg.push(text(x + band / 2, bottom + TICK + 11, clip(category), 'text-anchor="middle"'));
  });
  if (chart.categories.length === 0)
    svg.push(
      text(left + PLOT_WIDTH / 2, top + VERTICAL_PLOT_HEIGHT / 2, 'no data', 'text-anchor="middle" fill="#888"'),
    );

  svg.push(line(left, top, left, bottom, AXIS), line(left, bottom, left + PLOT_WIDTH, bottom, AXIS));
  ticks.forEach((tick, i) => {
    svg.push(line(left - TICK, yOf(tick), left, yOf(tick), AXIS));
    svg.push(text(left - TICK - 3, yOf(tick) + 4, tickLabels[i]!, 'text-anchor="end"'));
  });
  const middle = top + VERTICAL_PLOT_HEIGHT / 2;
  svg.push(
    text(
      12,
      middle,
      chart.valueTitle,
      `text-anchor="middle" font-weight="bold" transform="rotate(-90 12 ${px(middle)})"`,
    ),
  );
  const key = legend(chart, left, bottom + TICK + 11 + 12);
  svg.push(...key.svg);
  return {
    svg,
    width: left + PLOT_WIDTH + 10,
    height: bottom + TICK + 11 + 8 + (key.height > 0 ? key.height + 12 : 0),
  };
}

/**
 * Draws the reports' bar charts as SVG, written here for exactly the charts they have
 * (grouped and stacked horizontal bars, vertical bars per day), and turns the SVG into a
 * PNG with resvg-js (Rust, a prebuilt native binary per platform) that every mail client
 * shows. It replaced vega + vega-lite, which were two thirds of build-report's bundle and
 * most of its cold start (issue 12).
 */
export class SvgChartRenderer implements ChartRenderer {
  constructor(private readonly options: SvgChartRendererOptions = {}) {}

  /** The chart as an SVG document: white background, text in DejaVu Sans 11 px. */
  svg(chart: BarChart): string {
    const drawn = chart.orientation === 'horizontal' ? horizontal(chart) : vertical(chart);
    const width = Math.ceil(drawn.width);
    const height = Math.ceil(drawn.height);
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
      `<rect width="${width}" height="${height}" fill="white"/>`,
      `<g font-family="${FONT}" font-size="${FONT_SIZE}" fill="${TEXT}">`,
      ...drawn.svg,
      '</g></svg>',
    ].join('\n');
  }

  async png(chart: BarChart): Promise<Uint8Array> {
    const fonts = this.options.fontFiles;
    const { Resvg } = await loadResvg();
    const renderer = new Resvg(this.svg(chart), {
      fitTo: { mode: 'zoom', value: this.options.scale ?? 2 },
      font: fonts
        ? { fontFiles: [...fonts], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }
        : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    });
    return new Uint8Array(renderer.render().asPng());
  }
}
