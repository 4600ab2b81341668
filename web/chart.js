// The throughput chart, drawn as inline SVG (no chart library): items saved per hour as bars
// (left axis), success rate as a line (right axis, 0-100 %). Hours with nothing finished have no
// rate, so the line breaks there instead of dropping to zero.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 760;
const HEIGHT = 230;
const PAD = { left: 48, right: 48, top: 16, bottom: 40 };

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attributes
 * @param {string} [text]
 */
function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round axis maximum at or above `value` (1, 2, 5 × 10^n). */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/**
 * @param {{ hours: { hour: string, succeeded: number, failed: number, successRate: number | null, items: number }[] }} throughput
 * @returns {SVGSVGElement}
 */
export function throughputChart(throughput) {
  const { hours } = throughput;
  const chart = /** @type {SVGSVGElement} */ (
    svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', class: 'chart' })
  );
  const finished = hours.reduce((sum, hour) => sum + hour.succeeded + hour.failed, 0);
  const items = hours.reduce((sum, hour) => sum + hour.items, 0);
  chart.append(
    svg('title', {}, `Last ${hours.length} hours: ${finished} runs finished, ${items} items saved`),
  );
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, hours.length);
  const itemsMax = niceMax(Math.max(0, ...hours.map((hour) => hour.items)));
  const y = (fraction) => PAD.top + plotHeight * (1 - fraction);

  for (const fraction of [0, 0.5, 1]) {
    chart.append(
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(fraction), y2: y(fraction), class: 'grid' }),
      svg(
        'text',
        { x: PAD.left - 6, y: y(fraction) + 4, class: 'axis items', 'text-anchor': 'end' },
        String(itemsMax * fraction),
      ),
      svg('text', { x: WIDTH - PAD.right + 6, y: y(fraction) + 4, class: 'axis rate' }, `${fraction * 100}%`),
    );
  }

  hours.forEach((hour, index) => {
    const x = PAD.left + index * slot;
    const height = (hour.items / itemsMax) * plotHeight;
    const bar = svg('rect', {
      x: x + slot * 0.15,
      y: PAD.top + plotHeight - height,
      width: slot * 0.7,
      height,
      class: 'bar',
    });
    const rate =
      hour.successRate === null ? 'no runs finished' : `${Math.round(hour.successRate * 100)}% succeeded`;
    bar.append(
      svg(
        'title',
        {},
        `${hour.hour.slice(11, 16)} UTC: ${hour.items} items, ${rate} (${hour.succeeded} ok, ${hour.failed} failed)`,
      ),
    );
    chart.append(bar);
    if (index % 3 === 0) {
      chart.append(
        svg(
          'text',
          { x: x + slot / 2, y: HEIGHT - PAD.bottom + 16, class: 'axis', 'text-anchor': 'middle' },
          hour.hour.slice(11, 13),
        ),
      );
    }
  });

  // The success-rate line, broken where an hour had no finished runs.
  let path = '';
  let drawing = false;
  hours.forEach((hour, index) => {
    if (hour.successRate === null) {
      drawing = false;
      return;
    }
    const x = PAD.left + index * slot + slot / 2;
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)},${y(hour.successRate).toFixed(1)} `;
    drawing = true;
    chart.append(svg('circle', { cx: x, cy: y(hour.successRate), r: 3, class: 'rate-point' }));
  });
  if (path) chart.append(svg('path', { d: path.trim(), class: 'rate-line' }));

  chart.append(
    svg('text', { x: PAD.left, y: HEIGHT - 6, class: 'legend items' }, '■ items saved per hour (left)'),
    svg(
      'text',
      { x: WIDTH - PAD.right, y: HEIGHT - 6, class: 'legend rate', 'text-anchor': 'end' },
      '● success rate (right), hours in UTC',
    ),
  );
  return chart;
}
