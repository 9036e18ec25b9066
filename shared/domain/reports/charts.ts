import { BACKLOG_AGES, type Report } from './report.ts';

/** A chart of a report: a Vega-Lite spec (plain JSON) and the words that stand in for it. */
export interface ReportChart {
  /** Stable id, used as the e-mail's `cid:` and the file name. */
  readonly id: string;
  readonly title: string;
  /** Alternative text: the chart's message in words, for mail clients that hide images. */
  readonly alt: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A chart rendered to an image. */
export interface RenderedChart extends ReportChart {
  readonly png: Uint8Array;
}

/** Port: turns a Vega-Lite spec into a PNG, on the server, without a browser. */
export interface ChartRenderer {
  png(spec: Readonly<Record<string, unknown>>): Promise<Uint8Array>;
}

const WIDTH = 520;
const FONT = 'DejaVu Sans, Arial, sans-serif';
const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  width: WIDTH,
  background: 'white',
  config: {
    font: FONT,
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 220 },
    legend: { labelFontSize: 11, titleFontSize: 11 },
  },
};

const label = (category: string) => category.replace(/_/g, ' ');

/**
 * The charts of a report: volume by category against the previous period, mentions per
 * day, response time p50/p90 per department, and the backlog by age. A chart without data
 * is left out.
 */
export function chartsOf(report: Report): ReportChart[] {
  const charts: ReportChart[] = [];
  const categories = [
    ...new Set([...Object.keys(report.byCategory), ...Object.keys(report.previous.byCategory)]),
  ].sort();
  if (categories.length > 0) {
    const values = categories.flatMap((c) => [
      {
        category: label(c),
        period: `this ${report.kind === 'weekly' ? 'week' : 'day'}`,
        mentions: report.byCategory[c] ?? 0,
      },
      {
        category: label(c),
        period: `previous ${report.kind === 'weekly' ? 'week' : 'day'}`,
        mentions: report.previous.byCategory[c] ?? 0,
      },
    ]);
    charts.push({
      id: 'volume-by-category',
      title: 'Mentions by category',
      alt: categories
        .map((c) => `${label(c)} ${report.byCategory[c] ?? 0} (before ${report.previous.byCategory[c] ?? 0})`)
        .join(', '),
      spec: {
        ...base,
        height: { step: 12 },
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'category', type: 'nominal', title: null, sort: categories.map(label) },
          yOffset: { field: 'period', sort: values.slice(0, 2).map((v) => v.period) },
          x: { field: 'mentions', type: 'quantitative', title: 'mentions' },
          color: {
            field: 'period',
            type: 'nominal',
            title: null,
            scale: { domain: values.slice(0, 2).map((v) => v.period), range: ['#1f6feb', '#b6c7e3'] },
            legend: { orient: 'bottom' },
          },
        },
      },
    });
  }
  if (report.kind === 'weekly' && report.total > 0) {
    charts.push({
      id: 'mentions-per-day',
      title: 'Mentions per day',
      alt: report.daily.map((d) => `${d.day} ${d.count}`).join(', '),
      spec: {
        ...base,
        height: 160,
        data: { values: report.daily.map((d) => ({ day: d.day, mentions: d.count })) },
        mark: { type: 'bar', color: '#1f6feb' },
        encoding: {
          x: {
            field: 'day',
            type: 'ordinal',
            title: null,
            timeUnit: 'yearmonthdate',
            axis: { format: '%a %d.%m.', labelAngle: 0 },
          },
          y: { field: 'mentions', type: 'quantitative', title: 'mentions' },
        },
      },
    });
  }
  const responded = report.departments.filter((d) => d.responseMinutes.p50 !== null);
  if (responded.length > 0) {
    const values = responded.flatMap((d) => [
      { department: d.name, percentile: 'p50', minutes: d.responseMinutes.p50 },
      { department: d.name, percentile: 'p90', minutes: d.responseMinutes.p90 },
    ]);
    charts.push({
      id: 'response-times',
      title: 'First response, business minutes',
      alt: responded
        .map((d) => `${d.name} p50 ${d.responseMinutes.p50} min, p90 ${d.responseMinutes.p90} min`)
        .join('; '),
      spec: {
        ...base,
        height: { step: 12 },
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'department', type: 'nominal', title: null },
          yOffset: { field: 'percentile' },
          x: { field: 'minutes', type: 'quantitative', title: 'business minutes' },
          color: {
            field: 'percentile',
            type: 'nominal',
            title: null,
            scale: { range: ['#2da44e', '#bf8700'] },
            legend: { orient: 'bottom' },
          },
        },
      },
    });
  }
  const open = report.backlog.filter((b) => b.total > 0);
  if (open.length > 0) {
    const names = new Map(report.departments.map((d) => [d.id, d.name]));
    charts.push({
      id: 'backlog-by-age',
      title: 'Open cases by age',
      alt: open
        .map(
          (b) =>
            `${names.get(b.department) ?? b.department}: ${BACKLOG_AGES.map((a) => `${a} ${b.byAge[a]}`).join(', ')}`,
        )
        .join('; '),
      spec: {
        ...base,
        height: { step: 20 },
        data: {
          values: open.flatMap((b) =>
            BACKLOG_AGES.map((age, order) => ({
              department: names.get(b.department) ?? b.department,
              age,
              order,
              cases: b.byAge[age],
            })),
          ),
        },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'department', type: 'nominal', title: null },
          x: { field: 'cases', type: 'quantitative', stack: 'zero', title: 'open cases' },
          color: {
            field: 'age',
            type: 'ordinal',
            sort: [...BACKLOG_AGES],
            title: 'age',
            scale: { range: ['#9be9a8', '#40c463', '#e3b341', '#cf222e'] },
            legend: { orient: 'bottom' },
          },
          order: { field: 'order' },
        },
      },
    });
  }
  return charts;
}
