package dev.gstbeam.pipelines.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The report as a browser sees it: Debian's Chromium, headless, loads the page from a file, and a
 * probe script (allowed by the page's policy through its hash) writes on every chart how many of its
 * shapes have a non-empty box; the dumped DOM carries those counts. A screenshot is kept in
 * {@code target/report-it/report.png}. Chromium is required: the test command installs it.
 */
public class ReportChromiumIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  static final String PROBE = String.join("",
      "(function(){var out=[];",
      "document.querySelectorAll('svg.chart').forEach(function(s){var n=0;",
      "s.querySelectorAll('rect,path,polyline,circle').forEach(function(e){",
      "if(e instanceof SVGGeometryElement){var b=e.getBBox();if(b.width>0||b.height>0){n++;}}});",
      "var r=s.getBoundingClientRect();s.setAttribute('data-drawn',String(n));",
      "s.setAttribute('data-box',Math.round(r.width)+'x'+Math.round(r.height));out.push(s.id+'='+n);});",
      "var t=document.body.textContent;",
      "document.body.setAttribute('data-hostile-as-text',",
      "String(t.indexOf('<script>alert(1)<\\/script>')>=0&&t.indexOf('a&b\"c\\'')>=0));",
      "document.body.setAttribute('data-scripts',String(document.scripts.length));",
      "document.title='drawn '+out.join(' ');})();");

  @Test
  public void chromiumDrawsEveryChart() throws Exception {
    assertTrue("the report's browser test needs Debian's Chromium at " + CHROMIUM
        + " (apt-get install chromium; .ci/test installs it)", Files.isExecutable(CHROMIUM));
    Path dir = Path.of("target", "report-it").toAbsolutePath();
    Files.createDirectories(dir);
    List<JsonNode> rows = new ArrayList<>(ReportRows.synthetic(3000, 11));
    rows.addAll(ReportRows.mixed());
    String html = Report.render(rows, ReportRows.summaryOf(rows, 7215.3), PROBE)
        // A script without the policy's hash, as a row's markup would be if escaping failed: must not run.
        .replace("</main>", "</main><script>document.body.setAttribute('data-unhashed','ran')</script>");
    Path page = dir.resolve("report.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);

    String dom = chromium(dir, "dom", "--dump-dom", page.toUri().toString());
    Files.writeString(dir.resolve("report-dom.html"), dom, StandardCharsets.UTF_8);
    for (String id : ReportTest.CHARTS) {
      String tag = openTag(dom, "svg", id);
      assertNotNull("no <svg id=" + id + "> in the DOM Chromium dumped", tag);
      String drawn = attr(tag, "data-drawn");
      assertNotNull(id + " was not probed: " + tag, drawn);
      assertThat(id + " shapes with a box", Integer.parseInt(drawn), greaterThan(1));
      String[] box = attr(tag, "data-box").split("x");
      assertThat(id + " width on the page", Integer.parseInt(box[0]), greaterThan(300));
      assertThat(id + " height on the page", Integer.parseInt(box[1]), greaterThan(150));
    }
    assertThat(dom, containsString("<title>drawn chart-throughput="));
    String body = openTag(dom, "body", null);
    assertEquals("user strings in the page's text, as text", "true", attr(body, "data-hostile-as-text"));
    assertFalse("a script without the policy's hash ran", body.contains("data-unhashed"));
    assertEquals("2", attr(body, "data-scripts"));
    assertThat(dom, containsString("&lt;script&gt;alert(1)&lt;/script&gt;"));

    Path png = dir.resolve("report.png");
    Files.deleteIfExists(png);
    chromium(dir, "png", "--screenshot=" + png, "--window-size=1280,2400", "--hide-scrollbars",
        page.toUri().toString());
    assertTrue("no screenshot at " + png, Files.isRegularFile(png));
    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4));
    assertThat("screenshot bytes", bytes.length, greaterThan(10 * 1024));
    System.out.println("report screenshot: " + png + " (" + bytes.length + " bytes)");
  }

  /** Runs headless Chromium with a fresh profile; returns its standard output. */
  private static String chromium(Path dir, String name, String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("gstbeam-chromium-");
    try {
      List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
      cmd.addAll(List.of(args));
      Path out = dir.resolve("chromium-" + name + ".out");
      Path err = dir.resolve("chromium-" + name + ".err");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("chromium did not finish in 180 s: " + cmd + "\n" + tail(err));
      }
      assertEquals("chromium " + cmd + "\n" + tail(err), 0, p.exitValue());
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      try (Stream<Path> s = Files.walk(profile)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String tail(Path f) throws IOException {
    String s = Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  /** The opening tag of the element {@code name} (with {@code id}, when given), or null. */
  static String openTag(String dom, String name, String id) {
    Matcher m = Pattern.compile("<" + name + "\\b[^>]*>").matcher(dom);
    while (m.find()) {
      if (id == null || id.equals(attr(m.group(), "id"))) {
        return m.group();
      }
    }
    return null;
  }

  static String attr(String tag, String name) {
    Matcher m = Pattern.compile("\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(tag);
    return m.find() ? m.group(1) : null;
  }
}
