package dev.gstbeam.pipelines.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.pipelines.io.JobOutputs;
import dev.gstbeam.pipelines.report.Charts.Series;
import dev.gstbeam.pipelines.report.Charts.Tick;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * {@code _manifest/report.html} for a migration: one self-contained page (inline CSS and SVG, no
 * script, no network; a Content-Security-Policy that forbids both) with the job's figures, charts of
 * throughput, codecs, failures, PSNR and segment timings, and tables of failures and encoders.
 * Everything taken from the rows is HTML-escaped; tables are capped so the page stays small (well
 * under 2 MB for 100,000 rows).
 */
public final class Report {
  private Report() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rows shown in the failures table at most; the page says how many more there are. */
  static final int MAX_FAILURE_ROWS = 1000;
  /** Rows of the encoder and fallback-reason tables at most. */
  static final int MAX_SMALL_TABLE_ROWS = 50;
  /** Bars of a category chart at most (the rest summed into one "other" bar). */
  static final int MAX_CATEGORIES = 20;

  static final String FILE_NAME = "report.html";

  /** The page for these rows and summary.json (null when there is none: figures from the rows). */
  public static String render(List<JsonNode> rows, JsonNode summary) {
    return render(rows, summary, null);
  }

  /**
   * As {@link #render(List, JsonNode)}, with a script appended to the body and allowed by the page's
   * policy (by its hash): for tests that let a browser report what it drew.
   */
  static String render(List<JsonNode> rows, JsonNode summary, String probeScript) {
    Tally t = new Tally();
    rows.forEach(t::add);
    return page(t, summary, probeScript);
  }

  /**
   * Reads {@code results-*.jsonl} and {@code summary.json} in {@code manifestDir} (any Beam file
   * system) a row at a time, and writes {@code report.html} beside them.
   */
  public static void write(String manifestDir) throws IOException {
    ResourceId dir = JobOutputs.dir(manifestDir);
    Tally t = new Tally();
    String pattern = dir.resolve("results-", ResolveOptions.StandardResolveOptions.RESOLVE_FILE) + "*.jsonl";
    MatchResult m = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.OK) {
      List<MatchResult.Metadata> files = new ArrayList<>(m.metadata());
      files.sort(Comparator.comparing(md -> md.resourceId().toString()));
      for (MatchResult.Metadata md : files) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            Channels.newInputStream(FileSystems.open(md.resourceId())), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
              continue;
            }
            JsonNode row;
            try {
              row = JSON.readTree(line);
            } catch (IOException e) {
              t.unreadable++;
              continue;
            }
            t.add(row);
          }
        }
      }
    } else if (m.status() != MatchResult.Status.NOT_FOUND) {
      throw new IOException("cannot list " + pattern + ": " + m.status());
    }
    JsonNode summary = null;
    ResourceId summaryFile = dir.resolve("summary.json", ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    MatchResult sm = FileSystems.match(summaryFile.toString(), EmptyMatchTreatment.ALLOW);
    if (sm.status() == MatchResult.Status.OK && !sm.metadata().isEmpty()) {
      try (var in = Channels.newInputStream(FileSystems.open(summaryFile))) {
        summary = JSON.readTree(in);
      }
    }
    ResourceId target = dir.resolve(FILE_NAME, ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    byte[] html = page(t, summary, null).getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, "text/html"))) {
      out.write(html);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Escaping

  /**
   * Text safe in HTML and SVG, as element content and in quoted attribute values: {@code & < > " '}
   * as character references, control characters (other than tab and newlines) and lone surrogates as
   * U+FFFD. Null as the empty string.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String rep;
      switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f || (c >= 0x80 && c <= 0x9f)
              || c == 0xfffe || c == 0xffff) {
            rep = "\ufffd";
          } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            if (b != null) {
              b.append(c).append(s.charAt(i + 1));
            }
            i++;
            continue;
          } else if (Character.isSurrogate(c)) {
            rep = "\ufffd";
          } else {
            rep = null;
          }
      }
      if (rep != null) {
        if (b == null) {
          b = new StringBuilder(n + 16).append(s, 0, i);
        }
        b.append(rep);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** At most {@code max} code points, an ellipsis marking the cut. */
  static String truncate(String s, int max) {
    if (s == null || s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "\u2026";
  }

  // ---------------------------------------------------------------------------------------------
  // The figures, gathered a row at a time

  record FailureRow(String uri, String stage, String reason, String message, long attempts) {}

  private static final Comparator<FailureRow> FAILURE_ORDER = Comparator.comparing(FailureRow::uri)
      .thenComparing(FailureRow::stage).thenComparing(FailureRow::reason).thenComparing(FailureRow::message)
      .thenComparingLong(FailureRow::attempts);

  /** What the page needs of the rows, in memory proportional to the rows' numbers, not their text. */
  static final class Tally {
    long rows;
    long ok;
    long failed;
    long unreadable;
    long noTime;
    double mediaSeconds;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    final Doubles okTimes = new Doubles();
    final Doubles okMedia = new Doubles();
    final Doubles failTimes = new Doubles();
    final Doubles failMedia = new Doubles();
    final Doubles psnr = new Doubles();
    final Doubles segmentSeconds = new Doubles();
    long segmentedRows;
    final Map<String, long[]> codecs = new HashMap<>();
    final Map<String, Long> reasons = new HashMap<>();
    final Map<String, Long> encoders = new HashMap<>();
    final Map<String, Long> fallbacks = new HashMap<>();
    final Map<String, Long> profiles = new TreeMap<>();
    final Map<String, Long> actions = new TreeMap<>();
    /** The first failures by URI: a max-heap of at most MAX_FAILURE_ROWS. */
    final PriorityQueue<FailureRow> failures = new PriorityQueue<>(FAILURE_ORDER.reversed());

    void add(JsonNode row) {
      if (row == null || !row.isObject()) {
        unreadable++;
        return;
      }
      rows++;
      boolean isOk = "ok".equals(text(row, "status"));
      if (isOk) {
        ok++;
      } else {
        failed++;
      }
      Double media = number(row, "source_duration_seconds");
      double m = media == null || media < 0 ? 0 : media;
      mediaSeconds += m;
      count(profiles, text(row, "profile"));
      count(actions, text(row, "action"));
      Long at = instant(text(row, "finished_at"));
      if (at == null) {
        noTime++;
      } else {
        minTime = Math.min(minTime, at);
        maxTime = Math.max(maxTime, at);
        (isOk ? okTimes : failTimes).add(at);
        (isOk ? okMedia : failMedia).add(m);
      }
      if (isOk) {
        Double p = number(row, "psnr_mean");
        if (p != null) {
          psnr.add(p);
        }
      }
      JsonNode segs = row.path("segment_details");
      if (segs.isArray() && segs.size() > 0) {
        segmentedRows++;
        for (JsonNode seg : segs) {
          Double e = number(seg, "encode_seconds");
          if (e != null && e >= 0) {
            segmentSeconds.add(e);
          }
        }
      }
      codecs(row.path("codecs_in"), 0);
      codecs(row.path("codecs_out"), 1);
      count(encoders, text(row, "video_encoder"));
      count(fallbacks, text(row, "encoder_fallback_reason"));
      if (!isOk) {
        String reason = text(row, "reason");
        reason = reason == null ? "INTERNAL" : reason;
        count(reasons, reason);
        JsonNode att = row.path("attempts");
        FailureRow f = new FailureRow(nonNull(truncate(text(row, "uri"), 1000)),
            nonNull(truncate(text(row, "stage"), 40)), truncate(reason, 80),
            nonNull(truncate(text(row, "message"), 400)), att.isNumber() ? att.asLong() : 1);
        if (failures.size() < MAX_FAILURE_ROWS) {
          failures.add(f);
        } else if (FAILURE_ORDER.compare(f, failures.peek()) < 0) {
          failures.poll();
          failures.add(f);
        }
      }
    }

    private void codecs(JsonNode list, int side) {
      if (!list.isArray()) {
        return;
      }
      for (JsonNode c : list) {
        if (!c.isNull()) {
          codecs.computeIfAbsent(truncate(c.asText(), 200), k -> new long[2])[side]++;
        }
      }
    }
  }

  /** A growable array of doubles. */
  static final class Doubles {
    double[] a = new double[64];
    int n;

    void add(double v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    double min() {
      double m = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        m = Math.min(m, a[i]);
      }
      return m;
    }

    double max() {
      double m = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        m = Math.max(m, a[i]);
      }
      return m;
    }
  }

  private static void count(Map<String, Long> map, String key) {
    if (key != null) {
      map.merge(truncate(key, 300), 1L, Long::sum);
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  static String text(JsonNode row, String field) {
    JsonNode v = row.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v.isValueNode() ? v.asText() : v.toString();
  }

  static Double number(JsonNode row, String field) {
    JsonNode v = row.get(field);
    if (v == null || !v.isNumber()) {
      return null;
    }
    double d = v.asDouble();
    return Double.isFinite(d) ? d : null;
  }

  /** Epoch milliseconds of an ISO-8601 instant, or null. */
  static Long instant(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The page

  private static final String CSS = String.join("",
      "*{box-sizing:border-box}",
      "body{margin:0;padding:24px 28px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;",
      "color:#1d2330;background:#f5f6f8}",
      "main{max-width:1240px;margin:0 auto}",
      "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}",
      ".sub{color:#5a6270;margin:0 0 16px;overflow-wrap:anywhere}",
      ".stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:10px}",
      ".stat{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 12px}",
      ".stat b{display:block;font-size:20px;font-weight:600}.stat span{color:#5a6270;font-size:12px;",
      "text-transform:uppercase;letter-spacing:.04em}",
      ".stat.bad b{color:#b3362f}.stat.good b{color:#2c6e49}",
      ".stat small{display:block;color:#5a6270;font-size:12px}",
      ".stat.wide{grid-column:span 3}.stat.wide b{font-size:17px;padding:2px 0}",
      ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px;margin-top:20px;",
      "align-items:start}",
      "figure.tables{padding:4px 14px 14px}figure.tables h2{font-size:14px;margin:10px 0 8px}",
      "figure{margin:0;background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px}",
      "svg.chart{display:block;width:100%;height:auto;max-width:760px;margin:0 auto}",
      "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;font-size:11px;fill:#3a4150}",
      "svg .ct{font-size:14px;font-weight:600;fill:#1d2330}",
      "svg .xt{text-anchor:middle}svg .yt,svg .cat{text-anchor:end}svg .cat{font-size:12px}",
      "svg .xl{text-anchor:middle;font-size:12px}svg .yl{text-anchor:middle;font-size:12px}",
      "svg .val{font-size:11px;fill:#5a6270}svg .lg{font-size:12px}",
      "svg .none{text-anchor:middle;font-size:16px;fill:#8a919c}",
      "svg .ax{stroke:#59606b;stroke-width:1;fill:none}svg .grid{stroke:#e6e9ee;stroke-width:1;fill:none}",
      "svg .empty{fill:#fafbfc;stroke:none}",
      "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e7}",
      "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceef2;vertical-align:top}",
      "th{background:#eef0f4;font-weight:600;font-size:13px}",
      "td.n,th.n{text-align:right;white-space:nowrap}",
      "td.u{word-break:break-all;font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;width:38%}",
      "td.m{overflow-wrap:anywhere}",
      ".more{color:#5a6270;font-size:13px}",
      "footer{margin-top:28px;color:#8a919c;font-size:12px}");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  static final String IN_COLOR = "#3b6ea8";
  static final String OUT_COLOR = "#e08a2c";
  static final String OK_COLOR = "#3b6ea8";
  static final String FAIL_COLOR = "#c8423b";

  static String page(Tally t, JsonNode summary, String probeScript) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
        + (probeScript == null ? "" : "; script-src '" + sha256(probeScript) + "'");
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(escape(csp)).append("\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta name=\"generator\" content=\"gstbeam migrate\">")
        .append("<title>gstbeam migrate report</title><style>").append(CSS).append("</style></head>\n<body><main>\n");
    header(h, t, summary);
    h.append("<section class=\"charts\">\n");
    figure(h, throughput(t));
    figure(h, codecs(t));
    figure(h, failureReasons(t));
    figure(h, psnr(t));
    figure(h, segments(t));
    h.append("<figure class=\"tables\">");
    smallTable(h, "Video encoders", "encoders", "encoder", "inputs", t.encoders, "encoders", "no video encoded");
    smallTable(h, "Encoder fallback reasons", "fallbacks", "reason", "inputs", t.fallbacks, "reasons",
        "no fallbacks: every input used its preferred encoder");
    h.append("</figure>\n</section>\n");
    failuresTable(h, t);
    h.append("<footer>Written by gstbeam migrate from _manifest/results-*.jsonl")
        .append(summary == null ? "" : " and summary.json")
        .append(". Self-contained: no scripts, fonts or resources from the network.</footer>\n");
    h.append("</main>");
    if (probeScript != null) {
      h.append("<script>").append(probeScript).append("</script>");
    }
    return h.append("</body></html>\n").toString();
  }

  private static String sha256(String script) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void figure(StringBuilder h, String svg) {
    h.append("<figure>").append(svg).append("</figure>\n");
  }

  private static void header(StringBuilder h, Tally t, JsonNode summary) {
    long inputs = summaryLong(summary, "inputs", t.rows);
    long succeeded = summaryLong(summary, "succeeded", t.ok);
    long failed = summaryLong(summary, "failed", t.failed);
    Double media = summary == null ? null : number(summary, "media_seconds");
    double mediaSeconds = media == null ? t.mediaSeconds : media;
    Double wall = summary == null ? null : number(summary, "wall_seconds");
    h.append("<header><h1>gstbeam migrate report</h1><p class=\"sub\">");
    StringBuilder profiles = new StringBuilder();
    t.profiles.forEach((k, v) -> profiles.append(profiles.length() == 0 ? "" : ", ").append(k)
        .append(t.profiles.size() > 1 ? " (" + group(v) + ")" : ""));
    h.append(t.profiles.size() > 1 ? "Profiles: " : "Profile: ")
        .append(escape(profiles.length() == 0 ? "none" : profiles.toString()));
    if (!t.actions.isEmpty()) {
      StringBuilder actions = new StringBuilder();
      t.actions.forEach((k, v) -> actions.append(actions.length() == 0 ? "" : ", ").append(k).append(' ').append(group(v)));
      h.append(" &middot; actions: ").append(escape(actions.toString()));
    }
    h.append("</p>\n<div class=\"stats\">");
    stat(h, "inputs", group(inputs), null, "");
    stat(h, "succeeded", group(succeeded), inputs > 0 ? percent(succeeded, inputs) : null, "good");
    stat(h, "failed", group(failed), inputs > 0 ? percent(failed, inputs) : null, failed > 0 ? "bad" : "");
    stat(h, "media seconds", seconds(mediaSeconds), clock(mediaSeconds) + " of media", "");
    stat(h, "wall seconds", wall == null ? "\u2014" : seconds(wall),
        wall == null ? "not in summary.json" : clock(wall) + " for the job", "");
    if (t.minTime > t.maxTime) {
      stat(h, "finished between", "\u2014", "no finished_at times", "wide");
    } else {
      String first = STAMP.format(Instant.ofEpochMilli(t.minTime));
      String last = STAMP.format(Instant.ofEpochMilli(t.maxTime));
      String range = first + " \u2192 " + (first.regionMatches(0, last, 0, 11) ? last.substring(11) : last) + " UTC";
      stat(h, "finished between", range, "over " + clock((t.maxTime - t.minTime) / 1000.0), "wide");
    }
    h.append("</div>");
    List<String> notes = new ArrayList<>();
    if (summary != null && inputs != t.rows) {
      notes.add("summary.json counts " + group(inputs) + " inputs; the results files hold " + group(t.rows) + " rows.");
    }
    if (t.unreadable > 0) {
      notes.add(group(t.unreadable) + " unreadable lines in the results files were skipped.");
    }
    if (t.noTime > 0) {
      notes.add(group(t.noTime) + " rows have no finished_at and are left out of the throughput chart.");
    }
    for (String n : notes) {
      h.append("<p class=\"more\">").append(escape(n)).append("</p>");
    }
    h.append("</header>\n");
  }

  private static long summaryLong(JsonNode summary, String field, long fallback) {
    if (summary == null) {
      return fallback;
    }
    JsonNode v = summary.get(field);
    return v != null && v.isNumber() ? v.asLong() : fallback;
  }

  private static void stat(StringBuilder h, String label, String value, String note, String cls) {
    h.append("<div class=\"stat").append(cls.isEmpty() ? "" : " " + cls).append("\"><span>").append(escape(label))
        .append("</span><b>").append(escape(value)).append("</b>");
    if (note != null) {
      h.append("<small>").append(escape(note)).append("</small>");
    }
    h.append("</div>");
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, Math.abs(s) >= 10_000 ? "%,.0f s" : "%,.1f s", s);
  }

  private static String percent(long part, long whole) {
    return Charts.plain(100.0 * part / whole, 1) + " %";
  }

  static String group(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** 3725.2 s as 1:02:05. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  // ---- charts

  /** Bucket widths for the throughput chart, in milliseconds. */
  private static final long[] BUCKETS = {
    100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
    1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000
  };

  static String throughput(Tally t) {
    String title = "Throughput: media seconds finished over time";
    if (t.minTime > t.maxTime) {
      return Charts.columns("chart-throughput", title, "No row has a finished_at time.", "finished at (UTC)",
          "media seconds", List.of(), 0, List.of(), null, false, "no finish times");
    }
    long span = t.maxTime - t.minTime;
    long width;
    int bins;
    long start;
    if (span == 0) {
      width = 1000;
      bins = 1;
      start = t.minTime;
    } else {
      width = 0;
      for (long w : BUCKETS) {
        if (w * 30 >= span) {
          width = w;
          break;
        }
      }
      if (width == 0) {
        width = (long) (Charts.niceStep(span / 30.0 / 86_400_000) * 86_400_000);
        width = Math.max(width, 86_400_000);
      }
      start = Math.floorDiv(t.minTime, width) * width;
      bins = (int) ((t.maxTime - start) / width) + 1;
    }
    double[] ok = new double[bins];
    double[] failed = new double[bins];
    fill(ok, t.okTimes, t.okMedia, start, width, bins);
    fill(failed, t.failTimes, t.failMedia, start, width, bins);
    DateTimeFormatter fmt = DateTimeFormatter.ofPattern(
        span >= 86_400_000 ? "MM-dd HH:mm" : width < 1000 ? "HH:mm:ss.S" : width >= 60_000 ? "HH:mm" : "HH:mm:ss",
        Locale.ROOT).withZone(ZoneOffset.UTC);
    List<Tick> ticks = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      names.add(STAMP.format(Instant.ofEpochMilli(start + b * width)) + (bins == 1 ? "" : " +" + duration(width)));
    }
    if (bins == 1) {
      ticks.add(new Tick(0.5, STAMP.format(Instant.ofEpochMilli(start)) + " UTC"));
    } else {
      int stride = Math.max(1, (int) Math.ceil(bins / 6.0));
      for (int b = 0; b <= bins; b += stride) {
        ticks.add(new Tick(b, fmt.format(Instant.ofEpochMilli(start + b * width))));
      }
    }
    double totalOk = sum(ok);
    double totalFailed = sum(failed);
    double peak = 0;
    for (int b = 0; b < bins; b++) {
      peak = Math.max(peak, ok[b] + failed[b]);
    }
    String per = bins == 1 ? "all rows finished at once" : "per " + duration(width) + " bucket";
    String desc = String.format(Locale.ROOT,
        "Media seconds of the inputs finished in each time bucket (%s), from %s to %s UTC: %s s migrated, %s s"
            + " of failed inputs; the busiest bucket finished %s s.",
        per, STAMP.format(Instant.ofEpochMilli(t.minTime)), STAMP.format(Instant.ofEpochMilli(t.maxTime)),
        Charts.plain(totalOk, 1), Charts.plain(totalFailed, 1), Charts.plain(peak, 1));
    List<Series> series = totalFailed > 0
        ? List.of(new Series("migrated", OK_COLOR, ok), new Series("failed", FAIL_COLOR, failed))
        : List.of(new Series("migrated", OK_COLOR, ok));
    return Charts.columns("chart-throughput", "Throughput: media seconds finished, " + per, desc,
        "finished at (UTC)", "media seconds", series, bins, ticks, names, false,
        "no media seconds (durations unknown)");
  }

  private static void fill(double[] into, Doubles times, Doubles media, long start, long width, int bins) {
    for (int i = 0; i < times.n; i++) {
      int b = (int) Math.min(bins - 1, Math.max(0, ((long) times.a[i] - start) / width));
      into[b] += media.a[i];
    }
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  static String duration(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return ms / 1000 + " s";
    }
    if (ms < 3_600_000) {
      return ms / 60_000 + " min";
    }
    if (ms < 86_400_000) {
      return ms / 3_600_000 + " h";
    }
    return Charts.plain(ms / 86_400_000.0, 1) + " d";
  }

  static String codecs(Tally t) {
    List<Map.Entry<String, long[]>> all = new ArrayList<>(t.codecs.entrySet());
    all.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -(e.getValue()[0] + e.getValue()[1]))
        .thenComparing(Map.Entry::getKey));
    List<String> cats = new ArrayList<>();
    List<double[]> pairs = new ArrayList<>();
    int shown = Math.min(all.size(), all.size() > MAX_CATEGORIES ? MAX_CATEGORIES - 1 : MAX_CATEGORIES);
    for (int i = 0; i < shown; i++) {
      cats.add(all.get(i).getKey());
      pairs.add(new double[] {all.get(i).getValue()[0], all.get(i).getValue()[1]});
    }
    if (all.size() > shown) {
      double[] other = new double[2];
      for (int i = shown; i < all.size(); i++) {
        other[0] += all.get(i).getValue()[0];
        other[1] += all.get(i).getValue()[1];
      }
      cats.add("other (" + (all.size() - shown) + " codecs)");
      pairs.add(other);
    }
    double[] in = new double[cats.size()];
    double[] out = new double[cats.size()];
    StringBuilder desc = new StringBuilder("Streams per codec in the sources (in) and the outputs (out): ");
    for (int i = 0; i < cats.size(); i++) {
      in[i] = pairs.get(i)[0];
      out[i] = pairs.get(i)[1];
      desc.append(i == 0 ? "" : "; ").append(cats.get(i)).append(" in ").append((long) in[i]).append(", out ")
          .append((long) out[i]);
    }
    if (cats.isEmpty()) {
      desc.append("none.");
    }
    return Charts.bars("chart-codecs", "Codecs in and out (streams)", desc.toString(), "streams", cats,
        List.of(new Series("in", IN_COLOR, in), new Series("out", OUT_COLOR, out)), "no codecs recorded");
  }

  static String failureReasons(Tally t) {
    List<Map.Entry<String, Long>> top = top(t.reasons, MAX_CATEGORIES, "reasons");
    List<String> cats = new ArrayList<>();
    double[] v = new double[top.size()];
    StringBuilder desc = new StringBuilder("Failed inputs per reason: ");
    for (int i = 0; i < top.size(); i++) {
      cats.add(top.get(i).getKey());
      v[i] = top.get(i).getValue();
      desc.append(i == 0 ? "" : "; ").append(top.get(i).getKey()).append(' ').append(top.get(i).getValue());
    }
    if (top.isEmpty()) {
      desc = new StringBuilder("No failures: every input was migrated and verified.");
    }
    return Charts.bars("chart-failures", "Failures by reason", desc.toString(), "failed inputs", cats,
        List.of(new Series("failed", FAIL_COLOR, v)), "no failures");
  }

  /** The largest counts (then by key), the rest summed into one "other" entry. */
  static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int max, String noun) {
    List<Map.Entry<String, Long>> all = new ArrayList<>(counts.entrySet());
    all.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    if (all.size() <= max) {
      return all;
    }
    List<Map.Entry<String, Long>> top = new ArrayList<>(all.subList(0, max - 1));
    long rest = 0;
    for (int i = max - 1; i < all.size(); i++) {
      rest += all.get(i).getValue();
    }
    top.add(Map.entry("other (" + (all.size() - max + 1) + " " + noun + ")", rest));
    return top;
  }

  static String psnr(Tally t) {
    String title = "PSNR distribution (mean per input, 1 dB bins)";
    if (t.psnr.n == 0) {
      return Charts.columns("chart-psnr", title, "No migrated input has a PSNR value.", "mean PSNR (dB)", "inputs",
          List.of(), 0, List.of(), null, true, "no PSNR values");
    }
    double min = t.psnr.min();
    double max = t.psnr.max();
    int lo = (int) Math.floor(min);
    int hi = (int) Math.floor(max) + 1;
    boolean clipped = hi - lo > 60;
    if (clipped) {
      lo = 20;
      hi = 60;
    }
    int bins = hi - lo;
    double[] v = new double[bins];
    for (int i = 0; i < t.psnr.n; i++) {
      int b = (int) Math.floor(t.psnr.a[i]) - lo;
      v[Math.max(0, Math.min(bins - 1, b))]++;
    }
    List<String> names = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      names.add((lo + b) + "\u2013" + (lo + b + 1) + " dB");
    }
    if (clipped) {
      names.set(0, "below " + (lo + 1) + " dB");
      names.set(bins - 1, (hi - 1) + " dB and above");
    }
    List<Tick> ticks = new ArrayList<>();
    int stride = bins <= 12 ? 1 : bins <= 24 ? 2 : bins <= 60 ? 5 : 10;
    for (int e = 0; e <= bins; e++) {
      if ((lo + e) % stride == 0) {
        ticks.add(new Tick(e, Integer.toString(lo + e)));
      }
    }
    double mean = 0;
    for (int i = 0; i < t.psnr.n; i++) {
      mean += t.psnr.a[i];
    }
    mean /= t.psnr.n;
    String desc = String.format(Locale.ROOT,
        "Mean PSNR of %s migrated inputs in 1 dB bins from %d to %d dB%s: lowest %s dB, highest %s dB, mean %s dB.",
        group(t.psnr.n), lo, hi, clipped ? " (values outside clipped into the end bins)" : "",
        Charts.plain(min, 2), Charts.plain(max, 2), Charts.plain(mean, 2));
    return Charts.columns("chart-psnr", clipped ? "PSNR distribution (mean per input, 1 dB bins, 20\u201360 dB)" : title,
        desc, "mean PSNR (dB)", "inputs", List.of(new Series("inputs", "#6a4fa3", v)), bins, ticks, names, true,
        "no PSNR values");
  }

  static String segments(Tally t) {
    String title = "Segment encode times";
    if (t.segmentSeconds.n == 0) {
      return Charts.columns("chart-segments", title, "No input was transcoded in segments.",
          "encode seconds per segment", "segments", List.of(), 0, List.of(), null, true, "no segmented inputs");
    }
    double min = t.segmentSeconds.min();
    double max = t.segmentSeconds.max();
    double w = Charts.niceStep(Math.max(max - min, Math.max(max, 1e-3) * 0.1) / 20);
    double lo = Math.floor(min / w) * w;
    int bins = Math.min(200, (int) Math.floor((max - lo) / w + 1e-9) + 1);
    double[] v = new double[bins];
    double[] sorted = Arrays.copyOf(t.segmentSeconds.a, t.segmentSeconds.n);
    Arrays.sort(sorted);
    for (double s : sorted) {
      int b = (int) Math.floor((s - lo) / w + 1e-9);
      v[Math.max(0, Math.min(bins - 1, b))]++;
    }
    List<String> names = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      names.add(Charts.tick(lo + b * w) + "\u2013" + Charts.tick(lo + (b + 1) * w) + " s");
    }
    List<Tick> ticks = new ArrayList<>();
    int stride = Math.max(1, (int) Math.ceil(bins / 8.0));
    for (int e = 0; e <= bins; e += stride) {
      ticks.add(new Tick(e, Charts.tick(lo + e * w)));
    }
    double total = sum(sorted);
    String of = group(sorted.length) + " segments of " + group(t.segmentedRows)
        + (t.segmentedRows == 1 ? " input" : " inputs");
    String desc = String.format(Locale.ROOT,
        "Encode seconds of %s transcoded in segments, in %s s bins: median %s s, mean %s s, longest %s s.",
        of, Charts.tick(w), Charts.plain(sorted[sorted.length / 2], 2), Charts.plain(total / sorted.length, 2),
        Charts.plain(max, 2));
    return Charts.columns("chart-segments", title + " (" + of + ")", desc,
        "encode seconds per segment (" + Charts.tick(w) + " s bins)", "segments",
        List.of(new Series("segments", "#2f8f8f", v)), bins, ticks, names, true, "no segmented inputs");
  }

  // ---- tables

  private static void failuresTable(StringBuilder h, Tally t) {
    h.append("<section><h2>Failures (").append(group(t.failed)).append(")</h2>");
    if (t.failed == 0) {
      h.append("<p class=\"more\">No failures: every input was migrated and verified.</p></section>\n");
      return;
    }
    List<FailureRow> rows = new ArrayList<>(t.failures);
    rows.sort(FAILURE_ORDER);
    h.append("<table id=\"failures\"><thead><tr><th>uri</th><th>stage</th><th>reason</th><th>message</th>")
        .append("<th class=\"n\">attempts</th></tr></thead><tbody>\n");
    for (FailureRow f : rows) {
      h.append("<tr><td class=\"u\">").append(escape(f.uri())).append("</td><td>").append(escape(f.stage()))
          .append("</td><td>").append(escape(f.reason())).append("</td><td class=\"m\">").append(escape(f.message()))
          .append("</td><td class=\"n\">").append(f.attempts()).append("</td></tr>\n");
    }
    h.append("</tbody></table>");
    if (t.failed > rows.size()) {
      h.append("<p class=\"more\">Showing the first ").append(group(rows.size())).append(" failures by URI; ")
          .append(group(t.failed - rows.size()))
          .append(" more are in _manifest/results-*.jsonl (rows with status failed).</p>");
    }
    h.append("</section>\n");
  }

  private static void smallTable(StringBuilder h, String title, String id, String keyHeader, String countHeader,
      Map<String, Long> counts, String noun, String none) {
    h.append("<h2>").append(escape(title)).append("</h2>");
    if (counts.isEmpty()) {
      h.append("<p class=\"more\">").append(escape(none)).append("</p>");
      return;
    }
    List<Map.Entry<String, Long>> top = top(counts, MAX_SMALL_TABLE_ROWS, noun);
    h.append("<table id=\"").append(escape(id)).append("\"><thead><tr><th>").append(escape(keyHeader))
        .append("</th><th class=\"n\">").append(escape(countHeader)).append("</th></tr></thead><tbody>");
    for (Map.Entry<String, Long> e : top) {
      h.append("<tr><td class=\"m\">").append(escape(e.getKey())).append("</td><td class=\"n\">")
          .append(group(e.getValue())).append("</td></tr>");
    }
    h.append("</tbody></table>");
  }
}
