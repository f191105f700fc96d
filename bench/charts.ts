/**
 * Charts of a bench run as SVG, drawn server-side by Apache ECharts (`echarts.init(null, null, { renderer: 'svg',
 * ssr: true, width, height })`, then `renderToSVGString()`): no browser, no canvas, deterministic output for the
 * same figures. The docs page embeds them as images (`docs/benchmarks/*.svg`).
 */
import * as echarts from 'echarts';

/** One bar chart: categories along x, one series per group (e.g. per library). */
export interface BarChart {
  /** File name inside the charts folder, e.g. `peers-throughput.svg`. */
  readonly file: string;
  readonly title: string;
  /** Axis label of the values. */
  readonly unit: string;
  readonly categories: readonly string[];
  /** Values per series, one per category (undefined: no bar, the library has no such operation). */
  readonly series: readonly { readonly name: string; readonly values: readonly (number | undefined)[] }[];
  /** Logarithmic value axis (figures spanning orders of magnitude). */
  readonly log?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Bars along x, categories down the y axis (long labels, many categories). */
  readonly horizontal?: boolean;
}

/** Width allowed per character of a category label on a horizontal chart (12 px sans-serif). */
const LABEL_CHAR_PX = 7;

/** Series colours, in series order (colour-blind-safe Okabe-Ito palette). */
const PALETTE = ['#0072B2', '#56B4E9', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#F0E442', '#000000'];

/** Render `chart` as an SVG document (white background, so it reads in dark themes too). */
export function renderBarChart(chart: BarChart): string {
  const width = chart.width ?? 900;
  const height = chart.height ?? 420;
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const categoryAxis = {
    type: 'category',
    data: [...chart.categories],
    // Horizontal: the first category on top.
    inverse: chart.horizontal === true,
    axisLabel: chart.horizontal
      ? { interval: 0, fontFamily: 'sans-serif' }
      : {
          interval: 0,
          fontFamily: 'sans-serif',
          width: Math.floor((width - 110) / Math.max(1, chart.categories.length)),
          overflow: 'break',
        },
  };
  const valueAxis = {
    type: chart.log ? 'log' : 'value',
    name: chart.unit,
    nameLocation: 'middle',
    nameGap: chart.horizontal ? 28 : 52,
    nameTextStyle: { fontFamily: 'sans-serif' },
    axisLabel: { fontFamily: 'sans-serif' },
    ...(chart.log ? { logBase: 10 } : {}),
  };
  try {
    instance.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      color: PALETTE,
      title: { text: chart.title, left: 'center', top: 8, textStyle: { fontSize: 15, fontFamily: 'sans-serif' } },
      legend: { top: 36, itemGap: 24, textStyle: { fontFamily: 'sans-serif' } },
      // Room for the longest category label (measured text differs between renderers: a generous 7 px a character).
      grid: chart.horizontal
        ? {
            left: Math.min(width / 2, 16 + LABEL_CHAR_PX * Math.max(...chart.categories.map((label) => label.length))),
            right: 48,
            top: 80,
            bottom: 48,
          }
        : { left: 72, right: 24, top: 80, bottom: 56 },
      ...(chart.horizontal ? { yAxis: categoryAxis, xAxis: valueAxis } : { xAxis: categoryAxis, yAxis: valueAxis }),
      series: chart.series.map((series) => ({
        name: series.name,
        type: 'bar',
        data: series.values.map((value) => (value === undefined || !Number.isFinite(value) || (chart.log && value <= 0) ? null : value)),
        label: {
          show: true,
          position: chart.horizontal ? 'right' : 'top',
          fontSize: 9,
          fontFamily: 'sans-serif',
          formatter: (parameters: { value: unknown }) => (typeof parameters.value === 'number' ? compact(parameters.value) : ''),
        },
      })),
    });
    return `${instance.renderToSVGString()}\n`;
  } finally {
    instance.dispose();
  }
}

/** A short label for a bar: 3 significant digits, thousands as k. */
function compact(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1_000) return `${(value / 1000).toFixed(1)}k`;
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
