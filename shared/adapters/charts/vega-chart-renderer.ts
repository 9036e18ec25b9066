import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartRenderer } from '../../domain/reports/charts.ts';

export interface VegaChartRendererOptions {
  /** Font files for resvg; default: the system's fonts (the Lambda runtime has none, so the function ships one). */
  readonly fontFiles?: readonly string[];
  /** Pixel width of the PNG: twice the SVG's, sharp on high-density screens. */
  readonly scale?: number;
}

/**
 * Renders Vega-Lite specs on the server without a browser: vega-lite 5 compiles the spec
 * to Vega, vega 5's headless View (`renderer: 'none'`) writes SVG, and resvg-js (Rust, a
 * prebuilt native binary per platform) turns the SVG into a PNG that every mail client shows.
 */
export class VegaChartRenderer implements ChartRenderer {
  constructor(private readonly options: VegaChartRendererOptions = {}) {}

  async svg(spec: Readonly<Record<string, unknown>>): Promise<string> {
    const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  async png(spec: Readonly<Record<string, unknown>>): Promise<Uint8Array> {
    const svg = await this.svg(spec);
    const fonts = this.options.fontFiles;
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: this.options.scale ?? 2 },
      font: fonts
        ? { fontFiles: [...fonts], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' }
        : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    });
    return new Uint8Array(resvg.render().asPng());
  }
}
