import { describe, expect, it } from 'vitest';
import { SvgChartRenderer, valueTicks } from '../../../shared/adapters/charts/svg-chart-renderer.ts';
import type { BarChart } from '../../../shared/domain/reports/charts.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 160;

/** A chart of two series over three departments; `overrides` changes any part of it. */
function barChartFactory(overrides: Partial<BarChart> = {}): BarChart {
  return {
    orientation: 'horizontal',
    layout: 'grouped',
    categories: ['Kundenservice', 'Recht', 'Vertrieb'],
    series: [
      { name: 'p50', color: '#2da44e', values: [100, 40, 0] },
      { name: 'p90', color: '#bf8700', values: [300, 80, 20] },
    ],
    valueTitle: 'business minutes',
    legend: {},
    ...overrides,
  };
}

interface DrawnBar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly fill: string;
  readonly title: string;
}

/** The bars of an SVG the renderer wrote, with their geometry and tooltip. */
function barsOf(svg: string): DrawnBar[] {
  return [
    ...svg.matchAll(
      /<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"><title>([^<]*)<\/title>/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
    fill: m[5]!,
    title: m[6]!,
  }));
}

/** The words of every text element, in drawing order. */
const textsOf = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('valueTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and ends on the tick above the largest value', () => {
    expect(valueTicks(313, PLOT_WIDTH)).toEqual({
      top: 320,
      ticks: [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300, 320],
    });
    expect(valueTicks(108, PLOT_HEIGHT)).toEqual({ top: 120, ticks: [0, 20, 40, 60, 80, 100, 120] });
    expect(valueTicks(3, PLOT_HEIGHT)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
  });

  it('runs an axis with nothing above zero from 0 to 1', () => {
    expect(valueTicks(0, PLOT_WIDTH)).toEqual({ top: 1, ticks: [0, 1] });
  });
});

describe('SvgChartRenderer', () => {
  it('draws one horizontal bar per non-zero value, its length in proportion to the axis', () => {
    // Act
    const bars = barsOf(new SvgChartRenderer().svg(barChartFactory()));

    // Assess: the axis ends at 300, so 300 fills the plot and 100 a third of it
    expect(bars.map((b) => b.title)).toEqual([
      'Kundenservice, p50: 100',
      'Kundenservice, p90: 300',
      'Recht, p50: 40',
      'Recht, p90: 80',
      'Vertrieb, p90: 20',
    ]);
    expect(bars[1]!.width).toBeCloseTo(PLOT_WIDTH, 0);
    expect(bars[0]!.width).toBeCloseTo(PLOT_WIDTH / 3, 0);
    expect(bars.map((b) => b.fill)).toEqual(['#2da44e', '#bf8700', '#2da44e', '#bf8700', '#bf8700']);
    // the series of a category side by side, the categories top to bottom
    expect(bars[1]!.y).toBeGreaterThan(bars[0]!.y);
    expect(bars[2]!.y).toBeGreaterThan(bars[1]!.y + bars[1]!.height);
  });

  it('labels the categories, the ticks of the value axis and its title', () => {
    const texts = textsOf(new SvgChartRenderer().svg(barChartFactory()));

    expect(texts).toEqual(expect.arrayContaining(['Kundenservice', 'Recht', 'Vertrieb', 'business minutes']));
    expect(texts).toEqual(expect.arrayContaining(['0', '20', '100', '280', '300']));
    expect(texts).not.toContain('320');
  });

  it('shows a legend of the series under the chart, with its title, only when the chart asks for one', () => {
    const renderer = new SvgChartRenderer();

    const titled = textsOf(renderer.svg(barChartFactory({ legend: { title: 'age' } })));
    const without = textsOf(renderer.svg(barChartFactory({ legend: undefined })));

    expect(titled.slice(-3)).toEqual(['age', 'p50', 'p90']);
    expect(without).not.toContain('p50');
  });

  it('stacks the series end to end and scales the axis to the longest stack', () => {
    // Arrange
    const chart = barChartFactory({
      layout: 'stacked',
      series: [
        { name: '<1d', color: '#9be9a8', values: [10, 1, 0] },
        { name: '>7d', color: '#cf222e', values: [30, 2, 5] },
      ],
    });

    // Act
    const bars = barsOf(new SvgChartRenderer().svg(chart));

    // Assess: 10 + 30 = 40 is the top of the axis
    const [first, second] = bars;
    expect(second!.x).toBeCloseTo(first!.x + first!.width, 0);
    expect(first!.width + second!.width).toBeCloseTo(PLOT_WIDTH, 0);
    expect(second!.y).toBe(first!.y);
    expect(bars.map((b) => b.title)).toContain('Vertrieb, &gt;7d: 5');
  });

  it('draws vertical bars from the bottom, categories along it and the value title beside the axis', () => {
    // Arrange
    const chart = barChartFactory({
      orientation: 'vertical',
      categories: ['Mon 23.11.', 'Tue 24.11.'],
      series: [{ name: 'mentions', color: '#1f6feb', values: [108, 54] }],
      valueTitle: 'mentions',
      legend: undefined,
    });

    // Act
    const svg = new SvgChartRenderer().svg(chart);

    // Assess: the axis ends at 120; one series names no series in its tooltips
    const bars = barsOf(svg);
    expect(bars.map((b) => b.title)).toEqual(['Mon 23.11.: 108', 'Tue 24.11.: 54']);
    expect(bars[0]!.height).toBeCloseTo((PLOT_HEIGHT * 108) / 120, 0);
    expect(bars[0]!.y + bars[0]!.height).toBeCloseTo(bars[1]!.y + bars[1]!.height, 1);
    expect(bars[1]!.x).toBeGreaterThan(bars[0]!.x + bars[0]!.width);
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['Mon 23.11.', 'Tue 24.11.', '120', 'mentions']));
    expect(svg).toContain('transform="rotate(-90');
  });

  it('escapes the text it writes, so that a label cannot break or inject into the SVG', async () => {
    // Arrange
    const chart = barChartFactory({
      categories: ['Presse & Kommunikation', '<script>alert("x")</script>', "O'Neil > Team"],
    });
    const renderer = new SvgChartRenderer();

    // Act
    const svg = renderer.svg(chart);
    const png = await renderer.png(chart);

    // Assess
    expect(svg).not.toContain('<script>');
    expect(textsOf(svg)).toEqual(
      expect.arrayContaining([
        'Presse &amp; Kommunikation',
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
        'O&#39;Neil &gt; Team',
      ]),
    );
    expect([...png.slice(0, 4)]).toEqual(PNG_SIGNATURE);
  });

  it('cuts a very long label with an ellipsis instead of widening the chart without end', () => {
    const long = 'Kundenservice und Reklamationsbearbeitung für Geschäftskunden in Norddeutschland';

    const texts = textsOf(new SvgChartRenderer().svg(barChartFactory({ categories: [long, 'Recht', 'Vertrieb'] })));

    const shown = texts.find((t) => t.startsWith('Kundenservice und'));
    expect(shown).toMatch(/…$/);
    expect(shown!.length).toBeLessThan(long.length);
  });

  it('draws an axis and says "no data" for a chart without categories, and no bar for zero values', async () => {
    // Arrange
    const renderer = new SvgChartRenderer();
    const empty = barChartFactory({ categories: [], series: [{ name: 'mentions', color: '#1f6feb', values: [] }] });
    const zeros = barChartFactory({ series: [{ name: 'mentions', color: '#1f6feb', values: [0, 0, 0] }] });

    // Act
    const emptySvg = renderer.svg(empty);
    const zeroSvg = renderer.svg(zeros);

    // Assess
    expect(barsOf(emptySvg)).toEqual([]);
    expect(textsOf(emptySvg)).toEqual(expect.arrayContaining(['no data', '0', '1', 'business minutes']));
    expect(barsOf(zeroSvg)).toEqual([]);
    expect(textsOf(zeroSvg)).toEqual(expect.arrayContaining(['Kundenservice', '0', '1']));
    expect([...(await renderer.png(empty)).slice(0, 4)]).toEqual(PNG_SIGNATURE);
  });

  it('renders the PNG at twice the size of the SVG by default', async () => {
    // Arrange
    const chart = barChartFactory();
    const renderer = new SvgChartRenderer();
    const width = Number(/<svg [^>]*width="(\d+)"/.exec(renderer.svg(chart))![1]);

    // Act
    const png = Buffer.from(await renderer.png(chart));

    // Assess: the PNG's IHDR width, bytes 16-19
    expect(png.readUInt32BE(16)).toBe(width * 2);
  });
});
