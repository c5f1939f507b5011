import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { geoMercator, geoPath } from 'd3-geo';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { dataDir } from '../../db/reference-data.ts';

/** The SVG's coordinate space; the paths are fitted into it. */
export const MAP_WIDTH = 600;
export const MAP_HEIGHT = 560;

export type ProvinceShape = {
  acronym: string;
  /** SVG path data, coordinates rounded to one decimal (page weight, TARGETS S8). */
  d: string;
  /** Where the acronym label goes: the projected centroid. */
  labelX: number;
  labelY: number;
};

type ProvinceProps = { prov_acr: string; prov_name: string };

let shapes: Promise<ProvinceShape[]> | undefined;

/** Lombardy's provinces (Openpolis / ISTAT, data/geo) projected once per process with d3-geo. */
export function provinceShapes(): Promise<ProvinceShape[]> {
  shapes ??= loadShapes().catch((err) => {
    shapes = undefined;
    throw err;
  });
  return shapes;
}

async function loadShapes(): Promise<ProvinceShape[]> {
  const text = await readFile(join(dataDir, 'geo', 'lombardia_province.geojson'), 'utf8');
  const collection = JSON.parse(text) as FeatureCollection<Polygon | MultiPolygon, ProvinceProps>;
  const projection = geoMercator().fitSize([MAP_WIDTH, MAP_HEIGHT], collection);
  const path = geoPath(projection).digits(1);
  return collection.features.map((f) => {
    const [x, y] = path.centroid(f);
    return { acronym: f.properties.prov_acr, d: path(f) ?? '', labelX: Math.round(x), labelY: Math.round(y) };
  });
}
