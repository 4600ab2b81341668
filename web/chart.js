// The page's charts, drawn as inline SVG (no chart library). The throughput chart: items saved per
// hour as bars (left axis), success rate as a line (right axis, 0-100 %); hours with nothing
// finished have no rate, so the line breaks there instead of dropping to zero. The price and
// rank chart of an item page: below, `priceRankChart`.

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

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The price axis: the observed range with a margin, so small moves stay visible. */
function priceTicks(low, high) {
  if (low === high) return { min: Math.max(0, low - 1), max: high + 1 };
  const margin = (high - low) * 0.1;
  return { min: Math.max(0, low - margin), max: high + margin };
}

/** @param {number} value */
const shortNumber = (value) =>
  Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toFixed(2)).toString();

/** @param {number} epochMs @param {number} spanMs */
function timeLabel(epochMs, spanMs) {
  const iso = new Date(epochMs).toISOString();
  return spanMs <= 2 * DAY_MS ? `${iso.slice(11, 16)}` : `${iso.slice(5, 10)}`;
}

/**
 * The gap beyond which two snapshots in a row are not joined: the item was not seen in between.
 * Two and a half times the usual spacing of its snapshots, at least an hour (schedules run hourly
 * at most).
 * @param {number[]} times sorted epoch ms
 */
export function gapThresholdMs(times) {
  const steps = times
    .slice(1)
    .map((time, index) => time - (times[index] ?? time))
    .filter((step) => step > 0)
    .sort((a, b) => a - b);
  const median = steps.length === 0 ? HOUR_MS : (steps[Math.floor(steps.length / 2)] ?? HOUR_MS);
  return Math.max(HOUR_MS, median * 2.5);
}

/**
 * Splits points (sorted by time) into runs with no gap wider than `gapMs` between neighbours.
 * @template {{ atMs: number }} P
 * @param {P[]} points
 * @param {number} gapMs
 * @returns {P[][]}
 */
function segmentsOf(points, gapMs) {
  /** @type {P[][]} */
  const segments = [];
  let current = /** @type {P[]} */ ([]);
  for (const point of points) {
    const last = current.at(-1);
    if (last && point.atMs - last.atMs > gapMs) {
      segments.push(current);
      current = [];
    }
    current.push(point);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/**
 * An item's price and rank over time, like Keepa's: the price as a step line (it holds until the
 * next observation; left axis), the rank on a listing as a line on a right axis inverted so rank
 * 1 is at the top (one line per definition: a rank means something on its own listing only).
 * Lines break, and the band is shaded, where the item was not seen. Every snapshot is a point
 * with its values in a tooltip and in data attributes.
 *
 * @param {{
 *   snapshots: { capturedAt: string, definitionId: string, snapshotId: string, listingRank?: number, item: { price?: number, currency?: string, rank?: number, availability?: string } }[],
 *   sinceMs: number,
 *   untilMs: number,
 * }} input snapshots in any order
 * @returns {SVGSVGElement}
 */
export function priceRankChart({ snapshots, sinceMs, untilMs }) {
  const chart = /** @type {SVGSVGElement} */ (
    svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', class: 'chart price-rank' })
  );
  const points = snapshots
    .map((snapshot) => ({
      atMs: Date.parse(snapshot.capturedAt),
      price: snapshot.item.price,
      currency: snapshot.item.currency ?? '',
      rank: snapshot.listingRank ?? snapshot.item.rank,
      availability: snapshot.item.availability,
      definitionId: snapshot.definitionId,
      snapshotId: snapshot.snapshotId,
    }))
    .sort((a, b) => a.atMs - b.atMs);
  const priced = points.filter((point) => point.price !== undefined);
  const ranked = points.filter((point) => point.rank !== undefined);
  const currencies = [...new Set(priced.map((point) => point.currency).filter(Boolean))];
  chart.dataset.snapshots = String(points.length);
  chart.append(
    svg(
      'title',
      {},
      `Price${currencies.length ? ` (${currencies.join(', ')})` : ''} and rank: ${points.length} snapshots`,
    ),
  );

  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const start = Math.min(sinceMs, points[0]?.atMs ?? sinceMs);
  const end = Math.max(untilMs, points.at(-1)?.atMs ?? untilMs, start + 1);
  const x = (atMs) => PAD.left + ((atMs - start) / (end - start)) * plotWidth;
  const prices = priced.map((point) => /** @type {number} */ (point.price));
  const { min: priceMin, max: priceMax } = priceTicks(
    prices.length ? Math.min(...prices) : 0,
    prices.length ? Math.max(...prices) : 1,
  );
  const yPrice = (price) => PAD.top + plotHeight * (1 - (price - priceMin) / (priceMax - priceMin));
  const rankMax = niceMax(Math.max(1, ...ranked.map((point) => /** @type {number} */ (point.rank))));
  // Inverted: rank 1 at the top, rankMax at the bottom.
  const yRank = (rank) => PAD.top + plotHeight * ((rank - 1) / Math.max(1, rankMax - 1));

  for (const fraction of [0, 0.5, 1]) {
    const y = PAD.top + plotHeight * (1 - fraction);
    const rankAt = Math.round(rankMax - (rankMax - 1) * fraction);
    chart.append(
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: 'grid' }),
      svg(
        'text',
        { x: PAD.left - 6, y: y + 4, class: 'axis price', 'text-anchor': 'end' },
        prices.length ? shortNumber(priceMin + (priceMax - priceMin) * fraction) : '',
      ),
      svg(
        'text',
        { x: WIDTH - PAD.right + 6, y: y + 4, class: 'axis rank' },
        ranked.length ? `#${rankAt}` : '',
      ),
    );
  }
  const spanMs = end - start;
  for (let tick = 0; tick <= 6; tick += 1) {
    const atMs = start + (spanMs * tick) / 6;
    chart.append(
      svg(
        'text',
        { x: x(atMs), y: HEIGHT - PAD.bottom + 16, class: 'axis', 'text-anchor': 'middle' },
        timeLabel(atMs, spanMs),
      ),
    );
  }

  const gapMs = gapThresholdMs(points.map((point) => point.atMs));
  // Where the item was not seen: before its first snapshot, between distant ones, after its last.
  const seen = segmentsOf(points, gapMs);
  const unseen = [];
  let from = start;
  for (const segment of seen) {
    const first = /** @type {{ atMs: number }} */ (segment[0]).atMs;
    if (first - from > gapMs) unseen.push([from, first]);
    from = /** @type {{ atMs: number }} */ (segment.at(-1)).atMs;
  }
  if (end - from > gapMs) unseen.push([from, end]);
  for (const [gapStart, gapEnd] of unseen) {
    const band = svg('rect', {
      x: x(gapStart),
      y: PAD.top,
      width: Math.max(1, x(gapEnd) - x(gapStart)),
      height: plotHeight,
      class: 'gap',
    });
    band.append(
      svg(
        'title',
        {},
        `not seen from ${new Date(gapStart).toISOString()} to ${new Date(gapEnd).toISOString()}`,
      ),
    );
    chart.append(band);
  }

  // Price: a step line (the price holds until the next observation), broken at gaps.
  for (const segment of segmentsOf(priced, gapMs)) {
    let d = '';
    segment.forEach((point, index) => {
      const px = x(point.atMs).toFixed(1);
      const py = yPrice(/** @type {number} */ (point.price)).toFixed(1);
      d += index === 0 ? `M${px},${py}` : ` H${px} V${py}`;
    });
    chart.append(svg('path', { d, class: 'price-line' }));
  }
  // Rank: one line per definition (a rank belongs to its listing), broken at gaps.
  const byDefinition = Map.groupBy(ranked, (point) => point.definitionId);
  for (const [definitionId, series] of byDefinition) {
    for (const segment of segmentsOf(series, gapThresholdMs(series.map((point) => point.atMs)))) {
      const d = segment
        .map(
          (point, index) =>
            `${index === 0 ? 'M' : 'L'}${x(point.atMs).toFixed(1)},${yRank(/** @type {number} */ (point.rank)).toFixed(1)}`,
        )
        .join(' ');
      chart.append(svg('path', { d, class: 'rank-line', 'data-definition-id': definitionId }));
    }
  }

  for (const point of points) {
    const when = `${new Date(point.atMs).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
    const price =
      point.price === undefined ? 'no price' : `${shortNumber(point.price)} ${point.currency}`.trim();
    const rank = point.rank === undefined ? '' : `, rank #${point.rank} on ${point.definitionId}`;
    const label = `${when}: ${price}${rank}${point.availability ? `, ${point.availability}` : ''}`;
    if (point.price !== undefined) {
      const dot = svg('circle', {
        cx: x(point.atMs),
        cy: yPrice(point.price),
        r: 3,
        class: 'price-point',
        'data-captured-at': new Date(point.atMs).toISOString(),
        'data-price': point.price,
        'data-snapshot-id': point.snapshotId,
      });
      dot.append(svg('title', {}, label));
      chart.append(dot);
    }
    if (point.rank !== undefined) {
      const dot = svg('circle', {
        cx: x(point.atMs),
        cy: yRank(point.rank),
        r: 3,
        class: 'rank-point',
        'data-captured-at': new Date(point.atMs).toISOString(),
        'data-rank': point.rank,
        'data-snapshot-id': point.snapshotId,
      });
      dot.append(svg('title', {}, label));
      chart.append(dot);
    }
  }
  // The last price, labelled at its point: what the item costs now.
  const last = priced.at(-1);
  if (last?.price !== undefined) {
    chart.append(
      svg(
        'text',
        { x: x(last.atMs) - 4, y: yPrice(last.price) - 8, class: 'value price', 'text-anchor': 'end' },
        `${shortNumber(last.price)} ${last.currency}`.trim(),
      ),
    );
  }

  chart.append(
    svg(
      'text',
      { x: PAD.left, y: HEIGHT - 6, class: 'legend price' },
      `— price${currencies.length ? ` (${currencies.join(', ')})` : ''}, left`,
    ),
    svg(
      'text',
      { x: WIDTH - PAD.right, y: HEIGHT - 6, class: 'legend rank', 'text-anchor': 'end' },
      '— rank on a listing, right (1 at the top); shaded: not seen; times in UTC',
    ),
  );
  return chart;
}
