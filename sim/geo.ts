/** Cairo geometry for the simulator: the bounding box, busy areas, distances and straight-line motion. */
import type { Rng } from './random.js';

export interface Point {
  lat: number;
  lng: number;
}

export const CAIRO_BOX = { minLat: 29.95, maxLat: 30.15, minLng: 31.15, maxLng: 31.4 } as const;

/** Where demand and idle drivers concentrate; the weights are rough shares of activity. */
const HOTSPOTS: ReadonlyArray<{ name: string; at: Point; weight: number }> = [
  { name: 'Downtown', at: { lat: 30.0444, lng: 31.2357 }, weight: 3 },
  { name: 'Zamalek', at: { lat: 30.0609, lng: 31.2197 }, weight: 1 },
  { name: 'Dokki/Mohandessin', at: { lat: 30.048, lng: 31.2 }, weight: 2 },
  { name: 'Giza', at: { lat: 30.0131, lng: 31.2089 }, weight: 1.5 },
  { name: 'Heliopolis', at: { lat: 30.09, lng: 31.323 }, weight: 2 },
  { name: 'Nasr City', at: { lat: 30.0561, lng: 31.33 }, weight: 2 },
  { name: 'Maadi', at: { lat: 29.9602, lng: 31.2569 }, weight: 1.5 },
  { name: 'Shubra', at: { lat: 30.11, lng: 31.245 }, weight: 1 },
];
const TOTAL_WEIGHT = HOTSPOTS.reduce((s, h) => s + h.weight, 0);
/** Share of points scattered uniformly over the box rather than around a hotspot. */
const UNIFORM_SHARE = 0.3;
const HOTSPOT_SIGMA_M = 1_500;
const EARTH_RADIUS_M = 6_371_000;
const M_PER_DEG_LAT = 111_195;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const toRad = (deg: number) => (deg * Math.PI) / 180;

export function haversineM(a: Point, b: Point): number {
  const dLat = toRad(b.lat - a.lat);
  const dLng = toRad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function clampToBox(p: Point): Point {
  return {
    lat: clamp(p.lat, CAIRO_BOX.minLat, CAIRO_BOX.maxLat),
    lng: clamp(p.lng, CAIRO_BOX.minLng, CAIRO_BOX.maxLng),
  };
}

/** `metres` away from `from` on `bearing` (radians, 0 = north); flat-earth is fine at city scale. */
export function offset(from: Point, metres: number, bearing: number): Point {
  const dLat = (metres * Math.cos(bearing)) / M_PER_DEG_LAT;
  const dLng = (metres * Math.sin(bearing)) / (M_PER_DEG_LAT * Math.cos(toRad(from.lat)));
  return { lat: from.lat + dLat, lng: from.lng + dLng };
}

/** A place in the city: mostly around a weighted hotspot, sometimes anywhere in the box. */
export function randomPlace(rng: Rng): Point {
  if (rng.chance(UNIFORM_SHARE)) {
    return {
      lat: rng.uniform(CAIRO_BOX.minLat, CAIRO_BOX.maxLat),
      lng: rng.uniform(CAIRO_BOX.minLng, CAIRO_BOX.maxLng),
    };
  }
  let r = rng.uniform(0, TOTAL_WEIGHT);
  const spot = HOTSPOTS.find((h) => (r -= h.weight) < 0) ?? HOTSPOTS[0]!;
  return clampToBox(offset(spot.at, Math.abs(rng.normal()) * HOTSPOT_SIGMA_M, rng.uniform(0, 2 * Math.PI)));
}

/** Uniform over a disc of `radiusM` around Tahrir Square (a small dense city: smoke tests, dense scenarios). */
export function randomPlaceNear(rng: Rng, radiusM: number): Point {
  return offset(HOTSPOTS[0]!.at, radiusM * Math.sqrt(rng.float()), rng.uniform(0, 2 * Math.PI));
}

/** A dropoff for `pickup`: a city trip of log-normal length (median `medianM`), at least 1 km, inside the box. */
export function randomDropoff(rng: Rng, pickup: Point, medianM: number): Point {
  for (let attempt = 0; ; attempt++) {
    const metres = Math.min(15_000, Math.max(1_000, rng.logNormal(medianM, 0.5)));
    const target = offset(pickup, metres, rng.uniform(0, 2 * Math.PI));
    const inside = clampToBox(target);
    if ((inside.lat === target.lat && inside.lng === target.lng) || attempt >= 5) return inside;
  }
}

/** Where a straight-line journey from `from` to `to` is after `fraction` (0..1) of it. */
export function along(from: Point, to: Point, fraction: number): Point {
  const f = clamp(fraction, 0, 1);
  return { lat: from.lat + (to.lat - from.lat) * f, lng: from.lng + (to.lng - from.lng) * f };
}

/** Bearing in degrees (0 = north, clockwise), what the driver app reports as `heading`. */
export function headingDeg(from: Point, to: Point): number {
  const y = Math.sin(toRad(to.lng - from.lng)) * Math.cos(toRad(to.lat));
  const x =
    Math.cos(toRad(from.lat)) * Math.sin(toRad(to.lat)) -
    Math.sin(toRad(from.lat)) * Math.cos(toRad(to.lat)) * Math.cos(toRad(to.lng - from.lng));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}
