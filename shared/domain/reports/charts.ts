import { BACKLOG_AGES, type Report } from './report.ts';

/** One series of a bar chart: a value per category, drawn in one colour. */
export interface BarSeries {
  /** The series' name, shown in the legend. */
  readonly name: string;
  /** CSS colour of its bars (`#1f6feb`). */
  readonly color: string;
  /** One value per category, in the order of `categories`; not negative. */
  readonly values: readonly number[];
}

/**
 * A bar chart as the reports draw it, independent of the library that renders it: one bar
 * per category and series, the series side by side (`grouped`) or end to end (`stacked`).
 */
export interface BarChart {
  /** `horizontal`: categories down the left, values along the bottom; `vertical`: categories along the bottom. */
  readonly orientation: 'horizontal' | 'vertical';
  readonly layout: 'grouped' | 'stacked';
  /** The categories' labels, in drawing order (top to bottom, or left to right). */
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  /** Title of the value axis (`mentions`). */
  readonly valueTitle: string;
  /** A legend of the series under the chart, with a title when given; none when absent. */
  readonly legend?: { readonly title?: string };
}

/** A chart of a report: what to draw and the words that stand in for it. */
export interface ReportChart {
  /** Stable id, used as the e-mail's `cid:` and the file name. */
  readonly id: string;
  readonly title: string;
  /** Alternative text: the chart's message in words, for mail clients that hide images. */
  readonly alt: string;
  readonly spec: BarChart;
}

/** A chart rendered to an image. */
export interface RenderedChart extends ReportChart {
  readonly png: Uint8Array;
}

/** Port: draws a bar chart as a PNG, on the server, without a browser. */
export interface ChartRenderer {
  png(chart: BarChart): Promise<Uint8Array>;
}

const label = (category: string) => category.replace(/_/g, ' ');

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `2026-11-23` as the daily axis shows it: `Mon 23.11.` (the day is a calendar day, so UTC names it). */
export function dayLabel(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[new Date(Date.UTC(year, month - 1, date)).getUTCDay()]} ${day.slice(8, 10)}.${day.slice(5, 7)}.`;
}

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
    const unit = report.kind === 'weekly' ? 'week' : 'day';
    charts.push({
      id: 'volume-by-category',
      title: 'Mentions by category',
      alt: categories
        .map((c) => `${label(c)} ${report.byCategory[c] ?? 0} (before ${report.previous.byCategory[c] ?? 0})`)
        .join(', '),
      spec: {
        orientation: 'horizontal',
        layout: 'grouped',
        categories: categories.map(label),
        series: [
          { name: `this ${unit}`, color: '#1f6feb', values: categories.map((c) => report.byCategory[c] ?? 0) },
          {
            name: `previous ${unit}`,
            color: '#b6c7e3',
            values: categories.map((c) => report.previous.byCategory[c] ?? 0),
          },
        ],
        valueTitle: 'mentions',
        legend: {},
      },
    });
  }
  if (report.kind === 'weekly' && report.total > 0) {
    charts.push({
      id: 'mentions-per-day',
      title: 'Mentions per day',
      alt: report.daily.map((d) => `${d.day} ${d.count}`).join(', '),
      spec: {
        orientation: 'vertical',
        layout: 'grouped',
        categories: report.daily.map((d) => dayLabel(d.day)),
        series: [{ name: 'mentions', color: '#1f6feb', values: report.daily.map((d) => d.count) }],
        valueTitle: 'mentions',
      },
    });
  }
  // Departments in the order of their names (code units), as the charts have always listed them.
  const responded = report.departments
    .filter((d) => d.responseMinutes.p50 !== null)
    .sort((a, b) => byText(a.name, b.name));
  if (responded.length > 0) {
    charts.push({
      id: 'response-times',
      title: 'First response, business minutes',
      alt: responded
        .map((d) => `${d.name} p50 ${d.responseMinutes.p50} min, p90 ${d.responseMinutes.p90} min`)
        .join('; '),
      spec: {
        orientation: 'horizontal',
        layout: 'grouped',
        categories: responded.map((d) => d.name),
        series: [
          { name: 'p50', color: '#2da44e', values: responded.map((d) => d.responseMinutes.p50 ?? 0) },
          { name: 'p90', color: '#bf8700', values: responded.map((d) => d.responseMinutes.p90 ?? 0) },
        ],
        valueTitle: 'business minutes',
        legend: {},
      },
    });
  }
  const names = new Map(report.departments.map((d) => [d.id, d.name]));
  const nameOf = (department: string) => names.get(department) ?? department;
  const open = report.backlog
    .filter((b) => b.total > 0)
    .sort((a, b) => byText(nameOf(a.department), nameOf(b.department)));
  if (open.length > 0) {
    const colors = ['#9be9a8', '#40c463', '#e3b341', '#cf222e'] as const;
    charts.push({
      id: 'backlog-by-age',
      title: 'Open cases by age',
      alt: open
        .map((b) => `${nameOf(b.department)}: ${BACKLOG_AGES.map((a) => `${a} ${b.byAge[a]}`).join(', ')}`)
        .join('; '),
      spec: {
        orientation: 'horizontal',
        layout: 'stacked',
        categories: open.map((b) => nameOf(b.department)),
        series: BACKLOG_AGES.map((age, i) => ({ name: age, color: colors[i]!, values: open.map((b) => b.byAge[age]) })),
        valueTitle: 'open cases',
        legend: { title: 'age' },
      },
    });
  }
  return charts;
}
