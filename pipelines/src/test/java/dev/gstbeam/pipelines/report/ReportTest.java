package dev.gstbeam.pipelines.report;

import static dev.gstbeam.pipelines.report.ReportRows.QUOTES;
import static dev.gstbeam.pipelines.report.ReportRows.SCRIPT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ReportTest {
  static final List<String> CHARTS =
      List.of("chart-throughput", "chart-codecs", "chart-failures", "chart-psnr", "chart-segments");

  /** Every element name the page may contain: anything else would be markup smuggled in by a row. */
  private static final Set<String> TAGS = Set.of("html", "head", "meta", "title", "style", "body", "main", "header",
      "h1", "h2", "p", "div", "span", "b", "small", "section", "figure", "svg", "desc", "text", "path", "rect", "table",
      "thead", "tbody", "tr", "th", "td", "footer");

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void escapesHostileStrings() {
    assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;", Report.escape(SCRIPT));
    assertEquals("a&amp;b&quot;c&#39;", Report.escape(QUOTES));
    assertEquals("&amp;amp; &amp;#39;", Report.escape("&amp; &#39;"));
    assertEquals("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", Report.escape("<img src=x onerror=\"alert(1)\">"));
    assertEquals("&lt;/textarea&gt;&lt;!--&lt;![CDATA[", Report.escape("</textarea><!--<![CDATA["));
    assertEquals("", Report.escape(null));
    assertEquals("plain text / ok", Report.escape("plain text / ok"));
    assertEquals("tab\tnl\n \ufffd\ufffd\ufffd", Report.escape("tab\tnl\n \u0000\u001b\u0085"));
    assertEquals("caf\u00e9 \ud83c\udfac", Report.escape("caf\u00e9 \ud83c\udfac")); // a pair survives
    assertEquals("x\ufffdy\ufffd", Report.escape("x\ud83cy\udfac")); // lone halves do not
    String all = Report.escape("<>&\"'");
    assertFalse(all.contains("<") || all.contains(">") || all.contains("\"") || all.contains("'"));
  }

  @Test
  public void everyChartIsDrawnWithTitleAxesAndFallbackText() {
    List<JsonNode> rows = ReportRows.mixed();
    String html = Report.render(rows, ReportRows.summaryOf(rows, 312.4));
    for (String id : CHARTS) {
      String svg = svg(html, id);
      assertThat(id, drawn(svg), greaterThan(0));
      assertThat(id, svg, containsString("<title id=\"" + id + "-t\">"));
      assertThat(id, svg, containsString("<desc id=\"" + id + "-d\">"));
      assertThat(id, svg, containsString("class=\"ax\"")); // axes
      assertThat(id, svg, containsString("class=\"xl\"")); // axis label
      assertThat(id, svg, containsString("<rect x=")); // data bars, not just the frame
    }
    assertThat(svg(html, "chart-failures"), containsString("CORRUPT"));
    assertThat(svg(html, "chart-codecs"), containsString(">mpeg2video<"));
    assertThat(svg(html, "chart-segments"), containsString("12 segments of 2 inputs"));
    // Header figures.
    assertThat(html, containsString("<span>inputs</span><b>9</b>"));
    assertThat(html, containsString("<span>succeeded</span><b>6</b>"));
    assertThat(html, containsString("<span>failed</span><b>3</b>"));
    assertThat(html, containsString("312.4 s"));
    assertThat(html, containsString("mp4-h264-aac"));
    assertThat(html, containsString("2026-11-25 20:30:05 \u2192 20:35:00 UTC"));
    // Encoders and fallbacks.
    assertThat(table(html, "encoders"), containsString("<td class=\"m\">x264enc</td><td class=\"n\">5</td>"));
    assertThat(table(html, "fallbacks"), containsString("nvh264enc: no CUDA device &lt;script&gt;"));
    // Self-contained: nothing fetched, nothing run.
    assertThat(html, not(containsString("<script")));
    assertThat(html, not(containsString("<link")));
    assertThat(html, not(containsString("src=")));
    assertThat(html, not(containsString("@import")));
    assertThat(html, not(containsString("url(")));
    assertThat(html, containsString("default-src &#39;none&#39;"));
  }

  @Test
  public void userDataAppearsOnlyEscaped() {
    List<JsonNode> rows = ReportRows.mixed();
    String html = Report.render(rows, null);
    assertFalse(html.contains(SCRIPT));
    assertFalse(html.contains("<script"));
    assertFalse(html.contains(QUOTES));
    assertFalse(html.contains("<codec"));
    assertThat(html, containsString("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertThat(html, containsString("a&amp;b&quot;c&#39;"));
    assertThat(html, containsString("&lt;codec id=&quot;0x1234&quot;&gt; &amp; friends"));
    // Every tag in the page is one the report writes.
    Matcher m = Pattern.compile("<(/?)([A-Za-z][A-Za-z0-9-]*)").matcher(html);
    Set<String> seen = new java.util.TreeSet<>();
    while (m.find()) {
      seen.add(m.group(2).toLowerCase());
    }
    assertTrue("unexpected tags " + seen, TAGS.containsAll(seen));
    // Attribute values never contain a raw quote or angle bracket (each attribute closes where it should).
    Matcher tags = Pattern.compile("<[a-zA-Z][^>]*>").matcher(html);
    while (tags.find()) {
      String tag = tags.group();
      assertEquals(tag, 0, tag.replaceAll("\\s[a-zA-Z:-]+=\"[^\"<]*\"", "").replaceAll("[^\"]", "").length());
    }
  }

  @Test
  public void failuresTableHoldsTheFailures() {
    List<JsonNode> rows = ReportRows.mixed();
    String table = table(Report.render(rows, null), "failures");
    assertEquals(3, count(table, "<tr><td"));
    assertThat(table, containsString("<td>transcode</td><td>UNSUPPORTED_CODEC</td>"));
    assertThat(table, containsString("<td class=\"n\">3</td>"));
    // Sorted by URI.
    assertTrue(table.indexOf("bad/&lt;script") < table.indexOf("bad/a&amp;b") && table.indexOf("bad/a&amp;b")
        < table.indexOf("bad/notes.txt"));
  }

  @Test
  public void failuresTableIsCapped() {
    List<JsonNode> rows = new ArrayList<>();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 2499; i >= 0; i--) {
      rows.add(ReportRows.failed(String.format("file:///in/%05d.mov", i), t.plusSeconds(i), "probe", "CORRUPT",
          "broken", 1));
    }
    String html = Report.render(rows, null);
    String table = table(html, "failures");
    assertEquals(Report.MAX_FAILURE_ROWS, count(table, "<tr><td"));
    assertThat(table, containsString("file:///in/00000.mov"));
    assertThat(table, containsString("file:///in/00999.mov"));
    assertThat(table, not(containsString("file:///in/01000.mov")));
    assertThat(html, containsString("Showing the first 1,000 failures by URI; 1,500 more"));
  }

  @Test
  public void noFailuresStillDrawsTheChart() {
    List<JsonNode> rows = new ArrayList<>(ReportRows.mixed());
    rows.removeIf(r -> !"ok".equals(r.path("status").asText()));
    String html = Report.render(rows, ReportRows.summaryOf(rows, 10));
    String svg = svg(html, "chart-failures");
    assertThat(svg, containsString(">no failures</text>"));
    assertThat(drawn(svg), greaterThan(0));
    assertThat(html, containsString("No failures: every input was migrated and verified."));
    assertFalse(html.contains("id=\"failures\""));
  }

  @Test
  public void emptyChartsSayWhy() {
    Instant t = Instant.parse("2026-01-01T12:00:00Z");
    List<JsonNode> rows = List.of(ReportRows.ok("file:///a.mov", t, 10, 40, "x264enc"),
        ReportRows.ok("file:///b.mov", t, 20, 42, "x264enc"));
    String html = Report.render(rows, null);
    assertThat(svg(html, "chart-segments"), containsString(">no segmented inputs</text>"));
    assertThat(drawn(svg(html, "chart-segments")), greaterThan(0));
    // All rows finished at once: one bucket, labelled with the time.
    String tp = svg(html, "chart-throughput");
    assertEquals(1, count(tp, "<rect x="));
    assertThat(tp, containsString("all rows finished at once"));
    assertThat(tp, containsString("2026-01-01 12:00:00 UTC"));
    // No rows at all: a page still, every chart a frame with a note.
    String none = Report.render(List.of(), null);
    for (String id : CHARTS) {
      assertThat(id, drawn(svg(none, id)), greaterThan(0));
    }
  }

  @Test
  public void psnrOutliersAreClipped() {
    Instant t = Instant.parse("2026-01-01T12:00:00Z");
    List<JsonNode> rows = new ArrayList<>();
    for (double p : new double[] {12.5, 35.2, 35.9, 41, 99}) {
      rows.add(ReportRows.ok("file:///" + p + ".mov", t, 10, p, "x264enc"));
    }
    String svg = svg(Report.render(rows, null), "chart-psnr");
    assertThat(svg, containsString("20\u201360 dB"));
    assertThat(svg, containsString("below 21 dB: 1"));
    assertThat(svg, containsString("59 dB and above: 1"));
    assertThat(svg, containsString("35\u201336 dB: 2"));
  }

  @Test
  public void hundredThousandRowsStayUnderTwoMegabytes() {
    List<JsonNode> rows = ReportRows.synthetic(100_000, 7);
    long start = System.nanoTime();
    String html = Report.render(rows, ReportRows.summaryOf(rows, 7300));
    double seconds = (System.nanoTime() - start) / 1e9;
    int bytes = html.getBytes(StandardCharsets.UTF_8).length;
    System.out.printf("report for 100,000 rows: %,d bytes in %.2f s%n", bytes, seconds);
    assertThat(bytes, lessThan(2 * 1024 * 1024));
    assertEquals(Report.MAX_FAILURE_ROWS, count(table(html, "failures"), "<tr><td"));
    assertThat(html, containsString("<span>inputs</span><b>100,000</b>"));
    assertThat(html, containsString("9,000 more are in _manifest/results-*.jsonl"));
    for (String id : CHARTS) {
      assertThat(id, drawn(svg(html, id)), greaterThan(1));
    }
    assertFalse(html.contains("<b>bold</b>"));
  }

  @Test
  public void writesReportHtmlFromTheManifestFiles() throws Exception {
    Path manifest = tmp.newFolder("out", "_manifest").toPath();
    List<JsonNode> rows = ReportRows.mixed();
    List<JsonNode> a = rows.subList(0, 4);
    List<JsonNode> b = rows.subList(4, rows.size());
    Files.writeString(manifest.resolve("results-00000-of-00002.jsonl"), jsonl(a));
    Files.writeString(manifest.resolve("results-00001-of-00002.jsonl"), jsonl(b) + "{not json\n\n");
    Files.writeString(manifest.resolve("results-00000-of-00001.avro"), "not read");
    Files.writeString(manifest.resolve("summary.json"), ReportRows.summaryOf(rows, 42.5) + "\n");
    Report.write(manifest.toString());
    String html = Files.readString(manifest.resolve("report.html"));
    assertThat(html, containsString("<span>inputs</span><b>9</b>"));
    assertThat(html, containsString("42.5 s"));
    assertThat(html, containsString("1 unreadable lines"));
    assertEquals(3, count(table(html, "failures"), "<tr><td"));
    for (String id : CHARTS) {
      assertThat(id, drawn(svg(html, id)), greaterThan(0));
    }

    // No summary.json, no rows: still a page.
    Path empty = tmp.newFolder("empty").toPath();
    Report.write(empty.toString() + "/");
    assertThat(Files.readString(empty.resolve("report.html")), containsString("gstbeam migrate report"));
  }

  private static String jsonl(List<JsonNode> rows) {
    return rows.stream().map(JsonNode::toString).collect(Collectors.joining("\n", "", "\n"));
  }

  static String svg(String html, String id) {
    Matcher m = Pattern.compile("<svg [^>]*id=\"" + id + "\".*?</svg>", Pattern.DOTALL).matcher(html);
    assertTrue("no svg " + id, m.find());
    return m.group();
  }

  static String table(String html, String id) {
    Matcher m = Pattern.compile("<table id=\"" + id + "\">.*?</table>", Pattern.DOTALL).matcher(html);
    assertTrue("no table " + id, m.find());
    return m.group();
  }

  /** Drawn elements: rect, path, polyline, circle. */
  static int drawn(String svg) {
    return count(svg, "<rect ") + count(svg, "<path ") + count(svg, "<polyline ") + count(svg, "<circle ");
  }

  static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }
}
