#!/usr/bin/env python3
"""Field-by-field agreement of a `gstbeam probe` jsonl catalog with ffprobe 5.1 (run here per file).

Usage: bench/ffprobe-agreement.py CATALOG_DIR [MISMATCH_TSV]
Compared: container (ours in ffprobe's format_name list), duration (max(0.1 s, 2 %)), stream counts per
type (ffprobe's attached pictures and data streams excluded), codec names per type, width/height,
frame rate (1 % of avg or r_frame_rate), sample rate, channels, language, title/artist, chapter count,
rotation, interlaced (when ffprobe knows the field order), video bit depth.
"""
import collections, glob, json, subprocess, sys, urllib.parse

def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format",
                          "-show_streams", "-show_chapters", path], capture_output=True, text=True)
    return json.loads(out.stdout or "{}")

def rate(s):
    try:
        n, d = s.split("/"); return float(n) / float(d) if float(d) else 0.0
    except Exception:
        return 0.0

def depth(s):
    b = s.get("bits_per_raw_sample")
    if b and str(b).isdigit() and int(b) > 0:
        return int(b)
    pf = s.get("pix_fmt", "")
    for d in (16, 12, 10):
        if f"p{d}" in pf:
            return d
    return 8 if pf else None

counts = collections.Counter(); agreed = collections.Counter(); mism = []
def cmp(f, field, ours, theirs, ok):
    counts[field] += 1
    if ok: agreed[field] += 1
    else: mism.append((f, field, ours, theirs))

files = 0
for line in (l for p in glob.glob(sys.argv[1] + "/media-*.jsonl") for l in open(p) if l.strip()):
    m = json.loads(line); path = urllib.parse.unquote(m["uri"][len("file://"):])
    ff = ffprobe(path); fmt = ff.get("format", {})
    if not fmt: continue
    files += 1
    cmp(path, "container", m["container"], fmt.get("format_name"), m["container"] in fmt.get("format_name", "").split(","))
    if fmt.get("duration"):
        t = float(fmt["duration"]); o = m["duration_seconds"]
        cmp(path, "duration", o, t, o is not None and abs(o - t) <= max(0.1, 0.02 * t))
    fs = [s for s in ff.get("streams", []) if s.get("codec_type") in ("video", "audio", "subtitle")
          and not s.get("disposition", {}).get("attached_pic")]
    for typ in ("video", "audio", "subtitle"):
        ours = [s for s in m["streams"] if s["type"] == typ]; theirs = [s for s in fs if s["codec_type"] == typ]
        cmp(path, f"{typ}_count", len(ours), len(theirs), len(ours) == len(theirs))
        oc, tc = sorted(str(s["codec"]) for s in ours), sorted(str(s.get("codec_name")) for s in theirs)
        cmp(path, f"{typ}_codecs", oc, tc, oc == tc)
        for o, t in zip(ours, theirs):
            if typ == "video":
                cmp(path, "width", o["width"], t.get("width"), o["width"] == t.get("width"))
                cmp(path, "height", o["height"], t.get("height"), o["height"] == t.get("height"))
                a, r = rate(t.get("avg_frame_rate", "0/0")), rate(t.get("r_frame_rate", "0/0"))
                if a or r:
                    fr = o["frame_rate"]
                    cmp(path, "frame_rate", fr, (a, r), fr is not None and any(x and abs(fr - x) <= 0.01 * x for x in (a, r)))
                rot = 0
                for sd in t.get("side_data_list", []):
                    if "rotation" in sd: rot = int(-sd["rotation"]) % 360
                cmp(path, "rotation", o["rotation"], rot, (o["rotation"] or 0) == rot)
                fo = t.get("field_order")
                if fo in ("progressive", "tt", "bb", "tb", "bt"):
                    cmp(path, "interlaced", o["interlaced"], fo, o["interlaced"] == (fo != "progressive"))
                d = depth(t)
                if d: cmp(path, "bit_depth", o["bit_depth"], d, o["bit_depth"] == d)
            if typ == "audio":
                if str(t.get("sample_rate", "0")) != "0":
                    cmp(path, "sample_rate", o["sample_rate"], t.get("sample_rate"), str(o["sample_rate"]) == str(t.get("sample_rate")))
                if t.get("channels"):  # ffprobe says 0 when it does not know
                    cmp(path, "channels", o["channels"], t.get("channels"), o["channels"] == t.get("channels"))
            lang = t.get("tags", {}).get("language")
            if lang: cmp(path, "language", o["language"], lang, o["language"] == lang)
    tags = {k.lower(): v for k, v in fmt.get("tags", {}).items()}
    for k in ("title", "artist"):
        if k in tags: cmp(path, k, m["tags"].get(k), tags[k], m["tags"].get(k) == tags[k])
    cmp(path, "chapters", len(m["chapters"]), len(ff.get("chapters", [])), len(m["chapters"]) == len(ff.get("chapters", [])))

total, ok = sum(counts.values()), sum(agreed.values())
print(f"files {files}, fields compared {total}, agreed {ok} ({100.0 * ok / max(total, 1):.2f} %)")
for field in sorted(counts):
    if counts[field] != agreed[field]:
        print(f"  {field}: {counts[field] - agreed[field]} of {counts[field]} differ")
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as out:
        for r in mism: out.write("\t".join(map(str, r)) + "\n")
