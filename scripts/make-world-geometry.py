#!/usr/bin/env python3
"""Derive crates/keel-report/assets/world.tsv, the world map embedded in `keel report`.

Source: Natural Earth 1:50m admin-0 countries (public domain), as packaged in the npm package
`world-atlas` 2.0.2 (file countries-50m.json, TopoJSON, ids = ISO 3166-1 numeric). Numeric codes are mapped to
ISO 3166-1 alpha-3 with the table `codes.json` of the npm package `i18n-iso-countries` 7.14.0.

Output: one line per country, `ISO3<TAB>name<TAB>svg-path`, sorted by ISO3 then name, in an equirectangular
projection on a 1000 x 440 canvas (x = (lon + 180) * 1000 / 360, y = (84 - lat) * 1000 / 360; latitudes
south of 60S, i.e. Antarctica, are dropped). Each shared TopoJSON arc is simplified once (Douglas-Peucker,
tolerance TOL canvas units) so neighbouring countries keep a common border, then coordinates are rounded to
one decimal and written as relative SVG moves (rings crossing the antimeridian are made continuous
and drawn twice, one width apart, so the map's viewBox shows both halves) (`m`/`l`/`z`), which keeps the file small. Countries Natural
Earth draws without an ISO code (Kosovo, Somaliland, N. Cyprus, ...) get the code `-`: land with no data.

Run (needs only Python 3 and npm; no network at report view time, the output is committed):

    cd /tmp && npm pack world-atlas@2.0.2 i18n-iso-countries@7.14.0
    mkdir -p wa iso && tar xzf world-atlas-2.0.2.tgz -C wa && tar xzf i18n-iso-countries-7.14.0.tgz -C iso
    python3 scripts/make-world-geometry.py /tmp/wa/package/countries-50m.json \
        /tmp/iso/package/codes.json crates/keel-report/assets/world.tsv

The output is deterministic: same inputs, same bytes.
"""

import json
import sys

WIDTH = 1000.0
NORTH = 84.0
SOUTH = -60.0
TOL = 0.35  # canvas units (about 0.13 degrees)
K = WIDTH / 360.0


def project(lon, lat):
    return ((lon + 180.0) * K, (NORTH - lat) * K)


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append(project(x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def dp(pts, tol):
    """Douglas-Peucker simplification, iterative; keeps the end points."""
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, bi = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > best:
                best, bi = d, i
        if best > tol:
            keep[bi] = True
            stack.append((a, bi))
            stack.append((bi, b))
    return [p for p, k in zip(pts, keep) if k]


def ring_points(ring, arcs):
    pts = []
    for ix in ring:
        a = arcs[ix] if ix >= 0 else arcs[~ix][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def area(pts):
    s = 0.0
    for i in range(len(pts)):
        x1, y1 = pts[i]
        x2, y2 = pts[(i + 1) % len(pts)]
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def path_of(polygons, arcs, min_area=4.0):
    parts = []
    for poly in polygons:
        for ring in poly:
            pts = ring_points(ring, arcs)
            if all(p[1] > (NORTH - SOUTH) * K for p in pts):
                continue  # entirely south of the cut (Antarctica)
            for copy in unwrap(pts):
                d = ring_path(copy, min_area)
                if d:
                    parts.append(d)
    return "".join(parts)


def diamond(polygons, arcs):
    x, y = ring_points(polygons[0][0], arcs)[0]
    if y > (NORTH - SOUTH) * K:
        return ""
    x, y = round(x * 10), round(y * 10)
    return "M%s %sl10 10 -10 10 -10 -10z" % (fmt(x), fmt(y - 10))


def unwrap(pts):
    """A ring crossing the antimeridian (Chukotka, Fiji) jumps from one edge to the other: make it continuous,
    and draw it once more shifted by a full width so both halves show (the SVG viewBox clips the rest)."""
    out = [pts[0]]
    off = 0.0
    for (px, _), (x, y) in zip(pts, pts[1:]):
        if x - px > WIDTH / 2:
            off -= WIDTH
        elif px - x > WIDTH / 2:
            off += WIDTH
        out.append((x + off, y))
    copies = [out]
    if min(p[0] for p in out) < 0:
        copies.append([(x + WIDTH, y) for x, y in out])
    if max(p[0] for p in out) > WIDTH:
        copies.append([(x - WIDTH, y) for x, y in out])
    return copies


def ring_path(pts, min_area):
    """One closed ring as relative SVG moves, or "" when it rounds to (almost) nothing."""
    pts = [(x, min(max(y, 0.0), (NORTH - SOUTH) * K)) for x, y in pts]
    q = [(round(x * 10), round(y * 10)) for x, y in pts]
    ded = [q[0]]
    for p in q[1:]:
        if p != ded[-1]:
            ded.append(p)
    if len(ded) > 1 and ded[-1] == ded[0]:
        ded.pop()
    if len(ded) < 3 or area(ded) < min_area:  # under ~0.04 square canvas units: invisible
        return ""
    s = "M%s %s" % (fmt(ded[0][0]), fmt(ded[0][1]))
    px, py = ded[0]
    rel = []
    for x, y in ded[1:]:
        rel.append("%s %s" % (fmt(x - px), fmt(y - py)))
        px, py = x, y
    return s + "l" + " ".join(rel) + "z"


def fmt(tenths):
    """An integer number of tenths as the shortest decimal."""
    sign = "-" if tenths < 0 else ""
    t = abs(tenths)
    whole, frac = divmod(t, 10)
    return sign + (str(whole) if frac == 0 else "%d.%d" % (whole, frac))


def main():
    topo_path, codes_path, out_path = sys.argv[1:4]
    topo = json.load(open(topo_path, encoding="utf-8"))
    codes = json.load(open(codes_path, encoding="utf-8"))
    num_to_a3 = {row[2]: row[1] for row in codes}
    raw = decode_arcs(topo)
    arcs = [dp(a, TOL) for a in raw]
    by_code = {}
    loose = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name", "")
        code = num_to_a3.get(g.get("id", ""), "-")
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        d = path_of(polys, arcs)
        tiny = False
        if not d:
            # A small country (Singapore, Malta, ...) would vanish: keep its unsimplified outline, and if even
            # that rounds to nothing, a small diamond at its first point, so it can still be coloured.
            d = path_of(polys, raw, 0.0)
            if not d:
                d, tiny = diamond(polys, raw), True
        if not d:
            continue
        if code == "-":
            loose.append((code, name.replace("\t", " "), d))
        else:
            by_code.setdefault(code, []).append((tiny, -len(d), name.replace("\t", " "), d))
    rows = list(loose)
    for code, parts in by_code.items():
        # Natural Earth splits some countries (Australia and Ashmore and Cartier Is. share 036): one row per
        # code, named after its largest part; a diamond stands in only when nothing else is drawn.
        parts.sort()
        real = [p for p in parts if not p[0]] or parts[:1]
        rows.append((code, real[0][2], "".join(p[3] for p in real)))
    rows.sort()
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Natural Earth 1:50m admin-0 countries (public domain) via npm world-atlas@2.0.2; ISO 3166-1 "
                "numeric to alpha-3 via npm i18n-iso-countries@7.14.0. Generated by scripts/make-world-geometry.py; "
                "equirectangular, canvas 1000x%d, 84N to 60S.\n" % round((NORTH - SOUTH) * K))
        for code, name, d in rows:
            f.write("%s\t%s\t%s\n" % (code, name, d))


if __name__ == "__main__":
    main()
