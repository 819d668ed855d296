#!/usr/bin/env python3
"""Generate the bundled Keel example model `examples/canada-dib/` (model directory format v1).

An illustrative Canadian defence industrial base. The FIRMS ARE FICTIONAL (made-up names, made-up
ownership, made-up numbers). Countries, bloc memberships, chokepoints, export-control regimes, cities and
platform types are real.

Deterministic: standard library only, the only randomness is `random.Random(SEED)`. Run it from anywhere:

    python3 make_example.py

It asserts its own invariants (references resolve, shares sum to 1, lanes run supplier site -> stage site,
the stage graph is acyclic, >= 5 tiers, >= 400 stages, >= 10 platforms, >= 12 countries, the intended
ITAR see-through answers) before writing anything.
"""

from __future__ import annotations

import csv
import math
import os
import random
import sys
from collections import defaultdict

SEED = 20240601
OUT = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(SEED)

# ----------------------------------------------------------------------------------------------------------
# Countries (real bloc memberships as of 2024: FIN joined NATO April 2023, SWE March 2024; NOR is NATO but
# not EU; NTIB = USA, CAN, GBR, AUS, NZL; FVEY = the same five).
# ----------------------------------------------------------------------------------------------------------
COUNTRIES = [
    ("CAN", "Canada", "NATO;NTIB;FVEY"),
    ("USA", "United States", "NATO;NTIB;FVEY"),
    ("GBR", "United Kingdom", "NATO;NTIB;FVEY"),
    ("AUS", "Australia", "NTIB;FVEY"),
    ("NZL", "New Zealand", "NTIB;FVEY"),
    ("FRA", "France", "NATO;EU"),
    ("DEU", "Germany", "NATO;EU"),
    ("ITA", "Italy", "NATO;EU"),
    ("POL", "Poland", "NATO;EU"),
    ("NOR", "Norway", "NATO"),
    ("SWE", "Sweden", "NATO;EU"),
    ("FIN", "Finland", "NATO;EU"),
    ("JPN", "Japan", ""),
    ("KOR", "Republic of Korea", ""),
    ("ISR", "Israel", ""),
    ("TWN", "Taiwan", ""),
    ("CHN", "China", ""),
    ("ZAF", "South Africa", ""),
    ("CHL", "Chile", ""),
    ("ZZZ", "Unknown origin", ""),
]
COUNTRY_CODES = {c for c, _, _ in COUNTRIES}

# ----------------------------------------------------------------------------------------------------------
# Cities: key -> (display name, country, lat, lon, routing region, is_port)
# ----------------------------------------------------------------------------------------------------------
C = {}


def city(key, name, country, lat, lon, region, port=False):
    C[key] = (name, country, lat, lon, region, port)


for k, n, la, lo, reg, p in [
    ("repentigny", "Repentigny (Le Gardeur), QC", 45.742, -73.450, "ca-qc", False),
    ("valleyfield", "Salaberry-de-Valleyfield, QC", 45.255, -74.132, "ca-qc", False),
    ("sorel", "Sorel-Tracy, QC", 46.040, -73.113, "ca-qc", True),
    ("montreal", "Montréal, QC", 45.502, -73.567, "ca-qc", True),
    ("montreal-est", "Montréal-Est, QC", 45.632, -73.507, "ca-qc", True),
    ("laval", "Laval, QC", 45.606, -73.712, "ca-qc", False),
    ("longueuil", "Longueuil, QC", 45.531, -73.518, "ca-qc", False),
    ("mirabel", "Mirabel, QC", 45.650, -74.083, "ca-qc", False),
    ("ste-anne", "Sainte-Anne-de-Bellevue, QC", 45.404, -73.950, "ca-qc", False),
    ("st-jean", "Saint-Jean-sur-Richelieu, QC", 45.307, -73.262, "ca-qc", False),
    ("quebec", "Québec, QC", 46.813, -71.208, "ca-qc", True),
    ("becancour", "Bécancour, QC", 46.340, -72.432, "ca-qc", True),
    ("saguenay", "Saguenay, QC", 48.428, -71.068, "ca-qc", True),
    ("sept-iles", "Sept-Îles, QC", 50.212, -66.376, "ca-qc", True),
    ("drummondville", "Drummondville, QC", 45.883, -72.484, "ca-qc", False),
    ("sherbrooke", "Sherbrooke, QC", 45.404, -71.893, "ca-qc", False),
    ("gatineau", "Gatineau, QC", 45.477, -75.701, "ca-qc", False),
    ("ottawa", "Ottawa, ON", 45.421, -75.697, "ca-on", False),
    ("kanata", "Ottawa (Kanata), ON", 45.309, -75.914, "ca-on", False),
    ("smiths-falls", "Smiths Falls, ON", 44.904, -76.021, "ca-on", False),
    ("kingston", "Kingston, ON", 44.231, -76.486, "ca-on", False),
    ("peterborough", "Peterborough, ON", 44.305, -78.320, "ca-on", False),
    ("toronto", "Toronto, ON", 43.653, -79.383, "ca-on", True),
    ("mississauga", "Mississauga, ON", 43.589, -79.644, "ca-on", False),
    ("brampton", "Brampton, ON", 43.731, -79.762, "ca-on", False),
    ("oakville", "Oakville, ON", 43.467, -79.687, "ca-on", False),
    ("burlington", "Burlington, ON", 43.325, -79.799, "ca-on", False),
    ("hamilton", "Hamilton, ON", 43.256, -79.869, "ca-on", True),
    ("cambridge", "Cambridge, ON", 43.360, -80.313, "ca-on", False),
    ("kitchener", "Kitchener, ON", 43.452, -80.492, "ca-on", False),
    ("waterloo", "Waterloo, ON", 43.464, -80.520, "ca-on", False),
    ("london", "London, ON", 42.984, -81.245, "ca-on", False),
    ("ingersoll", "Ingersoll, ON", 43.039, -80.884, "ca-on", False),
    ("windsor", "Windsor, ON", 42.314, -83.036, "ca-on", False),
    ("sarnia", "Sarnia, ON", 42.975, -82.406, "ca-on", False),
    ("welland", "Welland, ON", 42.992, -79.248, "ca-on", False),
    ("sudbury", "Greater Sudbury, ON", 46.522, -80.953, "ca-on", False),
    ("sault", "Sault Ste. Marie, ON", 46.522, -84.346, "ca-on", True),
    ("winnipeg", "Winnipeg, MB", 49.895, -97.138, "ca-pr", False),
    ("saskatoon", "Saskatoon, SK", 52.133, -106.670, "ca-pr", False),
    ("edmonton", "Edmonton, AB", 53.546, -113.494, "ca-ab", False),
    ("redwater", "Redwater, AB", 53.951, -113.107, "ca-ab", False),
    ("fort-sask", "Fort Saskatchewan, AB", 53.713, -113.213, "ca-ab", False),
    ("calgary", "Calgary, AB", 51.045, -114.072, "ca-ab", False),
    ("cold-lake", "Cold Lake, AB", 54.464, -110.182, "ca-ab", False),
    ("fort-mcmurray", "Fort McMurray, AB", 56.726, -111.381, "ca-ab", False),
    ("vancouver", "Vancouver, BC", 49.283, -123.121, "ca-bc", True),
    ("trail", "Trail, BC", 49.096, -117.711, "ca-bc", False),
    ("logan-lake", "Logan Lake, BC", 50.494, -120.812, "ca-bc", False),
    ("kitimat", "Kitimat, BC", 54.052, -128.653, "ca-bc", True),
    ("halifax", "Halifax, NS", 44.649, -63.575, "ca-at", True),
    ("dartmouth", "Dartmouth, NS", 44.671, -63.577, "ca-at", True),
    ("saint-john", "Saint John, NB", 45.273, -66.063, "ca-at", True),
]:
    city(k, n, "CAN", la, lo, reg, p)

for k, n, la, lo, reg in [
    ("sterling-heights", "Sterling Heights, MI", 42.580, -83.030, "us-mw"),
    ("lima", "Lima, OH", 40.742, -84.105, "us-mw"),
    ("columbus-in", "Columbus, IN", 39.201, -85.921, "us-mw"),
    ("evendale", "Evendale, OH", 39.256, -84.418, "us-mw"),
    ("cleveland", "Cleveland, OH", 41.499, -81.694, "us-mw"),
    ("rockford", "Rockford, IL", 42.271, -89.094, "us-mw"),
    ("east-alton", "East Alton, IL", 38.881, -90.111, "us-mw"),
    ("cedar-rapids", "Cedar Rapids, IA", 41.978, -91.665, "us-mw"),
    ("davenport", "Davenport, IA", 41.524, -90.578, "us-mw"),
    ("kalamazoo", "Kalamazoo, MI", 42.291, -85.587, "us-mw"),
    ("cudahy", "Cudahy, WI", 42.960, -87.861, "us-mw"),
    ("independence", "Independence, MO", 39.091, -94.415, "us-mw"),
    ("joplin", "Joplin, MO", 37.084, -94.513, "us-mw"),
    ("wichita", "Wichita, KS", 37.687, -97.330, "us-mw"),
    ("pittsburgh", "Pittsburgh, PA", 40.440, -79.996, "us-ne"),
    ("erie", "Erie, PA", 42.129, -80.085, "us-ne"),
    ("scranton", "Scranton, PA", 41.408, -75.662, "us-ne"),
    ("coatesville", "Coatesville, PA", 39.983, -75.823, "us-ne"),
    ("sidney", "Sidney, NY", 42.315, -75.392, "us-ne"),
    ("watervliet", "Watervliet, NY", 42.730, -73.701, "us-ne"),
    ("moorestown", "Moorestown, NJ", 39.969, -74.949, "us-ne"),
    ("baltimore", "Baltimore, MD", 39.290, -76.612, "us-ne"),
    ("columbia-md", "Columbia, MD", 39.204, -76.861, "us-ne"),
    ("manassas", "Manassas, VA", 38.751, -77.475, "us-ne"),
    ("radford", "Radford, VA", 37.132, -80.577, "us-ne"),
    ("marlborough", "Marlborough, MA", 42.346, -71.552, "us-ne"),
    ("beverly", "Beverly, MA", 42.558, -70.880, "us-ne"),
    ("wilmington-ma", "Wilmington, MA", 42.546, -71.173, "us-ne"),
    ("kingsport", "Kingsport, TN", 36.548, -82.562, "us-s"),
    ("memphis", "Memphis, TN", 35.150, -90.049, "us-s"),
    ("huntsville", "Huntsville, AL", 34.730, -86.586, "us-s"),
    ("decatur", "Decatur, AL", 34.606, -86.983, "us-s"),
    ("greensboro", "Greensboro, NC", 36.073, -79.792, "us-s"),
    ("durham", "Durham, NC", 35.994, -78.899, "us-s"),
    ("spruce-pine", "Spruce Pine, NC", 35.915, -82.065, "us-s"),
    ("donaldsonville", "Donaldsonville, LA", 30.101, -90.994, "us-s"),
    ("houston", "Houston, TX", 29.760, -95.370, "us-s"),
    ("fort-worth", "Fort Worth, TX", 32.755, -97.331, "us-s"),
    ("austin", "Austin, TX", 30.267, -97.743, "us-s"),
    ("oklahoma-city", "Oklahoma City, OK", 35.468, -97.516, "us-s"),
    ("marietta", "Marietta, GA", 33.953, -84.550, "us-s"),
    ("orlando", "Orlando, FL", 28.538, -81.379, "us-s"),
    ("melbourne-fl", "Melbourne, FL", 28.084, -80.608, "us-s"),
    ("goleta", "Goleta, CA", 34.436, -119.827, "us-w"),
    ("san-jose", "San Jose, CA", 37.338, -121.886, "us-w"),
    ("torrance", "Torrance, CA", 33.836, -118.341, "us-w"),
    ("renton", "Renton, WA", 47.480, -122.205, "us-w"),
    ("mesa", "Mesa, AZ", 33.415, -111.831, "us-w"),
    ("salt-lake", "Salt Lake City, UT", 40.761, -111.891, "us-w"),
    ("boise", "Boise, ID", 43.615, -116.202, "us-w"),
    ("henderson", "Henderson, NV", 36.040, -114.982, "us-w"),
]:
    city(k, n, "USA", la, lo, reg)

for k, n, cc, la, lo, reg in [
    ("glasgow", "Glasgow", "GBR", 55.864, -4.252, "eu"),
    ("edinburgh", "Edinburgh", "GBR", 55.953, -3.188, "eu"),
    ("barrow", "Barrow-in-Furness", "GBR", 54.108, -3.218, "eu"),
    ("bristol", "Bristol", "GBR", 51.454, -2.587, "eu"),
    ("basingstoke", "Basingstoke", "GBR", 51.266, -1.087, "eu"),
    ("chelmsford", "Chelmsford", "GBR", 51.736, 0.469, "eu"),
    ("coventry", "Coventry", "GBR", 52.406, -1.512, "eu"),
    ("wolverhampton", "Wolverhampton", "GBR", 52.587, -2.129, "eu"),
    ("plymouth", "Plymouth", "GBR", 50.376, -4.143, "eu"),
    ("stevenage", "Stevenage", "GBR", 51.902, -0.202, "eu"),
    ("bourges", "Bourges", "FRA", 47.081, 2.399, "eu"),
    ("toulouse", "Toulouse", "FRA", 43.605, 1.444, "eu"),
    ("brest", "Brest", "FRA", 48.390, -4.486, "eu"),
    ("veurey", "Veurey-Voroize", "FRA", 45.272, 5.613, "eu"),
    ("villaroche", "Réau (Villaroche)", "FRA", 48.609, 2.626, "eu"),
    ("clermont", "Clermont-Ferrand", "FRA", 45.778, 3.087, "eu"),
    ("elancourt", "Élancourt", "FRA", 48.784, 1.957, "eu"),
    ("unterluss", "Unterlüß", "DEU", 52.832, 10.294, "eu"),
    ("kassel", "Kassel", "DEU", 51.312, 9.480, "eu"),
    ("munich", "Munich", "DEU", 48.135, 11.582, "eu"),
    ("ulm", "Ulm", "DEU", 48.401, 9.988, "eu"),
    ("oberkochen", "Oberkochen", "DEU", 48.785, 10.105, "eu"),
    ("friedrichshafen", "Friedrichshafen", "DEU", 47.650, 9.480, "eu"),
    ("schweinfurt", "Schweinfurt", "DEU", 50.049, 10.233, "eu"),
    ("erlangen", "Erlangen", "DEU", 49.590, 11.004, "eu"),
    ("dresden", "Dresden", "DEU", 51.050, 13.737, "eu"),
    ("ludwigshafen", "Ludwigshafen", "DEU", 49.477, 8.445, "eu"),
    ("mainz", "Mainz", "DEU", 49.993, 8.247, "eu"),
    ("dillingen", "Dillingen/Saar", "DEU", 49.355, 6.729, "eu"),
    ("dunningen", "Dunningen", "DEU", 48.208, 8.506, "eu"),
    ("heilbronn", "Heilbronn", "DEU", 49.142, 9.219, "eu"),
    ("bremen", "Bremen", "DEU", 53.079, 8.801, "eu"),
    ("stolberg", "Stolberg (Rhineland)", "DEU", 50.771, 6.227, "eu"),
    ("la-spezia", "La Spezia", "ITA", 44.102, 9.824, "eu-med"),
    ("turin", "Turin", "ITA", 45.070, 7.687, "eu-med"),
    ("rome", "Rome", "ITA", 41.903, 12.496, "eu-med"),
    ("bydgoszcz", "Bydgoszcz", "POL", 53.123, 18.008, "eu"),
    ("raufoss", "Raufoss", "NOR", 60.726, 10.612, "eu"),
    ("kongsberg", "Kongsberg", "NOR", 59.668, 9.650, "eu"),
    ("kristiansand", "Kristiansand", "NOR", 58.146, 7.996, "eu"),
    ("horten", "Horten", "NOR", 59.417, 10.484, "eu"),
    ("kollsnes", "Kollsnes (Øygarden)", "NOR", 60.550, 4.840, "eu"),
    ("karlskoga", "Karlskoga", "SWE", 59.327, 14.524, "eu"),
    ("linkoping", "Linköping", "SWE", 58.411, 15.622, "eu"),
    ("oxelosund", "Oxelösund", "SWE", 58.671, 17.101, "eu"),
    ("gothenburg", "Gothenburg", "SWE", 57.709, 11.975, "eu"),
    ("raahe", "Raahe", "FIN", 64.684, 24.479, "eu"),
    ("lapua", "Lapua", "FIN", 62.970, 23.007, "eu"),
    ("tampere", "Tampere", "FIN", 61.498, 23.761, "eu"),
    ("port-hedland", "Port Hedland, WA", "AUS", -20.310, 118.575, "aus"),
    ("weipa", "Weipa, QLD", "AUS", -12.633, 141.880, "aus"),
    ("laverton", "Laverton, WA", "AUS", -28.627, 122.404, "aus"),
    ("bunbury", "Bunbury, WA", "AUS", -33.327, 115.641, "aus"),
    ("adelaide", "Adelaide, SA", "AUS", -34.929, 138.601, "aus"),
    ("christchurch", "Christchurch", "NZL", -43.532, 172.636, "aus"),
    ("auckland", "Auckland", "NZL", -36.848, 174.763, "aus"),
    ("tokyo", "Tokyo", "JPN", 35.676, 139.650, "asia"),
    ("kyoto", "Kyoto", "JPN", 35.012, 135.768, "asia"),
    ("sagamihara", "Sagamihara", "JPN", 35.571, 139.373, "asia"),
    ("echizen", "Echizen", "JPN", 35.903, 136.169, "asia"),
    ("amagasaki", "Amagasaki", "JPN", 34.733, 135.406, "asia"),
    ("tokushima", "Tokushima", "JPN", 34.070, 134.555, "asia"),
    ("hitachi", "Hitachi", "JPN", 36.599, 140.651, "asia"),
    ("matsuyama", "Matsuyama", "JPN", 33.839, 132.765, "asia"),
    ("shirakawa", "Shirakawa", "JPN", 37.126, 140.211, "asia"),
    ("changwon", "Changwon", "KOR", 35.228, 128.681, "asia"),
    ("gumi", "Gumi", "KOR", 36.120, 128.344, "asia"),
    ("icheon", "Icheon", "KOR", 37.272, 127.435, "asia"),
    ("pohang", "Pohang", "KOR", 36.019, 129.343, "asia"),
    ("ochang", "Ochang (Cheongju)", "KOR", 36.717, 127.434, "asia"),
    ("yeongwol", "Yeongwol", "KOR", 37.184, 128.462, "asia"),
    ("haifa", "Haifa", "ISR", 32.794, 34.990, "isr"),
    ("rehovot", "Rehovot", "ISR", 31.894, 34.812, "isr"),
    ("baotou", "Baotou", "CHN", 40.657, 109.840, "asia"),
    ("ganzhou", "Ganzhou", "CHN", 25.831, 114.933, "asia"),
    ("zibo", "Zibo", "CHN", 36.813, 118.055, "asia"),
    ("kunming", "Kunming", "CHN", 25.039, 102.718, "asia"),
    ("ningbo", "Ningbo", "CHN", 29.868, 121.544, "asia"),
    ("shenzhen", "Shenzhen", "CHN", 22.543, 114.058, "asia"),
    ("suzhou", "Suzhou", "CHN", 31.299, 120.585, "asia"),
    ("xiamen", "Xiamen", "CHN", 24.480, 118.089, "asia"),
    ("ningde", "Ningde", "CHN", 26.666, 119.548, "asia"),
    ("hsinchu", "Hsinchu", "TWN", 24.804, 120.971, "asia"),
    ("taoyuan", "Taoyuan", "TWN", 24.994, 121.301, "asia"),
    ("kaohsiung", "Kaohsiung", "TWN", 22.627, 120.301, "asia"),
    ("hotazel", "Hotazel", "ZAF", -27.199, 22.958, "zaf"),
    ("rustenburg", "Rustenburg", "ZAF", -25.667, 27.242, "zaf"),
    ("richards-bay", "Richards Bay", "ZAF", -28.783, 32.038, "zaf"),
    ("somerset-west", "Somerset West", "ZAF", -34.084, 18.851, "zaf"),
    ("calama", "Calama", "CHL", -22.456, -68.924, "chl"),
    ("antofagasta", "Antofagasta", "CHL", -23.650, -70.400, "chl"),
    ("mejillones", "Mejillones", "CHL", -23.100, -70.450, "chl"),
]:
    city(k, n, cc, la, lo, reg)

C["unknown"] = ("origin unknown", "ZZZ", None, None, "unk", False)

# ----------------------------------------------------------------------------------------------------------
# Fictional firm names: made-up words + sector + country-style legal suffix.
# ----------------------------------------------------------------------------------------------------------
SYL_A = ["Ar", "Bel", "Cor", "Dra", "El", "Fen", "Gal", "Hal", "Ist", "Jor", "Kel", "Lor", "Mar", "Nor", "Ost",
         "Pel", "Quen", "Ros", "Sel", "Tor", "Ul", "Val", "Wen", "Yar", "Zel", "Brae", "Cal", "Dun", "Esk", "Tam"]
SYL_B = ["vex", "den", "gara", "lenn", "mora", "rix", "sen", "tava", "vin", "xon", "rick", "dane", "mere",
         "ton", "lis", "nar", "ven", "brook", "cliff", "holt", "wick", "stead", "dal", "quist"]
LEGAL = {"CAN": "Inc.", "USA": "Corp.", "GBR": "Ltd", "FRA": "SAS", "DEU": "GmbH", "ITA": "S.p.A.",
         "POL": "S.A.", "NOR": "AS", "SWE": "AB", "FIN": "Oy", "AUS": "Pty Ltd", "NZL": "Ltd", "JPN": "K.K.",
         "KOR": "Co., Ltd.", "ISR": "Ltd.", "CHN": "Co., Ltd.", "TWN": "Corp.", "ZAF": "(Pty) Ltd",
         "CHL": "S.A."}
_used_words = set()


def made_up_word():
    while True:
        w = rng.choice(SYL_A) + rng.choice(SYL_B)
        if w not in _used_words:
            _used_words.add(w)
            return w


def slug(s):
    out = []
    for ch in s.lower():
        if ch.isalnum() and ch.isascii():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


FIRMS = {}   # id -> dict(name,country,parent)
SITES = {}   # id -> dict(firm,country,lat,lon,name,city,region,port)
_site_by_key = {}


def get_site(city_key, sector, parent=None, word=None):
    """Return a site id for a (fictional) firm of `sector` in `city_key`, creating firm+site if needed."""
    cname, cc, lat, lon, region, port = C[city_key]
    key = (city_key, sector, parent)
    if key in _site_by_key:
        return _site_by_key[key]
    if cc == "ZZZ":
        fname = f"Unattributed {sector} broker (origin unknown)"
        fid = slug(f"unknown-{sector}-broker")
    else:
        w = word or made_up_word()
        if parent and parent != cc:
            fname = f"{w} {sector} Canada Inc." if cc == "CAN" else f"{w} {sector} {LEGAL[cc]}"
        else:
            fname = f"{w} {sector} {LEGAL[cc]}"
        fid = slug(f"{w} {sector}")
        if cc != "CAN" and not (parent and parent != cc):
            fid = slug(f"{w} {sector} {cc}")
    assert fid not in FIRMS, fid
    FIRMS[fid] = dict(name=fname, country=cc, parent=(parent if parent and parent != cc else ""))
    sid = f"{fid}-{city_key}"
    kind = {"Munitions": "plant", "Energetics": "plant", "Shipyards": "shipyard", "Mining": "mine"}.get(sector, "works")
    SITES[sid] = dict(firm=fid, country=cc, lat=lat, lon=lon, city=city_key, region=region, port=port,
                      name=(f"{fname} — {cname} {kind}" if cc != "ZZZ" else f"{fname}"))
    _site_by_key[key] = sid
    return sid


# ----------------------------------------------------------------------------------------------------------
# Items and stages
# ----------------------------------------------------------------------------------------------------------
ITEMS = {}       # id -> dict(name, kind, ec, cap, level, va)
STAGES = {}      # id -> dict(item, site, va, level)
STAGE_INPUTS = defaultdict(list)   # stage -> list of (input_item, qty, fixed_suppliers or None)
ITEMS_ORDER = []
LEVEL_NAMES = ["platform", "subsystem", "assembly", "component", "part", "processed", "raw"]


def item(iid, name, kind, level, va, ec="", cap=""):
    assert iid not in ITEMS, iid
    ITEMS[iid] = dict(name=name, kind=kind, ec=ec, cap=cap, level=level, va=va)
    ITEMS_ORDER.append(iid)
    return iid


def stage(iid, site, va=None, inputs=(), sid=None):
    sid = sid or f"{iid}@{site}"
    assert sid not in STAGES, sid
    assert all(s["item"] != iid or s["site"] != site for s in STAGES.values()), (iid, site)
    base = ITEMS[iid]["va"] if va is None else va
    STAGES[sid] = dict(item=iid, site=site, va=base, level=ITEMS[iid]["level"])
    for inp in inputs:
        add_input(sid, *inp)
    return sid


def add_input(sid, input_item, qty, suppliers=None):
    """suppliers: None = choose later from all producers; else list of (stage_id, share or None)."""
    assert all(x[0] != input_item for x in STAGE_INPUTS[sid]), (sid, input_item)
    STAGE_INPUTS[sid].append((input_item, qty, suppliers))


def makers(iid, spec, va_jitter=0.12, inputs_fn=None):
    """spec: list of (city_key, sector[, parent]) -> one stage per maker."""
    out = []
    for m in spec:
        cityk, sector = m[0], m[1]
        parent = m[2] if len(m) > 2 else None
        site = get_site(cityk, sector, parent)
        va = ITEMS[iid]["va"] * (1 + rng.uniform(-va_jitter, va_jitter))
        ins = inputs_fn() if inputs_fn else ()
        out.append(stage(iid, site, va, ins))
    return out


# ---- tier 6: raw / primary commodities (unit: kg unless named) --------------------------------------------
RAW = [
    ("raw-iron-ore", "Iron ore concentrate (kg)", 0.15, [("sept-iles", "Mining"), ("port-hedland", "Mining")]),
    ("raw-manganese", "Manganese ore (kg)", 0.35, [("hotazel", "Mining")]),
    ("raw-ferrochrome", "Ferrochrome, charge grade (kg)", 2.2, [("rustenburg", "Smelting")]),
    ("raw-nickel", "Nickel, primary refined (kg)", 24.0, [("sudbury", "Mining"), ("kristiansand", "Refining")]),
    ("raw-copper", "Copper concentrate (kg)", 3.0, [("calama", "Mining"), ("logan-lake", "Mining")]),
    ("raw-zinc", "Zinc, refined (kg)", 3.6, [("valleyfield", "Zinc Refining"), ("trail", "Metallurgical")]),
    ("raw-lead", "Lead, refined (kg)", 2.9, [("trail", "Metallurgical")]),
    ("raw-bauxite", "Bauxite (kg)", 0.08, [("weipa", "Mining")]),
    ("raw-ti-slag", "Titanium slag from ilmenite (kg)", 1.6, [("sorel", "Titanium Slag"), ("richards-bay", "Minerals")]),
    ("raw-ree", "Rare-earth mineral concentrate (kg)", 8.0, [("baotou", "Rare Earth"), ("laverton", "Rare Earths")]),
    ("raw-gallium", "Primary gallium, 4N (kg)", 650.0, [("zibo", "Gallium")]),
    ("raw-germanium", "Germanium, primary (kg)", 2600.0, [("kunming", "Germanium"), ("trail", "Metallurgical")]),
    ("raw-lithium", "Lithium carbonate (kg)", 20.0, [("antofagasta", "Lithium"), ("bunbury", "Lithium")]),
    ("raw-quartz", "High-purity quartz (kg)", 12.0, [("spruce-pine", "Quartz")]),
    ("raw-cotton-linters", "Cotton linters (kg)", 1.3, [("memphis", "Cellulose"), ("xiamen", "Cellulose")]),
    ("raw-ammonia", "Anhydrous ammonia (kg)", 0.65, [("redwater", "Nitrogen"), ("donaldsonville", "Nitrogen")]),
    ("raw-sulphur", "Sulphur (kg)", 0.15, [("fort-sask", "Sulphur")]),
    ("raw-natgas", "Natural gas feedstock (kg)", 0.25, [("calgary", "Gas Processing"), ("kollsnes", "Gas Processing"), ("houston", "Gas Processing")]),
    ("raw-crude", "Crude oil / aromatics feedstock (kg)", 0.6, [("fort-mcmurray", "Oil Sands"), ("houston", "Petroleum")]),
    ("raw-tungsten", "Tungsten concentrate, APT (kg)", 42.0, [("ganzhou", "Tungsten"), ("yeongwol", "Tungsten")]),
]
for iid, name, va, mk in RAW:
    item(iid, name, "material", 6, va, cap="critical-minerals" if iid in (
        "raw-ree", "raw-gallium", "raw-germanium", "raw-lithium", "raw-tungsten", "raw-nickel") else "materials")
    makers(iid, mk)

# ---- tier 5: processed materials -------------------------------------------------------------------------
PROC = [
    ("mat-steel-plate", "HSLA steel plate (kg)", 1.2, [("raw-iron-ore", 1.6), ("raw-manganese", 0.02), ("raw-nickel", 0.01)],
     [("hamilton", "Steel"), ("sault", "Steel"), ("coatesville", "Plate")], "materials"),
    ("mat-armour-steel", "Armour steel plate, 500 HB (kg)", 4.5, [("raw-iron-ore", 1.6), ("raw-nickel", 0.03), ("raw-ferrochrome", 0.02), ("raw-manganese", 0.015)],
     [("oxelosund", "Special Steel"), ("raahe", "Steel"), ("dillingen", "Plate")], "materials"),
    ("mat-forging-steel", "Forging-grade alloy steel billet, 4340-type (kg)", 2.5, [("raw-iron-ore", 1.5), ("raw-nickel", 0.02), ("raw-ferrochrome", 0.012), ("raw-manganese", 0.01)],
     [("sault", "Steel"), ("pittsburgh", "Specialty Metals")], "materials"),
    ("mat-al-alloy", "Aluminium alloy plate & extrusion, 6xxx/7xxx (kg)", 6.0, [("raw-bauxite", 4.5)],
     [("saguenay", "Aluminium"), ("kitimat", "Aluminium"), ("davenport", "Rolling")], "materials"),
    ("mat-ti-billet", "Titanium alloy billet, Ti-6Al-4V (kg)", 45.0, [("raw-ti-slag", 3.0)],
     [("amagasaki", "Titanium"), ("henderson", "Titanium")], "materials"),
    ("mat-copper-rod", "Copper wire rod (kg)", 9.5, [("raw-copper", 3.6)],
     [("montreal-est", "Copper Refining"), ("mejillones", "Copper")], "materials"),
    ("mat-brass-strip", "Cartridge brass / gilding-metal strip (kg)", 11.0, [("raw-copper", 2.5), ("raw-zinc", 0.32)],
     [("east-alton", "Brass"), ("stolberg", "Brass")], "munitions"),
    ("mat-ree-oxide", "Separated NdPr oxide (kg)", 95.0, [("raw-ree", 10.0)],
     [("baotou", "Rare Earth"), ("saskatoon", "Rare Earth Processing"), ("ganzhou", "Rare Earth")], "critical-minerals"),
    ("mat-si-wafer", "Prime silicon wafer, 300 mm (wafer)", 160.0, [("raw-quartz", 0.5)],
     [("hsinchu", "Wafer"), ("shirakawa", "Silicon"), ("gumi", "Silicon")], "microelectronics"),
    ("mat-gan-epi", "GaN-on-SiC epitaxial wafer (wafer)", 2600.0, [("raw-gallium", 0.004)],
     [("durham", "Compound Semiconductor"), ("hitachi", "Compound Semiconductor")], "microelectronics"),
    ("mat-ge-blank", "Germanium optical blank (kg)", 650.0, [("raw-germanium", 1.1)],
     [("trail", "Optical Materials"), ("kunming", "Optical Materials")], "materials"),
    ("mat-nc", "Nitrocellulose (kg)", 8.0, [("raw-cotton-linters", 0.8), ("raw-ammonia", 0.5), ("raw-sulphur", 0.3)],
     [("valleyfield", "Energetics", "USA"), ("radford", "Energetics")], "munitions"),
    ("mat-tnt", "TNT, military grade (kg)", 12.0, [("raw-crude", 0.6), ("raw-ammonia", 0.4), ("raw-sulphur", 0.2)],
     [("bydgoszcz", "Chemicals")], "munitions"),
    ("mat-rdx", "RDX/HMX, military grade (kg)", 32.0, [("raw-natgas", 1.2), ("raw-ammonia", 0.8)],
     [("kingsport", "Energetics"), ("karlskoga", "Energetics")], "munitions"),
    ("mat-polymer", "Engineering polymer resin, PA/PEEK (kg)", 15.0, [("raw-crude", 1.3)],
     [("sarnia", "Polymers"), ("ludwigshafen", "Polymers"), ("houston", "Polymers")], "materials"),
    ("mat-cf-prepreg", "Carbon-fibre prepreg (kg)", 80.0, [("raw-crude", 2.0)],
     [("decatur", "Carbon Fibre"), ("matsuyama", "Carbon Fibre")], "materials"),
    ("mat-fr4", "FR-4 copper-clad laminate (kg)", 25.0, [("raw-crude", 0.6), ("raw-quartz", 0.3), ("raw-copper", 0.4)],
     [("taoyuan", "Laminates"), ("suzhou", "Laminates")], "microelectronics"),
    ("mat-pzt", "PZT piezoceramic powder (kg)", 120.0, [("raw-lead", 0.7)],
     [("kyoto", "Ceramics"), ("salt-lake", "Ceramics")], "materials"),
    ("mat-cathode", "NMC cathode active material (kg)", 40.0, [("raw-lithium", 0.6), ("raw-nickel", 0.5)],
     [("becancour", "Battery Materials", "KOR"), ("pohang", "Battery Materials")], "materials"),
    ("mat-optical-glass", "Optical glass blank (kg)", 210.0, [("raw-quartz", 1.2)],
     [("mainz", "Optical Glass"), ("sagamihara", "Optical Glass")], "materials"),
    ("mat-tungsten-alloy", "Tungsten heavy alloy (kg)", 120.0, [("raw-tungsten", 1.0), ("raw-nickel", 0.05)],
     [("xiamen", "Tungsten"), ("huntsville", "Tungsten")], "materials"),
    ("mat-jet-fuel", "Aviation turbine fuel, F-34/JP-8 (litre)", 0.35, [("raw-crude", 0.85)],
     [("edmonton", "Refining"), ("sarnia", "Refining")], "materials"),
]
for iid, name, va, ins, mk, cap in PROC:
    item(iid, name, "material", 5, va, cap=cap)
    makers(iid, mk, inputs_fn=lambda ins=ins: [(i, q) for i, q in ins])

# ---- tier 4: parts -------------------------------------------------------------------------------------
ZZ = ("unknown", "Electronics")
PARTS = [
    ("prt-fpga", "Radiation-tolerant FPGA", 4500, "EAR:3A001", [("mat-si-wafer", 0.05)], [("san-jose", "Programmable Logic")], "microelectronics"),
    ("prt-mpu", "Embedded processor SoC", 350, "", [("mat-si-wafer", 0.02)], [("hsinchu", "Semiconductor"), ("austin", "Semiconductor")], "microelectronics"),
    ("prt-memory", "DRAM / NAND memory device", 40, "", [("mat-si-wafer", 0.01)], [("icheon", "Memory"), ("boise", "Memory")], "microelectronics"),
    ("prt-adc", "High-speed ADC/DAC", 900, "EAR:3A001", [("mat-si-wafer", 0.02)], [("wilmington-ma", "Mixed-Signal")], "microelectronics"),
    ("prt-gan-mmic", "GaN power-amplifier MMIC", 1800, "EAR:3A001", [("mat-gan-epi", 0.02)], [("greensboro", "RF Semiconductor")], "microelectronics"),
    ("prt-power-semi", "Power MOSFET / IGBT", 25, "", [("mat-si-wafer", 0.005)], [("dresden", "Power Semiconductor"), ("kyoto", "Power Devices"), ("shenzhen", "Power Devices")], "microelectronics"),
    ("prt-passives", "Passive component kit (MLCC, resistors)", 15, "", [("mat-copper-rod", 0.02), ("mat-pzt", 0.002)], [("kyoto", "Components"), ("suzhou", "Components"), ("kaohsiung", "Components"), ZZ], "microelectronics"),
    ("prt-pcb", "Bare printed circuit board, HDI", 120, "", [("mat-fr4", 0.4), ("mat-copper-rod", 0.05)], [("toronto", "Circuits"), ("taoyuan", "Circuits"), ("suzhou", "Circuits")], "microelectronics"),
    ("prt-connector", "Mil-spec circular connector", 85, "", [("mat-copper-rod", 0.05), ("mat-al-alloy", 0.05), ("mat-polymer", 0.03)], [("sidney", "Interconnect"), ("st-jean", "Interconnect"), ZZ], "c4isr"),
    ("prt-wire", "Mil-spec wire & cable (100 m)", 60, "", [("mat-copper-rod", 1.5), ("mat-polymer", 0.6)], [("montreal", "Wire & Cable"), ("cambridge", "Wire & Cable")], "materials"),
    ("prt-laser-diode", "High-power laser diode", 600, "", [("mat-gan-epi", 0.005)], [("tokushima", "Photonics"), ("quebec", "Photonics")], "sensors"),
    ("prt-mems-gyro", "MEMS gyroscope die", 300, "", [("mat-si-wafer", 0.01)], [("plymouth", "Inertial"), ("sherbrooke", "MEMS")], "sensors"),
    ("prt-ir-lens", "Germanium IR lens element", 2500, "", [("mat-ge-blank", 0.6)], [("oakville", "Optics"), ("oberkochen", "Optics")], "sensors"),
    ("prt-optical-lens", "Visible-band lens element", 180, "", [("mat-optical-glass", 0.3)], [("oberkochen", "Optics"), ("sagamihara", "Optics")], "sensors"),
    ("prt-uncooled-lwir", "Uncooled LWIR microbolometer array", 3500, "EAR:6A003", [("mat-si-wafer", 0.05)], [("goleta", "Infrared")], "sensors"),
    ("prt-li-cell", "Li-ion cell, 21700", 6, "", [("mat-cathode", 0.03), ("mat-copper-rod", 0.01)], [("ochang", "Battery"), ("ningde", "Battery")], "materials"),
    ("prt-ndfeb", "Sintered NdFeB magnet", 30, "", [("mat-ree-oxide", 0.15), ("mat-steel-plate", 0.3)], [("ningbo", "Magnetics"), ("echizen", "Magnetics")], "critical-minerals"),
    ("prt-piezo", "Piezoceramic transducer element", 90, "", [("mat-pzt", 0.05)], [("dartmouth", "Ceramics"), ("salt-lake", "Ceramics")], "sensors"),
    ("prt-steel-forging", "Closed-die alloy steel forging", 60, "", [("mat-forging-steel", 8.0)], [("welland", "Forge"), ("erie", "Forge")], "materials"),
    ("prt-al-casting", "Aluminium investment casting", 40, "", [("mat-al-alloy", 3.0)], [("windsor", "Castings"), ("laval", "Castings")], "materials"),
    ("prt-ti-forging", "Titanium forging", 900, "", [("mat-ti-billet", 12.0)], [("cudahy", "Forge"), ("longueuil", "Forge")], "aerospace"),
    ("prt-bearing", "Precision rolling bearing", 45, "", [("mat-forging-steel", 0.6)], [("gothenburg", "Bearings"), ("schweinfurt", "Bearings"), ("peterborough", "Bearings", "SWE")], "materials"),
    ("prt-fastener", "Aerospace fastener kit", 25, "", [("mat-ti-billet", 0.05), ("mat-forging-steel", 0.2)], [("torrance", "Fasteners"), ("toronto", "Fasteners")], "aerospace"),
    ("prt-seal", "Elastomer seal & gasket kit", 12, "", [("mat-polymer", 0.2)], [("cambridge", "Seals"), ("suzhou", "Seals")], "materials"),
    ("prt-gear", "Precision gear set", 180, "", [("mat-forging-steel", 4.0)], [("friedrichshafen", "Gear"), ("peterborough", "Gear")], "materials"),
    ("prt-hyd-fitting", "Hydraulic fitting & tube kit", 70, "", [("mat-steel-plate", 0.8), ("mat-al-alloy", 0.3)], [("cleveland", "Fluid Power"), ("brampton", "Fluid Power")], "materials"),
    ("prt-cf-panel", "Carbon-fibre composite panel", 700, "", [("mat-cf-prepreg", 4.0)], [("mirabel", "Composites"), ("winnipeg", "Composites"), ("salt-lake", "Composites")], "aerospace"),
    ("prt-armour-tile", "Ceramic-composite armour tile", 400, "", [("mat-armour-steel", 2.0), ("mat-cf-prepreg", 0.5)], [("haifa", "Armour"), ("unterluss", "Protection")], "armoured-vehicles"),
    ("prt-propellant", "Single-base propellant grains (kg)", 18, "", [("mat-nc", 0.95)], [("valleyfield", "Energetics", "USA"), ("radford", "Energetics")], "munitions"),
    ("prt-explosive-fill", "Melt-pour explosive fill, IMX/Comp-B type (kg)", 20, "", [("mat-tnt", 0.6), ("mat-rdx", 0.4)], [("repentigny", "Munitions", "USA"), ("kingsport", "Energetics")], "munitions"),
    ("prt-primer", "Percussion primer", 0.3, "", [("mat-brass-strip", 0.002), ("raw-lead", 0.0005)], [("independence", "Ammunition"), ("lapua", "Ammunition")], "munitions"),
    ("prt-brass-case", "Cartridge case, 5.56 mm", 0.12, "", [("mat-brass-strip", 0.006)], [("repentigny", "Munitions", "USA"), ("lapua", "Ammunition")], "munitions"),
    ("prt-bullet", "Bullet, 5.56 mm jacketed", 0.08, "", [("raw-lead", 0.003), ("mat-brass-strip", 0.0015)], [("repentigny", "Munitions", "USA")], "munitions"),
]
for iid, name, va, ec, ins, mk, cap in PARTS:
    item(iid, name, "component", 4, va, ec=ec, cap=cap)
    makers(iid, mk, inputs_fn=lambda ins=ins: [(i, q) for i, q in ins])

# ---- tier 3: components (shared pool) --------------------------------------------------------------------
COMPS = [
    ("cmp-cca-processor", "Processor circuit-card assembly", 2500, [("prt-fpga", 1), ("prt-mpu", 2), ("prt-memory", 4), ("prt-pcb", 1), ("prt-passives", 3), ("prt-connector", 2)],
     [("kanata", "Electronics"), ("cedar-rapids", "Electronics"), ("basingstoke", "Electronics")], "c4isr"),
    ("cmp-cca-rf", "RF transceiver circuit-card assembly", 4000, [("prt-gan-mmic", 2), ("prt-adc", 2), ("prt-fpga", 1), ("prt-pcb", 1), ("prt-passives", 4)],
     [("kanata", "Electronics"), ("chelmsford", "RF Systems")], "c4isr"),
    ("cmp-psu", "Ruggedised power supply unit", 1800, [("prt-power-semi", 8), ("prt-pcb", 1), ("prt-passives", 6), ("prt-al-casting", 1)],
     [("mississauga", "Power Electronics"), ("shenzhen", "Power Electronics"), ("cleveland", "Power Electronics")], "c4isr"),
    ("cmp-io-card", "I/O & interface card", 1200, [("prt-mpu", 1), ("prt-pcb", 1), ("prt-passives", 3), ("prt-connector", 2)],
     [("kanata", "Electronics"), ("gatineau", "Embedded Systems")], "c4isr"),
    ("cmp-display", "Rugged display unit", 6000, [("prt-mpu", 1), ("prt-pcb", 1), ("prt-passives", 2), ("prt-al-casting", 1)],
     [("taoyuan", "Display"), ("gatineau", "Embedded Systems")], "c4isr"),
    ("cmp-harness", "Wiring harness", 900, [("prt-wire", 3), ("prt-connector", 6)],
     [("windsor", "Harness"), ("brampton", "Harness"), ("cleveland", "Harness")], "c4isr"),
    ("cmp-antenna", "Antenna assembly", 3000, [("prt-pcb", 1), ("prt-connector", 2), ("prt-cf-panel", 0.2)],
     [("smiths-falls", "Antenna"), ("christchurch", "Antenna"), ("orlando", "Antenna")], "c4isr"),
    ("cmp-gnss-civil", "Civil multi-constellation GNSS receiver", 500, [("prt-mpu", 1), ("prt-pcb", 1), ("prt-passives", 2)],
     [("calgary", "Positioning"), ("hsinchu", "Positioning")], "c4isr"),
    ("cmp-imu", "MEMS inertial measurement unit", 9000, [("prt-mems-gyro", 3), ("prt-mpu", 1), ("prt-pcb", 1)],
     [("plymouth", "Inertial"), ("montreal", "Inertial", "FRA")], "c4isr"),
    ("cmp-battery", "Military Li-ion battery pack", 2200, [("prt-li-cell", 40), ("prt-pcb", 1), ("prt-al-casting", 1), ("prt-connector", 1)],
     [("brampton", "Power Systems"), ("ochang", "Battery Systems")], "c4isr"),
    ("cmp-computer", "Rugged mission computer", 25000, [("prt-fpga", 2), ("prt-mpu", 4), ("prt-memory", 8), ("prt-pcb", 2), ("prt-al-casting", 1)],
     [("kanata", "Electronics"), ("edinburgh", "Computing")], "c4isr"),
    ("cmp-camera-vis", "HD visible/NIR camera module", 4000, [("prt-optical-lens", 4), ("prt-mpu", 1), ("prt-pcb", 1)],
     [("burlington", "Imaging"), ("sagamihara", "Imaging")], "sensors"),
    ("cmp-laser-rangefinder", "Laser rangefinder / designator module", 30000, [("prt-laser-diode", 2), ("prt-optical-lens", 3), ("prt-pcb", 1), ("prt-fpga", 1)],
     [("edinburgh", "Electro-Optics"), ("quebec", "Photonics")], "sensors"),
    ("cmp-thermal-uncooled", "Uncooled thermal imager core", 2000, [("prt-uncooled-lwir", 1), ("prt-ir-lens", 1), ("prt-fpga", 1), ("prt-pcb", 1)],
     [("quebec", "Photonics"), ("goleta", "Infrared")], "sensors"),
    ("cmp-cryocooler", "Linear Stirling cryocooler", 6000, [("prt-ndfeb", 2), ("prt-bearing", 2), ("prt-al-casting", 1)],
     [("haifa", "Cryogenics"), ("heilbronn", "Cryogenics")], "sensors"),
    ("cmp-motor", "Brushless servo motor", 900, [("prt-ndfeb", 6), ("prt-wire", 1), ("prt-bearing", 2), ("prt-al-casting", 1)],
     [("peterborough", "Motion"), ("erlangen", "Drives"), ("ningbo", "Motors")], "materials"),
    ("cmp-actuator-em", "Electromechanical actuator", 3500, [("prt-ndfeb", 4), ("prt-gear", 1), ("prt-bearing", 2), ("prt-al-casting", 1), ("prt-pcb", 1)],
     [("longueuil", "Actuation"), ("wolverhampton", "Actuation")], "aerospace"),
    ("cmp-actuator-hyd", "Hydraulic actuator", 5000, [("prt-steel-forging", 2), ("prt-seal", 2), ("prt-hyd-fitting", 1), ("prt-bearing", 1)],
     [("longueuil", "Actuation"), ("kalamazoo", "Hydraulics")], "aerospace"),
    ("cmp-pump", "Hydraulic / fuel pump", 4000, [("prt-al-casting", 2), ("prt-bearing", 2), ("prt-seal", 2), ("prt-gear", 1)],
     [("rockford", "Pumps"), ("mississauga", "Pumps")], "materials"),
    ("cmp-gearbox", "Gearbox / transfer case", 12000, [("prt-gear", 4), ("prt-bearing", 6), ("prt-al-casting", 2), ("prt-seal", 2)],
     [("friedrichshafen", "Gear"), ("kitchener", "Driveline"), ("turin", "Transmissions")], "armoured-vehicles"),
    ("cmp-housing", "Machined aluminium housing", 1500, [("prt-al-casting", 1), ("prt-fastener", 1), ("prt-seal", 1)],
     [("laval", "Machining"), ("windsor", "Machining"), ("cleveland", "Machining")], "materials"),
    ("cmp-struct-machined", "Machined titanium structural part", 8000, [("prt-ti-forging", 1), ("prt-fastener", 1)],
     [("winnipeg", "Aerostructures"), ("wichita", "Aerostructures")], "aerospace"),
    ("cmp-composite-struct", "Composite structural assembly", 15000, [("prt-cf-panel", 4), ("prt-fastener", 2)],
     [("winnipeg", "Aerostructures"), ("mirabel", "Composites"), ("salt-lake", "Composites")], "aerospace"),
    ("cmp-heat-exch", "Heat exchanger / liquid-cooling unit", 3000, [("prt-al-casting", 2), ("prt-hyd-fitting", 1), ("prt-seal", 1)],
     [("oakville", "Thermal"), ("ulm", "Thermal")], "materials"),
    ("cmp-valve", "Valve & manifold block", 1500, [("prt-steel-forging", 1), ("prt-seal", 2), ("prt-hyd-fitting", 1)],
     [("toronto", "Valves"), ("glasgow", "Valves")], "materials"),
    ("cmp-armour-panel", "Add-on armour panel", 6000, [("prt-armour-tile", 6), ("prt-fastener", 1)],
     [("kingston", "Protection"), ("unterluss", "Protection")], "armoured-vehicles"),
    ("cmp-gun-barrel", "Gun barrel, medium/large calibre", 25000, [("prt-steel-forging", 5)],
     [("sorel", "Forge", "DEU"), ("watervliet", "Cannon")], "munitions"),
    ("cmp-wheel", "Run-flat wheel & tyre station", 2500, [("prt-al-casting", 1), ("prt-seal", 1)],
     [("kitchener", "Tyre", "FRA"), ("clermont", "Tyre")], "armoured-vehicles"),
    ("cmp-suspension", "Hydropneumatic suspension strut", 7000, [("prt-steel-forging", 2), ("prt-seal", 3), ("prt-hyd-fitting", 1)],
     [("kitchener", "Driveline"), ("mesa", "Suspension")], "armoured-vehicles"),
    ("cmp-diesel-engine", "Diesel engine, 450-600 kW", 90000, [("prt-steel-forging", 10), ("prt-al-casting", 6), ("prt-bearing", 12), ("prt-gear", 2), ("prt-seal", 10), ("prt-fastener", 4)],
     [("columbus-in", "Engines"), ("friedrichshafen", "Engines")], "armoured-vehicles"),
    ("cmp-hydrophone", "Hydrophone module", 1200, [("prt-piezo", 4), ("prt-pcb", 1), ("prt-wire", 1)],
     [("dartmouth", "Acoustics"), ("brest", "Acoustics")], "sensors"),
    ("cmp-transducer", "Sonar transducer stave", 6000, [("prt-piezo", 20), ("prt-al-casting", 1), ("prt-wire", 1)],
     [("dartmouth", "Acoustics"), ("brest", "Acoustics")], "sensors"),
    ("cmp-reflector", "Carbon-fibre antenna reflector panel set", 40000, [("prt-cf-panel", 10), ("prt-fastener", 2)],
     [("ste-anne", "Space Structures"), ("bremen", "Space Structures")], "space"),
    ("cmp-rf-frontend", "RF front-end module (LNA/HPA)", 15000, [("prt-gan-mmic", 4), ("prt-pcb", 1), ("prt-al-casting", 1), ("prt-connector", 2)],
     [("ste-anne", "RF"), ("chelmsford", "RF Systems"), ("melbourne-fl", "RF")], "c4isr"),
    ("cmp-marine-gt", "Marine gas turbine, 25-36 MW", 28000000, [("prt-ti-forging", 40), ("prt-bearing", 30), ("prt-steel-forging", 60), ("prt-fastener", 50)],
     [("evendale", "Turbines"), ("bristol", "Marine Power")], "shipbuilding"),
]
for iid, name, va, ins, mk, cap in COMPS:
    item(iid, name, "component", 3, va, ec=("EAR:9A991" if iid == "cmp-marine-gt" else ""), cap=cap)
    makers(iid, mk, inputs_fn=lambda ins=ins: [(i, q) for i, q in ins])

# ---- export-controlled "embedded" items and their slots ---------------------------------------------------
# 155 mm: fuze safe-and-arm device. US-origin (ITAR) or EU-origin (uncontrolled); fuze itself made in either.
item("prt-fuze-sa-us", "Fuze safe-and-arm device (US-origin)", "component", 3, 380, ec="ITAR:III", cap="munitions")
item("prt-fuze-sa-eu", "Fuze safe-and-arm device (EU-origin)", "component", 3, 400, cap="munitions")
S_FUZE_SA_US = stage("prt-fuze-sa-us", get_site("joplin", "Ordnance Electronics"), inputs=[("prt-steel-forging", 0.1), ("prt-pcb", 1), ("prt-passives", 1)])
S_FUZE_SA_EU = stage("prt-fuze-sa-eu", get_site("dunningen", "Fuze"), inputs=[("prt-steel-forging", 0.1), ("prt-pcb", 1), ("prt-passives", 1)])
# LAV: 25 mm cannon receiver group, US chain-gun (ITAR) vs EU revolver-cannon (uncontrolled).
item("prt-cannon-rcvr-us", "25 mm chain-gun receiver group (US-origin)", "component", 4, 60000, ec="ITAR:II", cap="munitions")
item("prt-cannon-rcvr-eu", "25 mm revolver-cannon receiver group (EU-origin)", "component", 4, 65000, cap="munitions")
S_RCVR_US = stage("prt-cannon-rcvr-us", get_site("mesa", "Armament"), inputs=[("mat-forging-steel", 90), ("mat-tungsten-alloy", 2)])
S_RCVR_EU = stage("prt-cannon-rcvr-eu", get_site("unterluss", "Armament"), inputs=[("mat-forging-steel", 95), ("mat-tungsten-alloy", 2)])
item("cmp-cannon-25mm", "25 mm cannon assembly", "component", 2, 90000, cap="munitions")
S_CANNON_US = stage("cmp-cannon-25mm", get_site("mesa", "Armament"), inputs=[
    ("prt-cannon-rcvr-us", 1, [(S_RCVR_US, None)]), ("cmp-gun-barrel", 1), ("cmp-motor", 1)])
S_CANNON_EU = stage("cmp-cannon-25mm", get_site("unterluss", "Armament"), inputs=[
    ("prt-cannon-rcvr-eu", 1, [(S_RCVR_EU, None)]), ("cmp-gun-barrel", 1), ("cmp-motor", 1)])
# Radio: embedded COMSEC. US Type-1 crypto (ITAR) vs Canadian crypto module (Controlled Goods).
item("prt-crypto-us", "Type-1 crypto engine (US-origin)", "component", 3, 3500, ec="ITAR:XIII", cap="c4isr")
item("prt-crypto-cgp", "Crypto engine, Canadian design", "component", 3, 4200, ec="CGP", cap="c4isr")
S_CRYPTO_US = stage("prt-crypto-us", get_site("columbia-md", "Secure Communications"), inputs=[("prt-fpga", 1), ("prt-pcb", 1)])
S_CRYPTO_CA = stage("prt-crypto-cgp", get_site("ottawa", "Cryptologic"), inputs=[("prt-fpga", 1), ("prt-pcb", 1)])
# EO/IR: cooled MWIR focal-plane array. US-origin (ITAR) vs French-origin (uncontrolled).
item("prt-mwir-fpa-us", "Cooled MWIR focal-plane array (US-origin)", "component", 4, 28000, ec="ITAR:XII", cap="sensors")
item("prt-mwir-fpa-eu", "Cooled MWIR focal-plane array (EU-origin)", "component", 4, 30000, cap="sensors")
S_FPA_US = stage("prt-mwir-fpa-us", get_site("goleta", "Infrared"), inputs=[("mat-si-wafer", 0.2)])
S_FPA_EU = stage("prt-mwir-fpa-eu", get_site("veurey", "Infrared"), inputs=[("mat-si-wafer", 0.2)])
# UAS: M-code GNSS receiver, US only (no allied alternative).
item("cmp-mcode-gnss", "M-code GPS receiver module", "component", 3, 12000, ec="ITAR:XII", cap="c4isr")
S_MCODE = stage("cmp-mcode-gnss", get_site("cedar-rapids", "Navigation"), inputs=[("prt-fpga", 1), ("prt-mpu", 1), ("prt-pcb", 1)])
# MPA: acoustic processor, US only.
item("cmp-acoustic-proc", "Multistatic acoustic processor (US-origin)", "component", 3, 2500000, ec="ITAR:XI", cap="c4isr")
S_ACPROC = stage("cmp-acoustic-proc", get_site("manassas", "Mission Systems"), inputs=[("prt-fpga", 12), ("prt-adc", 16), ("prt-memory", 64), ("prt-pcb", 6)])
# Satellite ground segment: protected-band modem core, US only.
item("cmp-pt-modem-core", "Protected-tactical SATCOM modem core (US-origin)", "component", 3, 350000, ec="ITAR:XI", cap="space")
S_MODEM = stage("cmp-pt-modem-core", get_site("marlborough", "Satcom"), inputs=[("prt-fpga", 4), ("prt-adc", 4), ("prt-pcb", 2)])

# ---- assembly templates ---------------------------------------------------------------------------------
# template -> (label, [(item, qty_lo, qty_hi, prob)], preferred pool sectors)
TEMPLATES = {
    "structure": ("structural assembly", [("cmp-housing", 1, 4, 0.6), ("cmp-composite-struct", 1, 2, 0.4), ("cmp-struct-machined", 1, 3, 0.4),
                                          ("prt-fastener", 1, 6, 0.9), ("mat-al-alloy", 20, 200, 0.6), ("mat-steel-plate", 50, 500, 0.4)], "Fabrication"),
    "electronics": ("electronics unit", [("cmp-cca-processor", 1, 3, 0.9), ("cmp-io-card", 1, 2, 0.7), ("cmp-psu", 1, 2, 0.9),
                                        ("cmp-harness", 1, 2, 0.7), ("cmp-housing", 1, 1, 0.6)], "Electronics"),
    "rf": ("RF unit", [("cmp-cca-rf", 1, 2, 0.9), ("cmp-rf-frontend", 1, 2, 0.5), ("cmp-antenna", 1, 2, 0.6), ("cmp-psu", 1, 1, 0.7),
                       ("cmp-harness", 1, 1, 0.5)], "Electronics"),
    "power": ("power distribution unit", [("cmp-psu", 1, 4, 0.9), ("cmp-battery", 1, 4, 0.6), ("cmp-harness", 1, 2, 0.8)], "Electronics"),
    "mechanism": ("drive mechanism", [("cmp-motor", 1, 4, 0.9), ("cmp-actuator-em", 1, 3, 0.6), ("cmp-gearbox", 1, 1, 0.4),
                                     ("cmp-housing", 1, 1, 0.5), ("prt-bearing", 2, 8, 0.6)], "Fabrication"),
    "hydraulic": ("hydraulic unit", [("cmp-pump", 1, 2, 0.9), ("cmp-actuator-hyd", 1, 4, 0.8), ("cmp-valve", 1, 3, 0.8),
                                    ("prt-hyd-fitting", 1, 4, 0.6)], "Fabrication"),
    "cooling": ("cooling unit", [("cmp-heat-exch", 1, 2, 0.9), ("cmp-pump", 1, 1, 0.7), ("cmp-motor", 1, 2, 0.4), ("cmp-harness", 1, 1, 0.4)], "Fabrication"),
    "display": ("operator console", [("cmp-display", 1, 3, 0.9), ("cmp-cca-processor", 1, 1, 0.8), ("cmp-harness", 1, 1, 0.6),
                                    ("cmp-housing", 1, 1, 0.5)], "Electronics"),
    "sensor": ("sensor head", [("cmp-camera-vis", 1, 1, 0.9), ("cmp-thermal-uncooled", 1, 1, 0.8), ("cmp-laser-rangefinder", 1, 1, 0.3),
                               ("cmp-housing", 1, 1, 0.6)], "Electronics"),
    "nav": ("navigation unit", [("cmp-imu", 1, 1, 0.9), ("cmp-gnss-civil", 1, 1, 0.8), ("cmp-cca-processor", 1, 1, 0.6)], "Electronics"),
    "harness": ("harness & interconnect", [("cmp-harness", 2, 8, 1.0), ("prt-connector", 4, 20, 0.8), ("prt-wire", 1, 10, 0.7)], "Electronics"),
    "armour": ("armour kit", [("cmp-armour-panel", 4, 16, 1.0), ("mat-armour-steel", 200, 1500, 0.8)], "Fabrication"),
    "acoustic": ("acoustic array", [("cmp-hydrophone", 8, 64, 0.9), ("cmp-transducer", 2, 24, 0.6), ("cmp-harness", 1, 2, 0.7)], "Fabrication"),
    "custom": ("assembly", [], "Fabrication"),
    "custom-elec": ("module", [], "Electronics"),
    "computing": ("processing cabinet", [("cmp-computer", 1, 4, 0.9), ("cmp-io-card", 1, 4, 0.6), ("cmp-psu", 1, 2, 0.8),
                                        ("cmp-heat-exch", 1, 1, 0.4)], "Electronics"),
}
# Tier-2 contract manufacturers (assembly pool), by sector.
POOL = {
    "Fabrication": {"CAN": ["laval", "longueuil", "drummondville", "sherbrooke", "st-jean", "peterborough", "cambridge", "kitchener",
                            "london", "windsor", "hamilton", "winnipeg", "edmonton", "calgary", "saint-john", "halifax", "vancouver"],
                    "USA": ["cleveland", "lima", "wichita", "rockford", "pittsburgh"],
                    "ALLY": ["coventry", "kassel", "turin", "linkoping", "tampere", "kongsberg", "adelaide", "changwon"]},
    "Electronics": {"CAN": ["kanata", "ottawa", "gatineau", "montreal", "laval", "mississauga", "toronto", "waterloo", "burlington",
                            "quebec", "calgary", "dartmouth", "vancouver", "smiths-falls"],
                    "USA": ["cedar-rapids", "orlando", "melbourne-fl", "salt-lake", "marlborough"],
                    "ALLY": ["basingstoke", "chelmsford", "elancourt", "munich", "rome", "kongsberg", "linkoping", "rehovot", "auckland"]},
}
POOL_SECTOR_NAME = {"Fabrication": ["Precision", "Fabrication", "Manufacturing", "Industries"],
                    "Electronics": ["Electronics", "Systems", "Technologies", "Microsystems"]}
_pool_sites = {}


def pool_site(sector, exclude_sites):
    r = rng.random()
    grp = "CAN" if r < 0.62 else ("USA" if r < 0.82 else "ALLY")
    for _ in range(50):
        ck = rng.choice(POOL[sector][grp])
        key = (sector, ck)
        if key not in _pool_sites:
            _pool_sites[key] = get_site(ck, rng.choice(POOL_SECTOR_NAME[sector]))
        if _pool_sites[key] not in exclude_sites:
            return _pool_sites[key]
    raise AssertionError("pool exhausted")


def template_inputs(tpl):
    label, cands, _ = TEMPLATES[tpl]
    chosen = []
    for iid, lo, hi, p in cands:
        if rng.random() < p:
            q = lo if lo == hi else rng.randint(lo, hi)
            chosen.append((iid, q))
    comps = [c for c in chosen if c[0].startswith("cmp-")]
    if len(comps) < 2 and cands:
        extra = [c for c in cands if c[0].startswith("cmp-") and c[0] not in {x[0] for x in chosen}]
        for iid, lo, hi, _ in extra[: 2 - len(comps)]:
            chosen.append((iid, lo))
    return chosen


def assembly(sub_key, sub_short, sub_site, spec):
    """spec: template name, or (template, explicit name), or (template, name, extra_inputs)."""
    if isinstance(spec, str):
        spec = (spec, None)
    tpl, name = spec[0], spec[1]
    extra = spec[2] if len(spec) > 2 else []
    label, _, sector = TEMPLATES[tpl]
    base = f"asm-{sub_key}-{tpl}"
    iid, n = base, 2
    while iid in ITEMS:
        iid, n = f"{base}-{n}", n + 1
    nm = name or f"{sub_short} {label}"
    item(iid, nm, "component", 2, 0, cap=None)
    extra_ids = {e[0] for e in extra}
    ins = [x for x in template_inputs(tpl) if x[0] not in extra_ids] + list(extra)
    nstages = 2 if rng.random() < 0.15 else 1
    sites = []
    for k in range(nstages):
        if k == 0 and rng.random() < 0.35:
            s = sub_site
        else:
            s = pool_site(sector, set(sites) | {sub_site} if k else set(sites))
        sites.append(s)
        stage(iid, s, None, [(i, q) for i, q in ins])
    return iid


# ---- subsystems and platforms ---------------------------------------------------------------------------
PLATFORMS = []   # (stage id, demand, loss)
SUB_VA = {}


def subsystem(plat_cap, key, name, short, va, makers_spec, assemblies=(), direct=(), ec="", cap=None, kind="subsystem"):
    """makers_spec: list of (city, sector[, parent]) or site ids, or a list of tuples (site, share, extra_inputs)."""
    iid = item(f"sub-{key}", name, kind, 1, va, ec=ec, cap=cap or plat_cap)
    sites = []
    extras = []
    shares = []
    for m in makers_spec:
        if isinstance(m, dict):
            site = m["site"]
            extras.append(m.get("extra", []))
            shares.append(m.get("share"))
        else:
            site = m if isinstance(m, str) else get_site(*m)
            extras.append([])
            shares.append(None)
        sites.append(site)
    asm_ids = [assembly(key, short, sites[0], a) for a in assemblies]
    for a in asm_ids:
        ITEMS[a]["cap"] = cap or plat_cap
    stage_ids = []
    for site, extra in zip(sites, extras):
        ins = [(a, 1) for a in asm_ids] + list(direct) + list(extra)
        stage_ids.append(stage(iid, site, va * (1 + rng.uniform(-0.08, 0.08)), ins))
    return iid, list(zip(stage_ids, shares))


def platform(key, name, cap, site, va, demand, loss, subs, direct=()):
    iid = item(f"plt-{key}", name, "platform", 0, va, cap=cap)
    ins = []
    for sub_iid, sup, qty in subs:
        fixed = sup if any(s is not None for _, s in sup) else None
        ins.append((sub_iid, qty, fixed))
    ins += list(direct)
    sid = stage(iid, site, va, ins)
    PLATFORMS.append((sid, demand, loss))
    return sid


def S(city_key, sector, parent=None):
    return get_site(city_key, sector, parent)


# 1. 155 mm HE artillery ammunition -----------------------------------------------------------------------
LAP = S("repentigny", "Munitions", "USA")
VALLEY = S("valleyfield", "Energetics", "USA")
p = "munitions"
subs = []
subs.append((*subsystem(p, "155-body", "155 mm projectile metal parts (body, base, rotating band)", "155 mm body", 900,
                        [dict(site=S("ingersoll", "Metal Parts", "DEU"), share=0.7), dict(site=S("scranton", "Metal Parts"), share=0.3)],
                        [("custom", "155 mm body forging & machining", [("mat-forging-steel", 48)]),
                         ("custom", "155 mm rotating band & base plug", [("mat-brass-strip", 1.2), ("prt-steel-forging", 0.1)])], ec="CGP"), 1))
subs.append((*subsystem(p, "155-fuze", "Multi-option artillery fuze", "Fuze", 600,
                        [dict(site=S("joplin", "Ordnance Electronics"), share=0.6, extra=[("prt-fuze-sa-us", 1, [(S_FUZE_SA_US, None)])]),
                         dict(site=S("dunningen", "Fuze"), share=0.4, extra=[("prt-fuze-sa-eu", 1, [(S_FUZE_SA_EU, None)])])],
                        [("custom-elec", "Fuze electronics module", [("prt-mpu", 1), ("prt-pcb", 1), ("prt-passives", 2), ("prt-power-semi", 2)])],
                        direct=[("prt-al-casting", 1)]), 1))
subs.append((*subsystem(p, "155-fill", "Loaded HE fill, IMX-type (per projectile)", "HE fill", 250, [LAP],
                        [], direct=[("prt-explosive-fill", 10.8)]), 1))
subs.append((*subsystem(p, "155-charge", "Modular artillery charge set (per round)", "Charge", 450, [VALLEY, S("bourges", "Propulsion")],
                        [("custom", "Combustible cartridge case", [("mat-nc", 0.9), ("mat-polymer", 0.3)])],
                        direct=[("prt-propellant", 11.5), ("prt-primer", 1)]), 1))
subs.append((*subsystem(p, "155-pack", "Palletised packaging & container (per round)", "Packaging", 60, [S("drummondville", "Containers")],
                        [], direct=[("mat-steel-plate", 3.0), ("mat-polymer", 0.4)]), 1))
P155 = platform("155mm-he", "155 mm HE artillery projectile (M795-type), loaded & packed", p, LAP, 650, 100, 5000, subs)

# 2. 5.56 mm small-arms ammunition ---------------------------------------------------------------------
subs = []
subs.append((*subsystem(p, "saa-case", "Primed cartridge cases, 5.56 mm (lot of 1000)", "Case", 60, [LAP],
                        direct=[("prt-brass-case", 1000), ("prt-primer", 1000)]), 1))
subs.append((*subsystem(p, "saa-bullet", "Projectiles, 5.56 mm (lot of 1000)", "Bullet", 40, [LAP], direct=[("prt-bullet", 1000)]), 1))
subs.append((*subsystem(p, "saa-propellant", "Ball propellant charge (lot of 1000)", "Propellant", 10, [VALLEY, S("lapua", "Ammunition")],
                        direct=[("prt-propellant", 1.7)]), 1))
subs.append((*subsystem(p, "saa-links", "Links & packaging (lot of 1000)", "Links", 35, [S("st-jean", "Stampings")],
                        direct=[("mat-steel-plate", 3.5), ("mat-polymer", 0.5)]), 1))
PSAA = platform("saa-556", "5.56 mm NATO ball ammunition, linked (1000 rounds)", p, LAP, 250, 60, 2500, subs)

# 3. LAV-type armoured vehicle --------------------------------------------------------------------------
p = "armoured-vehicles"
LAVS = S("london", "Land Systems", "USA")
subs = []
subs.append((*subsystem(p, "lav-hull", "Armoured hull, welded", "Hull", 650000, [LAVS],
                        [("structure", "Hull structure", [("mat-armour-steel", 9000)]), "armour", "harness"], ec="CGP"), 1))
subs.append((*subsystem(p, "lav-powerpack", "Powerpack (engine, transmission, cooling)", "Powerpack", 120000,
                        [S("columbus-in", "Engines"), S("friedrichshafen", "Engines")], ["cooling", "power"],
                        direct=[("cmp-diesel-engine", 1), ("cmp-gearbox", 1)]), 1))
subs.append((*subsystem(p, "lav-driveline", "Driveline & suspension (8x8)", "Driveline", 180000, [S("kitchener", "Driveline")],
                        ["mechanism", "hydraulic"], direct=[("cmp-suspension", 8), ("cmp-wheel", 8)]), 1))
subs.append((*subsystem(p, "lav-turret", "Two-person turret with 25 mm cannon", "Turret", 420000, [LAVS],
                        ["mechanism", "electronics", ("sensor", "Gunner's sight")], direct=[("cmp-cannon-25mm", 1)]), 1))
subs.append((*subsystem(p, "lav-vetronics", "Vetronics & C4I suite", "Vetronics", 250000, [S("kanata", "Electronics")],
                        ["electronics", "display", "nav", "harness"]), 1))
PLAV = platform("lav", "LAV-type 8x8 armoured vehicle", p, LAVS, 900000, 0.1, 8000000, subs)

# 4. Surface combatant ----------------------------------------------------------------------------------
p = "shipbuilding"
YARD = S("halifax", "Shipyards")
DART = S("dartmouth", "Undersea Systems", "GBR")
subs = []
subs.append((*subsystem(p, "ffh-hull", "Hull & superstructure blocks", "Hull", 350000000, [YARD],
                        [("structure", "Mid-body hull blocks", [("mat-steel-plate", 3200000)]),
                         ("structure", "Superstructure & mast blocks", [("mat-steel-plate", 500000), ("mat-al-alloy", 60000)]),
                         "harness", "hydraulic"]), 1))
subs.append((*subsystem(p, "ffh-propulsion", "Combined propulsion plant (gas turbine + diesel)", "Propulsion", 60000000,
                        [S("montreal", "Marine Systems")], ["cooling", "electronics", "mechanism"],
                        direct=[("cmp-marine-gt", 1), ("cmp-diesel-engine", 4), ("cmp-gearbox", 2)]), 1))
item("asm-ffh-weapon-control", "Aegis-type weapon-control computing (US-origin)", "component", 2, 45000000, ec="ITAR:XI", cap="c4isr")
S_WCS = stage("asm-ffh-weapon-control", S("moorestown", "Combat Systems"), inputs=[("cmp-computer", 24), ("cmp-io-card", 40), ("cmp-psu", 12)])
subs.append((*subsystem(p, "ffh-cms", "Combat management system", "CMS", 90000000, [S("dartmouth", "Combat Systems", "USA")],
                        ["computing", "display", "display", "harness"], direct=[("asm-ffh-weapon-control", 1)]), 1))
subs.append((*subsystem(p, "ffh-radar", "Air & missile defence radar (SPY-7-type)", "AMD radar", 250000000,
                        [S("moorestown", "Combat Systems")], ["rf", "rf", "cooling", "computing"], ec="ITAR:XI", cap="c4isr"), 1))
subs.append((*subsystem(p, "ffh-vls", "Vertical launching system (Mk 41-type), 32 cells", "VLS", 80000000,
                        [S("baltimore", "Launchers")], [("structure", "VLS module structure", [("mat-steel-plate", 60000)]), "electronics", "hydraulic"],
                        ec="ITAR:IV", cap="munitions"), 1))
subs.append((*subsystem(p, "ffh-sonar", "Hull-mounted & towed sonar suite (ship fit)", "Ship sonar", 40000000, [DART],
                        ["acoustic", "acoustic", "computing"]), 1))
subs.append((*subsystem(p, "ffh-gun", "Naval gun, 127 mm-type", "Naval gun", 30000000, [S("la-spezia", "Naval Armament")],
                        ["mechanism", "hydraulic", "electronics"], direct=[("cmp-gun-barrel", 1)], cap="munitions"), 1))
subs.append((*subsystem(p, "ffh-comms", "Integrated communications suite", "Ship comms", 35000000, [S("ottawa", "Naval Communications")],
                        ["rf", "rf", "electronics", "harness"], cap="c4isr"), 1))
subs.append((*subsystem(p, "ffh-ipms", "Integrated platform management & auxiliaries", "IPMS", 25000000, [S("montreal", "Control Systems")],
                        ["electronics", "display", "cooling", "hydraulic"]), 1))
subs.append((*subsystem(p, "ffh-integration", "Ship systems integration, test & trials", "Integration", 150000000, [YARD],
                        [], direct=[], kind="service"), 1))
PFFH = platform("ffh", "Surface combatant (frigate/destroyer-type)", p, YARD, 1200000000, 0.002, 4500000000, subs)

# 5. F-35-type fighter sustainment ------------------------------------------------------------------------
p = "aerospace"
COLD = S("cold-lake", "Aerospace Sustainment")
subs = []
subs.append((*subsystem(p, "f35-engine", "F135-type engine module, repaired (exchange)", "Engine module", 4000000,
                        [S("oklahoma-city", "Propulsion Services")], ["mechanism", "electronics"], direct=[("prt-ti-forging", 6)], ec="ITAR:XIX"), 0.004))
subs.append((*subsystem(p, "f35-spares", "Airframe spares & repairables kit", "Spares kit", 250000,
                        [S("fort-worth", "Aeronautics")], ["structure", "hydraulic"], ec="ITAR:VIII"), 0.02))
subs.append((*subsystem(p, "f35-structures", "Canadian-built structural assemblies (horizontal-tail type)", "Tail structure", 900000,
                        [S("winnipeg", "Aerostructures")], [("structure", "Tail box structure"), "mechanism"], ec="ITAR:VIII"), 0.002))
subs.append((*subsystem(p, "f35-gear", "Landing gear overhaul (exchange)", "Landing gear", 600000,
                        [S("longueuil", "Landing Systems")], ["hydraulic", "structure"], ec="ITAR:VIII"), 0.003))
subs.append((*subsystem(p, "f35-lo", "Low-observable coatings & materials (kg)", "LO coatings", 1800,
                        [S("marietta", "Coatings")], [], direct=[("mat-polymer", 1.2), ("mat-cf-prepreg", 0.2)], ec="ITAR:XIII"), 0.5))
subs.append((*subsystem(p, "f35-avionics", "Mission-systems LRU repair", "Avionics LRU", 300000,
                        [S("baltimore", "Avionics Services")], ["electronics", "rf"], ec="ITAR:XI"), 0.01))
subs.append((*subsystem(p, "f35-gse", "Ground support equipment & tooling", "GSE", 40000,
                        [S("mirabel", "Ground Support")], ["hydraulic", "power", "structure"]), 0.005))
PF35 = platform("f35-sustain", "F-35-type fleet sustainment (mission-capable aircraft-day)", p, COLD, 45000, 60, 250000, subs,
                direct=[("mat-jet-fuel", 9000)])

# 6. Maritime patrol aircraft -----------------------------------------------------------------------------
MPA = S("mirabel", "Mission Aircraft", "USA")
subs = []
subs.append((*subsystem(p, "mpa-airframe", "Commercial-derivative airframe (737-type), green", "Airframe", 70000000,
                        [S("renton", "Airplanes")], [("structure", "Airframe modification kit")], ec="EAR:9A991"), 1))
subs.append((*subsystem(p, "mpa-engines", "High-bypass turbofan engines (pair)", "Engines", 24000000,
                        [S("evendale", "Turbines"), S("villaroche", "Aero Engines")], ["electronics", "mechanism"],
                        direct=[("prt-ti-forging", 80)], ec="EAR:9A991"), 1))
subs.append((*subsystem(p, "mpa-acoustic", "Acoustic mission system", "Acoustics", 15000000, [DART],
                        ["electronics", "display"], direct=[("cmp-acoustic-proc", 1)], cap="c4isr"), 1))
subs.append((*subsystem(p, "mpa-radar", "Maritime surveillance radar", "Maritime radar", 12000000, [S("edinburgh", "Radar")],
                        ["rf", "electronics", "cooling"], cap="c4isr"), 1))
subs.append((*subsystem(p, "mpa-eo", "Airborne EO/IR sensor installation", "MPA EO sensor", 2500000, [S("burlington", "Imaging Systems", "USA")],
                        ["sensor", "mechanism"], cap="sensors"), 1))
subs.append((*subsystem(p, "mpa-stores", "Weapons bay & stores management", "Stores", 6000000, [MPA], ["mechanism", "electronics"]), 1))
subs.append((*subsystem(p, "mpa-comms", "Tactical data link & SATCOM", "MPA comms", 5000000, [S("ottawa", "Naval Communications")],
                        ["rf", "electronics"], cap="c4isr"), 1))
PMPA = platform("mpa", "Multi-mission maritime patrol aircraft (P-8-type)", p, MPA, 60000000, 0.004, 250000000, subs)

# 7. Tactical radio -------------------------------------------------------------------------------------
p = "c4isr"
RADIO = S("kanata", "Communications")
subs = []
subs.append((*subsystem(p, "radio-comsec", "Embedded COMSEC module", "COMSEC", 5000,
                        [dict(site=S("columbia-md", "Secure Communications"), share=0.5, extra=[("prt-crypto-us", 1, [(S_CRYPTO_US, None)])]),
                         dict(site=S("ottawa", "Cryptologic"), share=0.5, extra=[("prt-crypto-cgp", 1, [(S_CRYPTO_CA, None)])])],
                        [], direct=[("prt-pcb", 1), ("prt-passives", 2)]), 1))
subs.append((*subsystem(p, "radio-rf", "RF front-end & power amplifier", "Radio RF", 6000, [RADIO],
                        [("custom-elec", "Radio RF module", [("cmp-cca-rf", 1), ("cmp-antenna", 1)])]), 1))
subs.append((*subsystem(p, "radio-baseband", "SDR baseband processing module", "Baseband", 5000, [RADIO],
                        [("custom-elec", "SDR processing module", [("cmp-cca-processor", 1), ("cmp-io-card", 1)])]), 1))
subs.append((*subsystem(p, "radio-power", "Battery & power management", "Radio power", 1500, [S("brampton", "Power Systems")],
                        [("custom-elec", "Radio power module", [("cmp-battery", 2), ("cmp-psu", 1)])]), 1))
subs.append((*subsystem(p, "radio-enclosure", "Ruggedised enclosure & antenna kit", "Enclosure", 1200, [S("laval", "Machining")],
                        [("custom", "Radio chassis", [("cmp-housing", 1), ("prt-fastener", 1)]),
                         ("custom-elec", "Radio interconnect", [("cmp-harness", 1), ("prt-connector", 4)])]), 1))
PRADIO = platform("radio", "Tactical software-defined radio, manpack", p, RADIO, 8000, 4, 120000, subs)

# 8. EO/IR turret ---------------------------------------------------------------------------------------
p = "sensors"
EOIR = S("burlington", "Imaging Systems", "USA")
subs = []
subs.append((*subsystem(p, "eoir-mwir", "Cooled MWIR camera module", "MWIR camera", 90000,
                        [dict(site=S("goleta", "Infrared"), share=0.7, extra=[("prt-mwir-fpa-us", 1, [(S_FPA_US, None)])]),
                         dict(site=S("veurey", "Infrared"), share=0.3, extra=[("prt-mwir-fpa-eu", 1, [(S_FPA_EU, None)])])],
                        [], direct=[("prt-ir-lens", 4), ("cmp-cryocooler", 1), ("cmp-cca-processor", 1)]), 1))
subs.append((*subsystem(p, "eoir-gimbal", "Stabilised gimbal & servo", "Gimbal", 120000, [EOIR], ["mechanism", "electronics", "structure"]), 1))
subs.append((*subsystem(p, "eoir-vis", "Visible / SWIR channel", "Visible channel", 40000, [EOIR], ["sensor"]), 1))
subs.append((*subsystem(p, "eoir-laser", "Laser rangefinder / illuminator", "Laser", 60000, [S("quebec", "Photonics")],
                        ["electronics"], direct=[("cmp-laser-rangefinder", 1)]), 1))
subs.append((*subsystem(p, "eoir-electronics", "Turret electronics & video processing", "Video processing", 50000, [EOIR],
                        ["electronics", "power"]), 1))
PEOIR = platform("eoir", "Gimballed EO/IR turret (airborne/land)", p, EOIR, 200000, 0.5, 1500000, subs)

# 9. Sonar ------------------------------------------------------------------------------------------------
subs = []
subs.append((*subsystem(p, "sonar-towed", "Thin-line towed array", "Towed array", 1800000, [DART], ["acoustic", "acoustic", "harness"], ec="CGP"), 1))
subs.append((*subsystem(p, "sonar-hull", "Hull-mounted transducer array", "Hull array", 1500000, [DART], ["acoustic", "structure"]), 1))
subs.append((*subsystem(p, "sonar-processing", "Sonar signal-processing cabinet", "Sonar processing", 1200000, [DART],
                        ["computing", "electronics", "cooling"]), 1))
subs.append((*subsystem(p, "sonar-handling", "Winch & array handling system", "Handling", 900000, [S("horten", "Maritime")],
                        ["mechanism", "hydraulic"]), 1))
subs.append((*subsystem(p, "sonar-consoles", "Sonar operator consoles", "Sonar console", 400000, [S("ottawa", "Naval Communications")],
                        ["display"]), 1))
PSONAR = platform("sonar", "Naval sonar suite (hull-mounted + towed array)", p, DART, 5000000, 0.01, 40000000, subs)

# 10. Tactical UAS ----------------------------------------------------------------------------------------
p = "uncrewed"
UAS = S("waterloo", "Uncrewed Systems")
subs = []
subs.append((*subsystem(p, "uas-airframe", "Composite UAS airframe", "UAS airframe", 60000, [S("winnipeg", "Composites")],
                        [("structure", "Wing set"), ("structure", "Fuselage & tail")]), 1))
subs.append((*subsystem(p, "uas-propulsion", "Heavy-fuel engine & propeller", "UAS engine", 40000, [S("coventry", "Aero Engines")],
                        ["mechanism", "cooling"]), 1))
subs.append((*subsystem(p, "uas-avionics", "Flight control & navigation", "Flight control", 50000, [UAS],
                        ["electronics", "nav"], direct=[("cmp-mcode-gnss", 1)]), 1))
subs.append((*subsystem(p, "uas-payload", "Small EO/IR payload", "UAS payload", 70000, [EOIR], ["sensor", "mechanism"], cap="sensors"), 1))
subs.append((*subsystem(p, "uas-datalink", "Line-of-sight datalink", "Datalink", 30000, [S("kanata", "Electronics")], ["rf"], cap="c4isr"), 1))
subs.append((*subsystem(p, "uas-gcs", "Ground control station", "GCS", 90000, [UAS], ["display", "electronics", "power"]), 0.34))
PUAS = platform("uas", "Tactical fixed-wing uncrewed aircraft (Group 3-type)", p, UAS, 120000, 0.3, 900000, subs)

# 11. Satellite ground segment ---------------------------------------------------------------------------
p = "space"
SPACE = S("ste-anne", "Space Systems")
subs = []
subs.append((*subsystem(p, "gs-antenna", "9 m tracking antenna & pedestal", "Tracking antenna", 2500000, [SPACE],
                        [("structure", "Antenna pedestal structure", [("mat-steel-plate", 20000)]), "mechanism", "rf"],
                        direct=[("cmp-reflector", 1)]), 2))
subs.append((*subsystem(p, "gs-modem", "Protected-band SATCOM modem rack", "Modem rack", 400000, [S("ottawa", "Satcom Systems")],
                        ["electronics", "power"], direct=[("cmp-pt-modem-core", 2)]), 1))
subs.append((*subsystem(p, "gs-rf", "RF chain (HPA/LNA, up/down-converters)", "RF chain", 1500000, [SPACE], ["rf", "rf", "cooling"],
                        direct=[("cmp-rf-frontend", 4)]), 2))
subs.append((*subsystem(p, "gs-mission-sw", "Mission-control software & integration", "Mission software", 3000000, [S("longueuil", "Space Software")],
                        ["computing"], kind="service"), 1))
subs.append((*subsystem(p, "gs-power", "Power & environmental systems", "Ground power", 600000, [S("montreal", "Control Systems")],
                        ["power", "cooling"]), 1))
PSATGS = platform("satgs", "Satellite ground segment (anchor station)", p, SPACE, 20000000, 0.005, 150000000, subs)

# ----------------------------------------------------------------------------------------------------------
# Supplier assignment (multi-sourcing with skew) and orphan repair
# ----------------------------------------------------------------------------------------------------------
producers = defaultdict(list)
for sid, s in STAGES.items():
    producers[s["item"]].append(sid)

ALLIES = {"USA", "GBR", "AUS", "NZL", "FRA", "DEU", "ITA", "POL", "NOR", "SWE", "FIN"}


def pref_weight(consumer_site, sup_stage):
    cc = SITES[consumer_site]["country"]
    sc = SITES[STAGES[sup_stage]["site"]]["country"]
    if STAGES[sup_stage]["site"] == consumer_site:
        return 8.0
    if sc == cc:
        return 3.0
    if sc in ALLIES or sc == "CAN":
        return 1.5
    return 0.8


ROWS = {}   # (stage, input_item) -> dict(qty, sups=[(sup, share)])
for sid in STAGES:
    for input_item, qty, fixed in STAGE_INPUTS[sid]:
        assert input_item in ITEMS, (sid, input_item)
        cands = sorted(producers[input_item])
        assert cands, input_item
        if fixed:
            sups = list(fixed)
        elif len(cands) == 1:
            sups = [(cands[0], None)]
        else:
            r = rng.random()
            k = 1 if r < 0.62 else (2 if r < 0.9 or len(cands) < 3 else 3)
            k = min(k, len(cands))
            pool = list(cands)
            chosen = []
            for _ in range(k):
                w = [pref_weight(STAGES[sid]["site"], c) for c in pool]
                c = rng.choices(pool, weights=w)[0]
                chosen.append(c)
                pool.remove(c)
            if k == 1:
                sups = [(chosen[0], None)]
            else:
                opts = [(0.7, 0.3), (0.8, 0.2), (0.6, 0.4), (0.9, 0.1), None] if k == 2 else [(0.6, 0.3, 0.1), (0.5, 0.3, 0.2), None]
                sh = rng.choice(opts)
                sups = [(c, (sh[i] if sh else None)) for i, c in enumerate(chosen)]
        ROWS[(sid, input_item)] = dict(qty=qty, sups=sups)

consumers = defaultdict(list)
for (sid, ii), r in ROWS.items():
    for sup, _ in r["sups"]:
        consumers[sup].append(sid)
for sid in sorted(STAGES):
    if STAGES[sid]["level"] == 0 or consumers[sid]:
        continue
    it = STAGES[sid]["item"]
    groups = sorted(k for k in ROWS if k[1] == it)
    assert groups, f"item {it} is never consumed"
    key = rng.choice(groups)
    r = ROWS[key]
    if all(s is None for _, s in r["sups"]):
        r["sups"].append((sid, None))
    else:
        r["sups"] = [(c, round(s * 0.85, 4)) for c, s in r["sups"]] + [(sid, 0.15)]
    consumers[sid].append(key[0])

# normalise shares to 4 decimals, fixing the last one
for r in ROWS.values():
    if len(r["sups"]) == 1:
        r["sups"] = [(r["sups"][0][0], None)]
        continue
    if all(s is None for _, s in r["sups"]):
        continue
    vals = [round(s, 4) for _, s in r["sups"]]
    vals[-1] = round(1 - sum(vals[:-1]), 4)
    r["sups"] = [(c, v) for (c, _), v in zip(r["sups"], vals)]

# ----------------------------------------------------------------------------------------------------------
# Lanes
# ----------------------------------------------------------------------------------------------------------


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def hsh(s):
    return sum(ord(ch) * (i + 7) for i, ch in enumerate(s)) % 100


def route(from_site, to_site, item_id):
    """-> (mode, [chokepoints]) for a lane from_site -> to_site, or None if no lane is needed."""
    rt = route0(from_site, to_site, item_id)
    if rt is None:
        return None
    mode, cps = rt
    fr, tr = SITES[from_site]["region"], SITES[to_site]["region"]
    atlantic = ("us", "ca", "chl", "zaf")
    if mode in ("sea", "multimodal") and "Strait of Gibraltar" not in cps:
        if fr == "eu-med" and tr.startswith(atlantic):
            cps = ["Strait of Gibraltar"] + cps
        elif tr == "eu-med" and fr.startswith(atlantic):
            cps = cps + ["Strait of Gibraltar"]
    return mode, cps


def route0(from_site, to_site, item_id):
    fs, ts = SITES[from_site], SITES[to_site]
    fr, tr = fs["region"], ts["region"]
    kind = ITEMS[item_id]["kind"]
    bulk = kind == "material"
    if item_id == "mat-jet-fuel" or item_id == "raw-natgas" or (item_id == "raw-crude" and fr.startswith("ca")):
        cps = ["Enbridge Line 5"] if (item_id == "raw-crude" and tr == "ca-on") else []
        return "pipeline", cps
    if fr == "unk" or tr == "unk":
        return "multimodal", []
    dist = haversine((fs["lat"], fs["lon"]), (ts["lat"], ts["lon"]))
    if fs["country"] == ts["country"] and dist < 450:
        return None
    ca_east = ("ca-on", "ca-qc")
    ca_west = ("ca-bc", "ca-ab", "ca-pr")
    h = hsh(from_site + to_site)
    # --- into Canada
    if tr.startswith("ca"):
        if fr.startswith("ca"):
            if {fr, tr} == {"ca-on", "ca-qc"}:
                if bulk and fs["port"] and ts["port"] and fr == "ca-qc":
                    return "sea", ["St. Lawrence Seaway"]
                if bulk or h < 50:
                    return "rail", ["CN Kingston Subdivision"] if h % 2 == 0 else ["CPKC Winchester Subdivision"]
                return "road", []
            if fr == "ca-bc" and tr != "ca-bc":
                return "rail", ["CN Yale Subdivision"]
            if tr == "ca-bc" and fr != "ca-bc":
                return "rail", ["CN Yale Subdivision"]
            if fr == "ca-on" and tr == "ca-at":
                return "rail", ["CN Kingston Subdivision"]
            if fr == "ca-at" and tr == "ca-on":
                return "rail", ["CN Kingston Subdivision"]
            return ("rail" if bulk else "road"), []
        if fr.startswith("us"):
            if tr in ca_west:
                return "road", []
            if tr == "ca-at":
                return "road", []
            if fr == "us-ne":
                return "road", (["Peace Bridge"] if tr == "ca-on" else [])
            if fr == "us-w" and not bulk:
                return "air", []
            return "road", (["Blue Water Bridge"] if h < 35 else ["Ambassador Bridge"])
        if fr in ("eu", "eu-med"):
            pre = ["Strait of Gibraltar"] if fr == "eu-med" else []
            if tr == "ca-qc":
                return "sea", pre + ["Port of Montreal"]
            if tr == "ca-on":
                if bulk:
                    return "sea", pre + ["St. Lawrence Seaway"]
                return "multimodal", pre + (["Port of Montreal", "CN Kingston Subdivision"] if h < 60 else ["Port of Halifax", "CN Kingston Subdivision"])
            if tr == "ca-at":
                return "sea", pre + ["Port of Halifax"]
            return "multimodal", pre + ["Port of Montreal", "CPKC Winchester Subdivision"]
        if fr == "asia":
            if tr in ca_west:
                return "sea" if tr == "ca-bc" else "multimodal", ["Port of Vancouver"]
            if tr == "ca-at" or (bulk and h < 30):
                return "sea", ["Strait of Malacca", "Suez Canal", "Port of Halifax"]
            if not bulk and h < 25:
                return "air", []
            return "multimodal", ["Port of Vancouver", "CN Yale Subdivision"]
        if fr == "aus":
            if tr in ca_west:
                return "sea", ["Port of Vancouver"]
            return "multimodal", ["Port of Vancouver", "CN Yale Subdivision"]
        if fr == "chl":
            if tr in ca_west:
                return "sea", ["Port of Vancouver"]
            return "sea", ["Panama Canal", "Port of Montreal"] + (["St. Lawrence Seaway"] if tr == "ca-on" else [])
        if fr == "zaf":
            if bulk and tr == "ca-on":
                return "sea", ["St. Lawrence Seaway"]
            return "sea", ["Port of Halifax"] + (["CN Kingston Subdivision"] if tr == "ca-on" else [])
        if fr == "isr":
            return "air", []
    # --- out of Canada
    if fr.startswith("ca"):
        if tr.startswith("us"):
            if fr == "ca-on":
                return "road", (["Peace Bridge"] if tr == "us-ne" else (["Blue Water Bridge"] if h < 35 else ["Ambassador Bridge"]))
            return "road", []
        if tr in ("eu", "eu-med"):
            if fr == "ca-qc":
                return "sea", ["Port of Montreal"]
            if fr == "ca-at":
                return "sea", ["Port of Halifax"]
            if fr == "ca-on":
                return "multimodal", ["CN Kingston Subdivision", "Port of Montreal"]
            return "multimodal", ["CPKC Winchester Subdivision", "Port of Montreal"]
        if tr in ("asia", "aus"):
            return "sea", ["Port of Vancouver"] if fr in ca_west else ["CN Yale Subdivision", "Port of Vancouver"]
        return "sea", []
    # --- foreign to foreign
    if fr == "isr" or tr == "isr":
        return "air", []
    if fr.startswith("us") and tr.startswith("us"):
        return ("rail" if bulk else "road"), []
    eu = ("eu", "eu-med")
    if fr in eu and tr in eu:
        return ("rail" if bulk else "road"), []
    if fr == "asia" and tr == "asia":
        return "sea", []
    if (fr == "asia" and tr in eu) or (fr in eu and tr == "asia"):
        return "sea", ["Strait of Malacca", "Suez Canal"]
    if fr == "asia" and tr.startswith("us"):
        return "sea", ([] if tr == "us-w" else ["Panama Canal"])
    if fr.startswith("us") and tr == "asia":
        return "sea", []
    if fr == "aus" and tr in eu:
        return "sea", ["Suez Canal"]
    if fr == "aus" and tr.startswith("us"):
        return "sea", ([] if tr == "us-w" else ["Panama Canal"])
    if fr == "zaf" and tr == "asia":
        return "sea", ["Strait of Malacca"]
    if fr == "chl" and (tr in eu or tr in ("us-ne", "us-s", "us-mw")):
        return "sea", ["Panama Canal"]
    return "sea", []


SPEED = {"road": 650, "rail": 450, "sea": 480, "multimodal": 420, "air": 8000, "pipeline": 300}
FIXED = {"road": 0.5, "rail": 2.0, "sea": 5.0, "multimodal": 6.0, "air": 2.0, "pipeline": 0.5}
LANES = {}   # (from,to) -> dict(id, mode, tt, cps)
lane_counter = [0]


def lane_for(from_site, to_site, item_id):
    if from_site == to_site:
        return None
    key = (from_site, to_site)
    if key in LANES:
        return LANES[key]["id"]
    rt = route(from_site, to_site, item_id)
    if rt is None:
        return None
    mode, cps = rt
    fs, ts = SITES[from_site], SITES[to_site]
    if fs["lat"] is None or ts["lat"] is None:
        tt = 28.0
    else:
        d = haversine((fs["lat"], fs["lon"]), (ts["lat"], ts["lon"]))
        d *= 1.35 if mode in ("sea", "multimodal") else 1.2
        tt = FIXED[mode] + d / SPEED[mode] + (1.0 if fs["country"] != ts["country"] and mode in ("road", "rail") else 0.0)
    tt = max(0.5, round(tt * 2) / 2)
    lane_counter[0] += 1
    lid = f"LN-{lane_counter[0]:04d}"
    LANES[key] = dict(id=lid, mode=mode, tt=tt, cps=cps)
    return lid


INPUT_ROWS = []   # (stage, input_item, qty, supplier, share, lane)
for sid in STAGES:
    for input_item, _, _ in STAGE_INPUTS[sid]:
        r = ROWS[(sid, input_item)]
        for sup, share in r["sups"]:
            lid = lane_for(STAGES[sup]["site"], STAGES[sid]["site"], input_item)
            INPUT_ROWS.append((sid, input_item, r["qty"], sup, share, lid))

# ----------------------------------------------------------------------------------------------------------
# Flows, capacities, inventories, lead times, costs
# ----------------------------------------------------------------------------------------------------------
# topological order from platforms downward (item levels strictly increase along edges, except that a stage
# may consume an item more than one level down; sort by level).
edges = defaultdict(list)   # stage -> [(supplier, qty*share)]
for sid, ii, qty, sup, share, _ in INPUT_ROWS:
    n = len(ROWS[(sid, ii)]["sups"])
    eff = share if share is not None else 1.0 / n
    edges[sid].append((sup, qty * eff))

req = defaultdict(float)
for sid, d, _ in PLATFORMS:
    req[sid] += d
order = sorted(STAGES, key=lambda s: (STAGES[s]["level"], s))
for sid in order:
    for sup, f in edges[sid]:
        assert STAGES[sup]["level"] > STAGES[sid]["level"], (sid, sup)
        req[sup] += req[sid] * f

CAP_FACTOR = {0: (1.2, 1.45), 1: (1.2, 2.0), 2: (1.3, 2.8), 3: (1.4, 3.5), 4: (1.4, 4.0), 5: (1.5, 6.0), 6: (3.0, 30.0)}
LEAD = {0: (5, 30), 1: (30, 240), 2: (20, 120), 3: (14, 90), 4: (10, 120), 5: (7, 45), 6: (14, 60)}
TTR = {0: (60, 240), 1: (60, 270), 2: (30, 180), 3: (30, 180), 4: (30, 270), 5: (45, 365), 6: (60, 365)}
COVER = {0: (0, 20), 1: (5, 45), 2: (5, 40), 3: (10, 60), 4: (15, 90), 5: (15, 60), 6: (20, 90)}
SPECIAL_LEAD = {"plt-ffh": 2190, "plt-mpa": 900, "plt-lav": 120, "plt-satgs": 540, "plt-sonar": 365, "sub-ffh-hull": 900,
                "sub-ffh-radar": 1460, "sub-ffh-vls": 1095, "cmp-marine-gt": 720, "sub-mpa-airframe": 540, "prt-fpga": 140,
                "prt-gan-mmic": 120, "mat-tnt": 60, "mat-nc": 45}
TIGHT = {"mat-tnt": 1.08, "mat-nc": 1.12, "prt-explosive-fill": 1.1, "prt-propellant": 1.1, "sub-155-body": 1.15}
STAGE_PARAMS = {}


def sig(x, n=4):
    if x == 0:
        return 0.0
    return round(x, -int(math.floor(math.log10(abs(x)))) + (n - 1))


for sid in sorted(STAGES):
    s = STAGES[sid]
    lvl, it = s["level"], s["item"]
    fl = req[sid]
    assert fl > 0, sid
    lo, hi = CAP_FACTOR[lvl]
    if lvl == 6 and rng.random() < 0.45:
        cap = None
    else:
        f = TIGHT.get(it, rng.uniform(lo, hi))
        cap = sig(fl * f, 3)
    lead = SPECIAL_LEAD.get(it, rng.randint(*LEAD[lvl]))
    cov = rng.randint(*COVER[lvl])
    if it in ("mat-tnt", "mat-nc", "prt-propellant"):
        cov = rng.randint(3, 10)
    inv = fl * cov
    if ITEMS[it]["kind"] == "material":
        inv = round(inv) if inv >= 10 else sig(inv, 2)
    else:
        inv = int(inv)   # discrete units: whole numbers only
    if it.startswith("sub-ffh-integration") or ITEMS[it]["kind"] == "service":
        inv = 0
    ttr = rng.randint(*TTR[lvl])
    if it in ("mat-nc", "prt-propellant", "mat-tnt", "mat-rdx", "prt-explosive-fill"):
        ttr = rng.randint(270, 540)
    if rng.random() < 0.06:
        ttr = None   # a few stages without a ttr (optional column)
    STAGE_PARAMS[sid] = dict(cap=cap, lead=lead, inv=inv, ttr=ttr)

# value added of generated assemblies: a markup on their input cost
cost = {}
for sid in sorted(STAGES, key=lambda s: (-STAGES[s]["level"], s)):
    s = STAGES[sid]
    inp = sum(f * cost[sup] for sup, f in edges[sid])
    if s["level"] == 2:
        s["va"] = sig(max(40.0, inp * rng.uniform(0.2, 0.5)), 3)
    else:
        s["va"] = sig(s["va"], 4)
    cost[sid] = inp + s["va"]

# ----------------------------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------------------------
TNT_STAGE = producers["mat-tnt"][0]
SCENARIOS = [
    ("us-itar-licence-freeze", "regime", "ITAR", 0, 0, 90, 0.02),
    ("montreal-port-strike-30d", "chokepoint", "Port of Montreal", 0, 0, 30, 0.1),
    ("cn-rail-stoppage", "chokepoint", "CN Kingston Subdivision", 0, 0, 14, 0.05),
    ("cn-rail-stoppage", "chokepoint", "CN Yale Subdivision", 0, 0, 14, 0.05),
    ("plant-fire-valleyfield-energetics", "site", VALLEY, 0, 0, 180, 0.01),
    ("panama-canal-drought", "chokepoint", "Panama Canal", 0.5, 0, 60, 0.05),
    ("china-rare-earth-embargo", "country", "CHN", 0, 0, 365, 0.03),
    ("ambassador-bridge-blockade", "chokepoint", "Ambassador Bridge", 0, 0, 7, 0.05),
    ("red-sea-suez-disruption", "chokepoint", "Suez Canal", 0.3, 0, 120, 0.05),
    ("tnt-sole-source-outage", "stage", TNT_STAGE, 0, 0, 120, 0.02),
    ("london-lav-plant-strike", "firm", SITES[LAVS]["firm"], 0.2, 10, 45, 0.04),
    ("gallium-export-ban", "item", "raw-gallium", 0, 0, 180, 0.05),
]

# ----------------------------------------------------------------------------------------------------------
# Investment options (options.csv, model format v1.1): what `keel plan` may fund
# ----------------------------------------------------------------------------------------------------------
# Built after everything above and without drawing from `rng`, so the rest of the model is the same bytes as
# before options existed. Candidate stages (second sources) sit at existing sites of existing firms: no new
# firm, site or item, so every analysis other than `plan`, which sees the model without its candidates, finds
# the same model. Their rows are appended after the others in stages.csv and inputs.csv; lanes they need that
# did not exist are appended to lanes.csv (they carry no flow in the model without candidates).
#
# Costs are one-off, in CAD. Reference points (see README.md, "Investment options"): US Defense Production Act
# Title III awards ran from USD 9.6 M (2020) to USD 215.6 M (2023), i.e. CAD 13 M to 291 M at USD_CAD below;
# Canada's Defence Industrial Strategy (February 2026) has CAD 6.6 B over five years. Capacity and source options
# are priced by hand inside that range; a stockpile costs its contents at the model's unit cost (value added
# plus inputs, `cost` above) plus STOCK_OVERHEAD for storage, rotation and management.
USD_CAD = 1.35        # Bank of Canada annual average USD/CAD: 1.3415 (2020), 1.3497 (2023), rounded
STOCK_OVERHEAD = 1.10

OPTIONS = []          # (id, kind, stage, amount, cost, probability, group, name, time_to_effect)
CAND = {}             # candidate stage id -> dict(item, site, va, cap, lead, ttr)
CAND_ROWS = []        # (stage, input_item, qty, supplier, share, lane), rows naming a candidate
# Every bet is in a group: `keel plan` weighs each joint outcome of the bets, 3 x 3 x 3 = 27 here, and each
# independent bet would double that count (the qualifications of existing allied processes are taken as sure).
GROUPS = {            # correlated bets: one shared draw per group
    "rare-earth-magnets": "Rare-earth separation and sintered-magnet scale-up outside China",
    "energetics-process": "New TNT production processes (no TNT made in North America today)",
    "mineral-recovery": "Gallium recovery from zinc and alumina refining residues",
}


def money(x):
    """Round a cost to 3 significant figures (CAD)."""
    return int(sig(x, 3))


def option(oid, kind, stage_id, amount, cost_cad, name, tte=0, prob=1.0, group=""):
    assert all(o[0] != oid for o in OPTIONS), oid
    assert group == "" or group in GROUPS, group
    OPTIONS.append((oid, kind, stage_id, amount, money(cost_cad), prob, group, name, tte))


def stockpile(oid, stage_id, days, name, tte=None, units=None):
    """Stock of `days` of the stage's planned flow (whole units for anything but a material)."""
    amt = units if units is not None else req[stage_id] * days
    if ITEMS[STAGES[stage_id]["item"]]["kind"] != "material":
        amt = max(1, math.ceil(amt - 1e-9))
    else:
        amt = sig(amt, 3)
    lead = STAGE_PARAMS[stage_id]["lead"] if tte is None else tte
    option(oid, "stockpile", stage_id, amt, amt * cost[stage_id] * STOCK_OVERHEAD, name, tte=lead)


def expand(oid, stage_id, amount, cost_cad, name, tte):
    assert STAGE_PARAMS[stage_id]["cap"] is not None, stage_id
    option(oid, "capacity", stage_id, sig(amount, 3), cost_cad, name, tte=tte)


def site_of(word):
    hits = [s for s in SITES if s == word]
    assert len(hits) == 1, word
    return hits[0]


def second_source(oid, item_id, site, template, buyers, cap, cost_cad, name, tte, prob=1.0, group="",
                  avoid=("CHN", "ZZZ"), prefer=None):
    """A candidate stage making `item_id` at an existing `site`, with the bill of materials of the existing
    stage `template`. Each input comes from the template's suppliers outside `avoid` (or, for input items
    listed in `prefer`, from the named stages); each buyer gets the candidate as an extra supplier."""
    sid = f"{item_id}@{site}"
    assert sid not in STAGES and sid not in CAND, sid
    assert STAGES[template]["item"] == item_id, (template, item_id)
    assert not any(STAGES[s]["item"] == item_id and STAGES[s]["site"] == site for s in STAGES), sid
    prefer = prefer or {}
    for input_item, qty, _ in STAGE_INPUTS[template]:
        if input_item in prefer:
            sups = prefer[input_item]
        else:
            sups = [c for c, _ in ROWS[(template, input_item)]["sups"]
                    if SITES[STAGES[c]["site"]]["country"] not in avoid]
            if not sups:
                sups = [c for c in sorted(producers[input_item]) if SITES[STAGES[c]["site"]]["country"] not in avoid]
        assert sups, (sid, input_item)
        for sup in sups:
            assert STAGES[sup]["item"] == input_item, (sid, sup)
            CAND_ROWS.append((sid, input_item, qty, sup, None, lane_for(STAGES[sup]["site"], site, input_item)))
    for b in buyers:
        assert (b, item_id) in ROWS, (b, item_id)
        CAND_ROWS.append((b, item_id, ROWS[(b, item_id)]["qty"], sid, None, lane_for(site, STAGES[b]["site"], item_id)))
    p = STAGE_PARAMS[template]
    CAND[sid] = dict(item=item_id, site=site, va=STAGES[template]["va"], cap=sig(cap, 3), lead=p["lead"],
                     ttr=p["ttr"], level=STAGES[template]["level"])
    option(oid, "source", sid, None, cost_cad, name, tte=tte, prob=prob, group=group)


def the(item_id, site_word):
    """The existing stage making `item_id` at the site whose id contains `site_word`."""
    hits = [s for s in producers[item_id] if site_word in STAGES[s]["site"]]
    assert len(hits) == 1, (item_id, site_word, hits)
    return hits[0]


M = 1e6

# ---- 1. ITAR licence freeze: war reserves of finished platforms -----------------------------------------
# Under the see-through rule a stage that plans to use a US-controlled input is itself stopped by the freeze,
# platforms included, whatever allied alternatives it has qualified (share 0 or a candidate): only stock of the
# finished platform carries it through. So the ITAR options are platform reserves, where holding finished
# units makes sense (munitions, radios, turrets, UAS, vehicles), not allied capacity that the freeze would not
# let the platform use. An ITAR-free build is a re-planning of shares, a design decision rather than a purchase.
stockpile("stock-155-rounds", P155, 90, "War reserve of 155 mm rounds (90 days of demand)")
stockpile("stock-radios", PRADIO, 90, "Reserve of tactical radios (90 days of demand)")
stockpile("stock-eoir", PEOIR, 90, "Reserve of EO/IR turrets (90 days of demand)")
stockpile("stock-uas", PUAS, 90, "Reserve of tactical UAS (90 days of demand)")
expand("cap-lav", PLAV, 0.13, 150 * M, "Second LAV-type assembly line at the London plant: +0.13 vehicles/day",
       tte=730)
stockpile("stock-lav", PLAV, 0, "LAV-type vehicles held back from delivery as a reserve (9 vehicles)", units=9)

# ---- 2. Frigate long-lead reserve: one ship-set of each subsystem whose supply crosses a port or strait ----
# Each alone buys little (the Port of Montreal closure stops six of them at once); together they carry the
# build through a port strike, which only a planner that values combinations finds.
for key in ["propulsion", "radar", "vls", "sonar", "gun", "comms"]:
    stockpile(f"stock-ffh-{key}", producers[f"sub-ffh-{key}"][0], 0,
              f"Frigate long-lead reserve: one {ITEMS[f'sub-ffh-{key}']['name'][0].lower()}"
              f"{ITEMS[f'sub-ffh-{key}']['name'][1:]} ship-set", units=1)

# ---- 3. China: rare-earth magnets (F-35-type engine and structures, LAV, radio, EO/IR and sonar motors) ---
# Every motor maker outside China buys its NdFeB magnets from the one Chinese magnet plant; the Japanese maker
# supplies other buyers. Two bets on making magnets from Canadian oxide (correlated: one sintering technology,
# one feedstock) against cheap but partial buffers of the motors themselves.
NINGBO_MAG = the("prt-ndfeb", "ningbo")
MAG_BUYERS = sorted({r[0] for r in INPUT_ROWS if r[3] == NINGBO_MAG and SITES[STAGES[r[0]]["site"]]["country"] != "CHN"})
SASK_OXIDE = the("mat-ree-oxide", "saskatoon")
STEEL_CA = [the("mat-steel-plate", "sault"), the("mat-steel-plate", "hamilton")]
second_source("src-magnets-ca", "prt-ndfeb", "galdane-rare-earth-processing-saskatoon", NINGBO_MAG, MAG_BUYERS,
              cap=40, cost_cad=240 * M, tte=1095, prob=0.5, group="rare-earth-magnets",
              prefer={"mat-ree-oxide": [SASK_OXIDE], "mat-steel-plate": STEEL_CA},
              name="Canadian sintered NdFeB magnet plant beside the Saskatoon separation plant (new process)")
second_source("src-magnets-de", "prt-ndfeb", "calrick-drives-deu-erlangen", NINGBO_MAG,
              [b for b in MAG_BUYERS if SITES[STAGES[b]["site"]]["country"] in ("DEU", "GBR", "ISR")],
              cap=20, cost_cad=130 * M, tte=730, prob=0.7, group="rare-earth-magnets",
              prefer={"mat-ree-oxide": [SASK_OXIDE], "mat-steel-plate": STEEL_CA},
              name="In-house magnet line at the German drives maker, on Canadian oxide")
stockpile("stock-motors-de", the("cmp-motor", "erlangen"), 120,
          "Vendor-held reserve of servo motors at the German drives maker (120 days)")
stockpile("stock-motors-ca", the("cmp-motor", "peterborough"), 120,
          "Reserve of servo motors at the Peterborough motion maker (120 days)")
stockpile("stock-f35-engine", producers["sub-f35-engine"][0], 90,
          "F-35-type sustainment pool of engine modules (90 days)")
stockpile("stock-f35-structures", producers["sub-f35-structures"][0], 90,
          "F-35-type sustainment pool of tail structural assemblies (90 days)")

# ---- 4. China: gallium (the only source is in China) -------------------------------------------------------
ZIBO_GA = producers["raw-gallium"][0]
GA_BUYERS = sorted({r[0] for r in INPUT_ROWS if r[3] == ZIBO_GA})
second_source("src-gallium-ca", "raw-gallium", "selvin-zinc-refining-valleyfield", ZIBO_GA, GA_BUYERS,
              cap=req[ZIBO_GA] * 0.8, cost_cad=60 * M, tte=1095, prob=0.4, group="mineral-recovery",
              name="Gallium recovery from zinc-refinery residues at Valleyfield (research)")
second_source("src-gallium-au", "raw-gallium", "eskwick-mining-aus-weipa", ZIBO_GA, GA_BUYERS,
              cap=req[ZIBO_GA] * 0.8, cost_cad=110 * M, tte=1460, prob=0.6, group="mineral-recovery",
              name="Gallium from alumina refining in Australia (research)")

# ---- 5. Energetics: TNT (sole source in Poland), the Valleyfield nitrocellulose and propellant site --------
TNT_BUYERS = sorted({r[0] for r in INPUT_ROWS if r[3] == TNT_STAGE})
second_source("src-tnt-se", "mat-tnt", "dunstead-energetics-swe-karlskoga", TNT_STAGE, TNT_BUYERS,
              cap=req[TNT_STAGE], cost_cad=85 * M, tte=365,
              name="Qualify the Swedish energetics plant for TNT (existing process, one year)")
second_source("src-tnt-ca", "mat-tnt", "wenven-munitions-repentigny", TNT_STAGE, TNT_BUYERS,
              cap=req[TNT_STAGE], cost_cad=260 * M, tte=1460, prob=0.5, group="energetics-process",
              name="Canadian TNT line at the Repentigny loading plant (continuous nitration, new process)")
second_source("src-tnt-us", "mat-tnt", "belmora-energetics-usa-radford", TNT_STAGE, TNT_BUYERS,
              cap=req[TNT_STAGE], cost_cad=200 * M, tte=1095, prob=0.65, group="energetics-process",
              name="US TNT restart at the Radford energetics plant (new process)")
stockpile("stock-explosive-fill", the("prt-explosive-fill", "repentigny"), 120,
          "Reserve of IMX-type explosive fill at the Repentigny loading plant (120 days)")
stockpile("stock-155-charges", the("sub-155-charge", "bourges"), 0,
          "Reserve of modular charges at the French maker (90 days of 155 mm demand)", units=req[P155] * 90)
PROP_VAL = the("prt-propellant", "valleyfield")
second_source("src-propellant-fr", "prt-propellant", "elton-propulsion-fra-bourges", PROP_VAL,
              [the("sub-155-charge", "bourges")], cap=req[PROP_VAL] * 0.6, cost_cad=70 * M, tte=730,
              avoid=("CHN", "ZZZ", "CAN"), prefer={"mat-nc": [the("mat-nc", "radford")]},
              name="Propellant line at the French charge maker, on US nitrocellulose")
second_source("src-propellant-fi", "prt-propellant", "marcliff-ammunition-fin-lapua", PROP_VAL,
              [the("sub-saa-propellant", "lapua")], cap=req[PROP_VAL] * 0.2, cost_cad=45 * M, tte=730,
              prefer={"mat-nc": [the("mat-nc", "radford")]},
              name="Ball-propellant line at the Finnish ammunition maker, on US nitrocellulose")
expand("cap-propellant-us", the("prt-propellant", "radford"), 400, 90 * M, "US propellant plant: +400 kg/day", tte=730)
second_source("src-fuze-sa-no", "prt-fuze-sa-eu", "beldane-industries-nor-kongsberg", S_FUZE_SA_EU,
              [the("sub-155-fuze", "dunningen")], cap=60, cost_cad=30 * M, tte=540,
              name="Norwegian second source of the fuze safe-and-arm device (EU design)")

# ---- 6. Transit chokepoints on the frigate: sources whose inputs do not cross the ocean or the rail line ----
second_source("src-vls-electronics-ca", "asm-ffh-vls-electronics", "pelden-electronics-kanata",
              the("asm-ffh-vls-electronics", "rome"), [producers["sub-ffh-vls"][0]], cap=0.004, cost_cad=40 * M,
              tte=730, avoid=("CHN", "ZZZ", "JPN", "KOR", "TWN"),
              name="Canadian VLS electronics unit (no Suez or Malacca leg)")
second_source("src-propulsion-cooling-ca", "asm-ffh-propulsion-cooling", "jorlis-marine-systems-montreal",
              the("asm-ffh-propulsion-cooling", "lima"), [producers["sub-ffh-propulsion"][0]], cap=0.005,
              cost_cad=25 * M, tte=540, avoid=("CHN", "ZZZ", "JPN", "KOR", "TWN"),
              name="Propulsion cooling unit made in Montreal (no Panama leg)")


# ---- 7. Printed circuit boards: the Toronto board maker's only laminate comes from China --------------------
FR4_CN = the("mat-fr4", "suzhou")
second_source("src-fr4-us", "mat-fr4", "esktava-polymers-usa-houston", FR4_CN, [the("prt-pcb", "toronto")],
              cap=req[FR4_CN] * 0.3, cost_cad=75 * M, tte=730,
              name="FR-4 laminate line at the US polymer maker, for the Toronto board maker")

# ---- 8. Long-lead subsystems of the other platforms: one set or a season of stock where disruptions bite ----
stockpile("stock-sonar-processing", the("sub-sonar-processing", "dartmouth"), 0,
          "Sonar processing cabinets: one set in reserve (Suez leg of its inputs)", units=1)
stockpile("stock-sonar-handling", the("sub-sonar-handling", "horten"), 0,
          "Towed-array handling systems: one set in reserve (magnet-bearing winches)", units=1)
stockpile("stock-uas-engines", the("sub-uas-propulsion", "coventry"), 120,
          "UAS heavy-fuel engines at the British maker (120 days)")
stockpile("stock-gs-rf", the("sub-gs-rf", "ste-anne"), 0, "Ground-station RF chains: one station set in reserve",
          units=2)
expand("cap-mpa-engines-mech", the("asm-mpa-engines-mechanism", "torvin-precision-london"), 0.01, 15 * M,
       "MPA engine drive-mechanism maker in London, Ontario: +0.01 sets/day", tte=365)
expand("cap-mpa-eo-mech", the("asm-mpa-eo-mechanism", "edmonton"), 0.01, 13 * M,
       "MPA EO/IR mechanism maker in Edmonton: +0.01 sets/day", tte=365)
stockpile("stock-mpa-engines", the("sub-mpa-engines", "evendale"), 0, "MPA turbofan pair in reserve (one aircraft)",
          units=1)
stockpile("stock-mpa-eo", the("sub-mpa-eo", "burlington"), 0, "MPA EO/IR installation in reserve (one aircraft)",
          units=1)
stockpile("stock-eoir-gimbal", the("sub-eoir-gimbal", "burlington"), 120, "EO/IR gimbals and servos (120 days)")
stockpile("stock-radio-power", the("sub-radio-power", "brampton"), 120, "Radio power units (120 days)")


# ----------------------------------------------------------------------------------------------------------
# Invariants
# ----------------------------------------------------------------------------------------------------------


def check():
    errs = []
    assert len(COUNTRY_CODES) == len(COUNTRIES)
    for fid, f in FIRMS.items():
        assert f["country"] in COUNTRY_CODES and (not f["parent"] or f["parent"] in COUNTRY_CODES), fid
    for sid, s in SITES.items():
        assert s["firm"] in FIRMS and s["country"] in COUNTRY_CODES, sid
        assert s["country"] == FIRMS[s["firm"]]["country"], sid
    regimes = {"ITAR", "EAR", "CGP"}
    for iid, it in ITEMS.items():
        assert it["kind"] in ("material", "component", "subsystem", "platform", "service"), iid
        if it["ec"]:
            assert it["ec"].split(":")[0] in regimes, iid
    for sid, s in STAGES.items():
        assert s["item"] in ITEMS and s["site"] in SITES, sid
    seen = set()
    for sid, ii, qty, sup, share, lid in INPUT_ROWS:
        assert sid in STAGES and ii in ITEMS and sup in STAGES, (sid, ii, sup)
        assert STAGES[sup]["item"] == ii, (sid, ii, sup)
        assert (sid, ii, sup) not in seen, (sid, ii, sup)
        seen.add((sid, ii, sup))
        assert qty > 0
        if lid is not None:
            key = [k for k, v in LANES.items() if v["id"] == lid][0]
            assert key == (STAGES[sup]["site"], STAGES[sid]["site"]), (sid, sup, lid)
    groups = defaultdict(list)
    for sid, ii, qty, sup, share, lid in INPUT_ROWS:
        groups[(sid, ii)].append((qty, share))
    for k, rows in groups.items():
        assert len({q for q, _ in rows}) == 1, k
        shares = [s for _, s in rows]
        if any(s is not None for s in shares):
            assert all(s is not None for s in shares), k
            assert abs(sum(float(fmt(s)) for s in shares) - 1.0) < 1e-6, (k, shares)
            assert all(0 < s <= 1 for s in shares), k
    # acyclic + tiers (tier = longest input chain from a platform)
    graph = defaultdict(set)
    for sid, ii, qty, sup, share, lid in INPUT_ROWS:
        graph[sid].add(sup)
    state, topo = {}, []

    def dfs(u):
        stack = [(u, iter(sorted(graph[u])))]
        state[u] = 1
        while stack:
            node, it_ = stack[-1]
            nxt = next(it_, None)
            if nxt is None:
                state[node] = 2
                topo.append(node)
                stack.pop()
            elif state.get(nxt) == 1:
                raise AssertionError(f"cycle through {nxt}")
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph[nxt]))))
    for u in sorted(STAGES):
        if u not in state:
            dfs(u)
    plat_ids = {sid for sid, _, _ in PLATFORMS}
    tier = {u: (0 if u in plat_ids else None) for u in STAGES}
    for u in reversed(topo):
        if tier[u] is None:
            continue
        for v in graph[u]:
            if tier[v] is None or tier[v] < tier[u] + 1:
                tier[v] = tier[u] + 1
    assert all(t is not None for t in tier.values()), [u for u, t in tier.items() if t is None][:5]
    ntiers = max(tier.values()) + 1
    assert ntiers >= 5, ntiers
    assert len(STAGES) >= 400, len(STAGES)
    assert len(PLATFORMS) >= 10
    assert all(ITEMS[STAGES[s]["item"]]["kind"] == "platform" for s, _, _ in PLATFORMS)
    assert len(COUNTRIES) >= 12
    used_countries = {SITES[s]["country"] for s in SITES}
    assert len(used_countries) >= 12, used_countries
    for lk, ln in LANES.items():
        assert ln["mode"] in ("road", "rail", "sea", "air", "pipeline", "multimodal")
        assert ln["tt"] > 0
    cps = {c for ln in LANES.values() for c in ln["cps"]}
    for need in ["Ambassador Bridge", "Blue Water Bridge", "Peace Bridge", "Port of Montreal", "Port of Vancouver",
                 "Port of Halifax", "St. Lawrence Seaway", "Panama Canal", "CN Kingston Subdivision",
                 "CPKC Winchester Subdivision", "Strait of Malacca", "Suez Canal"]:
        assert need in cps, need
    for name, kind, target, cf, st, du, pr in SCENARIOS:
        assert 0 <= cf <= 1
        ok = {"regime": lambda t: t in regimes, "chokepoint": lambda t: t in cps, "site": lambda t: t in SITES,
              "firm": lambda t: t in FIRMS, "country": lambda t: t in COUNTRY_CODES, "stage": lambda t: t in STAGES,
              "item": lambda t: t in ITEMS, "lane": lambda t: t in {l["id"] for l in LANES.values()},
              "bloc": lambda t: any(t in b.split(";") for _, _, b in COUNTRIES)}[kind](target)
        assert ok, (name, target)
    # sanity of ids: no separators that would confuse CSV/lists
    for ids in (ITEMS, STAGES, SITES, FIRMS):
        for x in ids:
            assert "," not in x and ";" not in x and x.strip() == x, x
    return tier, ntiers, cps


def check_options():
    """The rules of options.csv (format v1.1), checked here as the loader checks them."""
    ids = [o[0] for o in OPTIONS]
    assert len(ids) == len(set(ids))
    kinds = defaultdict(int)
    sourced = defaultdict(int)
    for oid, kind, st, amount, cst, prob, group, name, tte in OPTIONS:
        kinds[kind] += 1
        assert cst > 0 and 0 < prob <= 1 and tte >= 0, oid
        if kind == "source":
            assert st in CAND and amount is None, oid
            sourced[st] += 1
        else:
            assert st in STAGES and amount > 0, oid
            if kind == "capacity":
                assert STAGE_PARAMS[st]["cap"] is not None, oid
    assert set(CAND) == set(sourced) and max(sourced.values()) == 1
    platforms = {s for s, _, _ in PLATFORMS}
    for sid, c in CAND.items():
        assert c["cap"] and c["cap"] > 0 and sid not in platforms, sid
    for sid, ii, qty, sup, share, lid in CAND_ROWS:
        buyer = CAND.get(sid) or STAGES[sid]
        seller = CAND.get(sup) or STAGES[sup]
        assert (sid in CAND) != (sup in CAND), (sid, sup)   # no candidate-to-candidate rows
        assert seller["item"] == ii and share is None and qty > 0, (sid, sup)
        assert seller["level"] > buyer["level"], (sid, sup)  # acyclic: items go up the tiers
        if lid is not None:
            key = [k for k, v in LANES.items() if v["id"] == lid][0]
            assert key == (seller["site"], buyer["site"]), (sid, sup, lid)
    # what the brief asks of the example
    assert len(OPTIONS) >= 40 and all(kinds[k] > 0 for k in ("capacity", "stockpile", "source")), dict(kinds)
    risky = [o for o in OPTIONS if o[5] < 1]
    assert len(risky) >= 6 and len({o[6] for o in risky if o[6]}) >= 2
    partners = {SITES[c["site"]]["country"] for c in CAND.values()} - {"CAN"}
    assert len(partners) >= 6, partners
    assert sum(p for p in {s[0]: s[6] for s in SCENARIOS}.values()) <= 1
    return kinds, risky, partners


def itar_analysis():
    """Per platform: ITAR items reachable through any supplier path, and whether an ITAR-free production path
    exists (AND over input items, OR over suppliers)."""
    graph = defaultdict(lambda: defaultdict(list))
    for sid, ii, qty, sup, share, lid in INPUT_ROWS:
        graph[sid][ii].append(sup)
    memo_reach, memo_free = {}, {}

    def is_itar(sid):
        return ITEMS[STAGES[sid]["item"]]["ec"].startswith("ITAR")

    def reach(sid):
        if sid not in memo_reach:
            out = {STAGES[sid]["item"]} if is_itar(sid) else set()
            for ii, sups in graph[sid].items():
                for s in sups:
                    out |= reach(s)
            memo_reach[sid] = out
        return memo_reach[sid]

    def free(sid):
        if sid not in memo_free:
            memo_free[sid] = (not is_itar(sid)) and all(any(free(s) for s in sups) for sups in graph[sid].values())
        return memo_free[sid]

    return {sid: (sorted(reach(sid)), free(sid)) for sid, _, _ in PLATFORMS}


# ----------------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------------


def fmt(x):
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = f"{sig(x, 6):.10f}".rstrip("0").rstrip(".")
    return s


def write_csv(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else (fmt(v) if isinstance(v, (int, float)) else v) for v in r])


def main():
    tier, ntiers, cps = check()
    kinds, risky, partners = check_options()
    itar = itar_analysis()
    expected = {
        P155: (["prt-fuze-sa-us"], True), PSAA: ([], True),
        PLAV: (["prt-cannon-rcvr-us"], True),
        PFFH: (["asm-ffh-weapon-control", "sub-ffh-radar", "sub-ffh-vls"], False),
        PF35: (["sub-f35-avionics", "sub-f35-engine", "sub-f35-gear", "sub-f35-lo", "sub-f35-spares", "sub-f35-structures"], False),
        PMPA: (["cmp-acoustic-proc"], False), PRADIO: (["prt-crypto-us"], True), PEOIR: (["prt-mwir-fpa-us"], True),
        PSONAR: ([], True), PUAS: (["cmp-mcode-gnss"], False), PSATGS: (["cmp-pt-modem-core"], False),
    }
    for sid, exp in expected.items():
        assert itar[sid] == exp, (sid, itar[sid], exp)

    write_csv("countries.csv", ["code", "name", "blocs"], COUNTRIES)
    write_csv("firms.csv", ["id", "name", "country", "parent_country"],
              [(fid, f["name"], f["country"], f["parent"]) for fid, f in sorted(FIRMS.items())])
    write_csv("sites.csv", ["id", "firm", "country", "lat", "lon", "name"],
              [(sid, s["firm"], s["country"], s["lat"], s["lon"], s["name"]) for sid, s in sorted(SITES.items())])
    write_csv("items.csv", ["id", "name", "kind", "export_control", "capability"],
              [(iid, ITEMS[iid]["name"], ITEMS[iid]["kind"], ITEMS[iid]["ec"], ITEMS[iid]["cap"] or "")
               for iid in ITEMS_ORDER])
    stage_order = sorted(STAGES, key=lambda s: (STAGES[s]["level"], s))
    write_csv("stages.csv", ["id", "item", "site", "value_added", "capacity", "lead_time", "inventory", "ttr"],
              [(sid, STAGES[sid]["item"], STAGES[sid]["site"], STAGES[sid]["va"], STAGE_PARAMS[sid]["cap"],
                STAGE_PARAMS[sid]["lead"], STAGE_PARAMS[sid]["inv"], STAGE_PARAMS[sid]["ttr"]) for sid in stage_order]
              + [(sid, c["item"], c["site"], c["va"], c["cap"], c["lead"], 0, c["ttr"]) for sid, c in CAND.items()])
    pos = {s: i for i, s in enumerate(stage_order)}
    rows = sorted(INPUT_ROWS, key=lambda r: (pos[r[0]], r[1], r[3]))
    write_csv("inputs.csv", ["stage", "input_item", "qty", "supplier", "share", "lane"], rows + CAND_ROWS)
    write_csv("lanes.csv", ["id", "from_site", "to_site", "mode", "transit_time", "chokepoints"],
              [(v["id"], k[0], k[1], v["mode"], v["tt"], ";".join(v["cps"])) for k, v in sorted(LANES.items(), key=lambda kv: kv[1]["id"])])
    write_csv("demand.csv", ["stage", "demand", "loss_per_unit"], PLATFORMS)
    write_csv("scenarios.csv", ["scenario", "target_kind", "target", "capacity_factor", "start", "duration", "probability"], SCENARIOS)
    write_csv("options.csv", ["id", "kind", "stage", "amount", "cost", "probability", "group", "name", "time_to_effect"],
              OPTIONS)
    with open(os.path.join(OUT, "model.toml"), "w", encoding="utf-8") as f:
        f.write('name = "Canada DIB (illustrative example)"\n'
                'home_country = "CAN"\n'
                'currency = "CAD"\n'
                'time_unit = "day"\n'
                'description = "Illustrative Canadian defence industrial base: 11 platforms across sovereign capability areas. '
                'Firms are fictional; countries, blocs, chokepoints, export-control regimes and platform types are real. '
                'Generated by make_example.py."\n'
                "\n[export_regimes]\n"
                'ITAR = "USA"\n'
                'EAR = "USA"\n'
                'CGP = "CAN"\n')

    # summary
    dist = defaultdict(int)
    for t in tier.values():
        dist[t] += 1
    print(f"stages={len(STAGES)} input_rows={len(INPUT_ROWS)} items={len(ITEMS)} tiers={ntiers} {dict(sorted(dist.items()))}")
    print(f"countries={len(COUNTRIES)} firms={len(FIRMS)} sites={len(SITES)} platforms={len(PLATFORMS)} "
          f"lanes={len(LANES)} chokepoints={len(cps)} scenarios={len({s[0] for s in SCENARIOS})}")
    print("chokepoints:", "; ".join(sorted(cps)))
    print(f"options={len(OPTIONS)} {dict(sorted(kinds.items()))} risky={len(risky)} candidates={len(CAND)} "
          f"candidate rows={len(CAND_ROWS)} partner countries of second sources={sorted(partners)}")
    for sid, d, loss in PLATFORMS:
        r, fr = itar[sid]
        print(f"  {sid}: unit cost ~{cost[sid]:,.0f} CAD, loss {loss:,}, ITAR via {r or '-'}, ITAR-free path: {fr}")


if __name__ == "__main__":
    sys.exit(main())
