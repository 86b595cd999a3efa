// The incident map as plain SVG in a local projection (metres east/north of the centre), so it
// needs no tile server: zone (circle, polygon with holes, MultiPolygon) with its warning ring,
// evidence fixes with accuracy circles, the subject's recent track (from alerts, and from the
// tags' own pings: `data.pings`, newest fix ringed), and a scale bar. With a tile
// URL configured, web-mercator tiles are drawn underneath (locally linear at incident scale).
import { clock } from './api.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 480;
const M_PER_DEG_LAT = 110_540;

function svg(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function rings(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

export function drawMap(box, data, tileUrl) {
  const pts = [];
  const pings = data.pings ?? [];
  const track = data.track ?? [];
  const alerts = data.alerts ?? [];
  const zone = data.zone;
  if (zone) {
    if (zone.geometry.type === 'Point') {
      const [lon, lat] = zone.geometry.coordinates;
      const r = (zone.radiusM ?? 0) + (zone.warningM ?? 0);
      const dLat = r / M_PER_DEG_LAT;
      pts.push([lon, lat - dLat], [lon, lat + dLat]);
      const dLon = r / (111_320 * Math.cos((lat * Math.PI) / 180));
      pts.push([lon - dLon, lat], [lon + dLon, lat]);
    } else for (const poly of rings(zone.geometry)) for (const p of poly[0]) pts.push(p);
  }
  for (const f of track) pts.push([f.lon, f.lat]);
  for (const f of pings) pts.push([f.lon, f.lat]);
  for (const a of alerts) for (const f of a.evidence) pts.push([f.lon, f.lat]);
  if (pts.length === 0) {
    box.textContent = 'Nothing to draw: no zone and no fixes for this incident.';
    return;
  }
  const lon0 = (Math.min(...pts.map((p) => p[0])) + Math.max(...pts.map((p) => p[0]))) / 2;
  const lat0 = (Math.min(...pts.map((p) => p[1])) + Math.max(...pts.map((p) => p[1]))) / 2;
  const mPerDegLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const toM = ([lon, lat]) => [(lon - lon0) * mPerDegLon, (lat - lat0) * M_PER_DEG_LAT];
  const ms = pts.map(toM);
  // Polygons' warning rings lie outside their outline: leave room for them.
  const margin = zone && zone.geometry.type !== 'Point' ? 2 * (zone.warningM ?? 0) : 0;
  const spanX = Math.max(50, ...ms.map((p) => Math.abs(p[0]) * 2)) + margin;
  const spanY = Math.max(50, ...ms.map((p) => Math.abs(p[1]) * 2)) + margin;
  const scale = Math.min((W * 0.85) / spanX, (H * 0.85) / spanY); // px per metre
  const px = (ll) => {
    const [x, y] = toM(ll);
    return [W / 2 + x * scale, H / 2 - y * scale];
  };

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', id: 'incident-map', role: 'img' });
  root.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' }));
  if (tileUrl) drawTiles(root, tileUrl, lat0, lon0, scale, px);

  if (zone) {
    const g = svg('g', { class: `zone zone-${zone.kind}`, 'data-zone-id': zone.zoneId });
    if (zone.geometry.type === 'Point') {
      const [cx, cy] = px(zone.geometry.coordinates);
      if (zone.warningM)
        g.append(svg('circle', { cx, cy, r: (zone.radiusM + zone.warningM) * scale, class: 'zone-warning' }));
      g.append(svg('circle', { cx, cy, r: zone.radiusM * scale, class: 'zone-shape' }));
    } else {
      const ringPath = (ring) =>
        `M${ring
          .map((p) =>
            px(p)
              .map((v) => v.toFixed(1))
              .join(','),
          )
          .join('L')}Z`;
      let d = '';
      let outer = '';
      for (const poly of rings(zone.geometry)) {
        outer += ringPath(poly[0]);
        for (const ring of poly) d += ringPath(ring);
      }
      // An opaque round-joined stroke 2 x warningM wide along the outer rings, under the zone:
      // its outer edge is the warning ring (the polygon buffered by warningM).
      if (zone.warningM) {
        g.append(svg('path', { d: outer, class: 'zone-warning', 'stroke-width': 2 * zone.warningM * scale }));
      }
      g.append(svg('path', { d, class: 'zone-shape', 'fill-rule': 'evenodd' }));
    }
    root.append(g);
  }

  drawPings(root, pings, px);
  if (track.length > 1) {
    const line = track
      .map((f) =>
        px([f.lon, f.lat])
          .map((v) => v.toFixed(1))
          .join(','),
      )
      .join(' ');
    root.append(svg('polyline', { points: line, class: 'track' }));
  }
  const tg = svg('g', { class: 'track-fixes' });
  for (const f of track) {
    const [cx, cy] = px([f.lon, f.lat]);
    tg.append(svg('circle', { cx, cy, r: 2.5, class: 'track-fix' }));
  }
  root.append(tg);

  const eg = svg('g', { class: 'evidence' });
  let n = 0;
  for (const a of alerts) {
    for (const f of a.evidence) {
      n += 1;
      const [cx, cy] = px([f.lon, f.lat]);
      eg.append(svg('circle', { cx, cy, r: Math.max(1, f.accuracyM * scale), class: 'fix-accuracy' }));
      const dot = svg('circle', { cx, cy, r: 4, class: 'fix', 'data-ts': f.ts });
      const title = svg('title');
      title.textContent = `${a.type} evidence ${n}: ${clock(f.ts)}, ±${f.accuracyM} m`;
      dot.append(title);
      eg.append(dot);
      const label = svg('text', { x: cx + 6, y: cy - 6, class: 'fix-label' });
      label.textContent = String(n);
      eg.append(label);
    }
  }
  root.append(eg);
  drawScaleBar(root, scale);
  box.replaceChildren(root);
}

/** The tags' own fixes, oldest to newest: a thin line, a dot per fix, the newest ringed. */
function drawPings(root, pings, px) {
  if (pings.length === 0) return;
  const g = svg('g', { class: 'ping-track', id: 'ping-track' });
  if (pings.length > 1) {
    const line = pings
      .map((f) =>
        px([f.lon, f.lat])
          .map((v) => v.toFixed(1))
          .join(','),
      )
      .join(' ');
    g.append(svg('polyline', { points: line, class: 'ping-line' }));
  }
  pings.forEach((f, i) => {
    const [cx, cy] = px([f.lon, f.lat]);
    const last = i === pings.length - 1;
    const dot = svg('circle', {
      cx,
      cy,
      r: last ? 5 : 2.5,
      class: last ? 'ping-fix ping-last' : 'ping-fix',
      'data-ts': f.ts,
    });
    const title = svg('title');
    title.textContent = `${last ? 'last fix' : 'fix'} ${clock(f.ts)}${f.accuracyM ? `, ±${f.accuracyM} m` : ''}`;
    dot.append(title);
    g.append(dot);
  });
  root.append(g);
}

function drawScaleBar(root, scale) {
  const target = W / 5 / scale; // metres in ~1/5 of the width
  const pow = 10 ** Math.floor(Math.log10(target));
  const nice =
    [1, 2, 5, 10]
      .map((k) => k * pow)
      .filter((v) => v <= target)
      .pop() ?? pow;
  const len = nice * scale;
  const g = svg('g', { class: 'scale-bar', id: 'scale-bar' });
  g.append(svg('rect', { x: 16, y: H - 28, width: len, height: 6 }));
  const t = svg('text', { x: 16, y: H - 34 });
  t.textContent = nice >= 1000 ? `${nice / 1000} km` : `${nice} m`;
  g.append(t);
  root.append(g);
}

function drawTiles(root, tileUrl, lat0, lon0, scale, px) {
  // Pick the zoom whose tile pixels are closest to our pixels, then place each tile by its corners.
  const mPerPxAtZ0 = 156_543.03 * Math.cos((lat0 * Math.PI) / 180);
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(mPerPxAtZ0 * scale))));
  const n = 2 ** z;
  const tileX = (lon) => ((lon + 180) / 360) * n;
  const tileY = (lat) => ((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n;
  const lonOf = (x) => (x / n) * 360 - 180;
  const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  const halfLon = W / 2 / scale / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const halfLat = H / 2 / scale / M_PER_DEG_LAT;
  const g = svg('g', { class: 'tiles' });
  for (let x = Math.floor(tileX(lon0 - halfLon)); x <= Math.floor(tileX(lon0 + halfLon)); x++) {
    for (let y = Math.floor(tileY(lat0 + halfLat)); y <= Math.floor(tileY(lat0 - halfLat)); y++) {
      const [x1, y1] = px([lonOf(x), latOf(y)]);
      const [x2, y2] = px([lonOf(x + 1), latOf(y + 1)]);
      const href = tileUrl.replace('{z}', z).replace('{x}', x).replace('{y}', y);
      g.append(
        svg('image', { href, x: x1, y: y1, width: x2 - x1, height: y2 - y1, preserveAspectRatio: 'none' }),
      );
    }
  }
  root.append(g);
}
