package dev.gstbeam.pipelines;

import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.pipelines.cli.Main;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Issue 2's first acceptance point: {@code gstbeam probe} over every file of the bundled corpus, each
 * catalogued file compared with what ffprobe (run here, per file) says, field by field: container,
 * duration (max(0.1 s, 2 %)), stream counts per type, codec names, width/height, frame rate (1 % of
 * ffprobe's average or base rate), sample rate, channels, language, title/artist, chapter count,
 * rotation, interlacing (where ffprobe knows the field order) and video bit depth. At least 97 % of all
 * compared fields must agree. The mismatches are printed (and written next to the catalog) so that
 * each can be explained; docs/BENCHMARKS.md explains the current ones.
 */
public class FfprobeAgreementIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double REQUIRED = 0.97;

  private final Map<String, int[]> byField = new TreeMap<>(); // field -> {compared, agreed}
  private final List<String> mismatches = new ArrayList<>();

  @Test
  public void catalogAgreesWithFfprobe() throws Exception {
    Path out = TMP.newFolder("catalog").toPath();
    Path corpus = TestData.repoRoot().resolve("testdata/corpus");
    int code = Main.run("probe", "--input", corpus.toString(), "--output", out.toString(), "--format", "jsonl");
    assertTrue("exit code 0 or 3, was " + code, code == 0 || code == 3);

    List<JsonNode> catalog = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().matches("media-.*\\.jsonl"))::iterator) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            catalog.add(JSON.readTree(line));
          }
        }
      }
    }
    assertTrue("catalog has most of the corpus: " + catalog.size(), catalog.size() >= 200);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<JsonNode>> probes = new ArrayList<>();
    for (JsonNode m : catalog) {
      Path file = Path.of(URI.create(m.get("uri").asText()));
      probes.add(pool.submit(() -> ffprobe(file)));
    }
    pool.shutdown();
    int files = 0;
    for (int i = 0; i < catalog.size(); i++) {
      JsonNode ff = probes.get(i).get(2, TimeUnit.MINUTES);
      JsonNode fmt = ff.path("format");
      if (fmt.isMissingNode() || fmt.isEmpty()) {
        continue; // ffprobe cannot read it at all: nothing to compare with
      }
      files++;
      compareFile(catalog.get(i), ff);
    }

    int compared = byField.values().stream().mapToInt(c -> c[0]).sum();
    int agreed = byField.values().stream().mapToInt(c -> c[1]).sum();
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "ffprobe agreement: %d files, %d fields compared, %d agree (%.2f %%)%n",
        files, compared, agreed, 100.0 * agreed / Math.max(compared, 1)));
    byField.forEach((f, c) -> {
      if (c[0] != c[1]) {
        report.append(String.format(Locale.ROOT, "  %s: %d of %d differ%n", f, c[0] - c[1], c[0]));
      }
    });
    System.out.print(report);
    // Kept after the run (the build directory), for explaining each mismatch.
    Path target = Path.of("target");
    Files.write(Files.isDirectory(target) ? target.resolve("ffprobe-mismatches.tsv") : out.resolve("ffprobe-mismatches.tsv"),
        mismatches, StandardCharsets.UTF_8);
    assertTrue("compared a real number of fields: " + compared, compared >= 3000);
    assertTrue(report.toString(), agreed >= REQUIRED * compared);
  }

  private static JsonNode ffprobe(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-print_format", "json", "-show_format",
        "-show_streams", "-show_chapters", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("ffprobe hung on " + file);
    }
    return stdout.length == 0 ? JSON.createObjectNode() : JSON.readTree(stdout);
  }

  private void compareFile(JsonNode m, JsonNode ff) {
    String uri = m.get("uri").asText();
    JsonNode fmt = ff.get("format");
    String formatNames = fmt.path("format_name").asText("");
    String container = m.path("container").asText(null);
    compare(uri, "container", container, formatNames, container != null && List.of(formatNames.split(",")).contains(container));
    if (fmt.hasNonNull("duration")) {
      double theirs = fmt.get("duration").asDouble();
      JsonNode ours = m.get("duration_seconds");
      compare(uri, "duration", ours, theirs, ours != null && !ours.isNull()
          && Math.abs(ours.asDouble() - theirs) <= Math.max(0.1, 0.02 * theirs));
    }
    List<JsonNode> theirStreams = new ArrayList<>();
    for (JsonNode s : ff.path("streams")) {
      String t = s.path("codec_type").asText();
      boolean attachedPicture = s.path("disposition").path("attached_pic").asInt() == 1;
      if ((t.equals("video") || t.equals("audio") || t.equals("subtitle")) && !attachedPicture) {
        theirStreams.add(s);
      }
    }
    for (String type : List.of("video", "audio", "subtitle")) {
      List<JsonNode> ours = new ArrayList<>();
      m.path("streams").forEach(s -> { if (type.equals(s.path("type").asText())) ours.add(s); });
      List<JsonNode> theirs = theirStreams.stream().filter(s -> type.equals(s.path("codec_type").asText())).toList();
      compare(uri, type + "_count", ours.size(), theirs.size(), ours.size() == theirs.size());
      List<String> oc = ours.stream().map(s -> s.path("codec").asText("null")).sorted().toList();
      List<String> tc = theirs.stream().map(s -> s.path("codec_name").asText("null")).sorted().toList();
      compare(uri, type + "_codecs", oc, tc, oc.equals(tc));
      for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
        compareStream(uri, type, ours.get(i), theirs.get(i));
      }
    }
    Map<String, String> tags = new TreeMap<>();
    fmt.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    for (String k : List.of("title", "artist")) {
      if (tags.containsKey(k)) {
        String ours = m.path("tags").path(k).asText(null);
        compare(uri, k, ours, tags.get(k), tags.get(k).equals(ours));
      }
    }
    int oursChapters = m.path("chapters").size();
    int theirChapters = ff.path("chapters").size();
    compare(uri, "chapters", oursChapters, theirChapters, oursChapters == theirChapters);
  }

  private void compareStream(String uri, String type, JsonNode o, JsonNode t) {
    if (type.equals("video")) {
      compare(uri, "width", o.path("width"), t.path("width"), o.path("width").asInt(-1) == t.path("width").asInt(-2));
      compare(uri, "height", o.path("height"), t.path("height"), o.path("height").asInt(-1) == t.path("height").asInt(-2));
      double avg = rate(t.path("avg_frame_rate").asText("0/0"));
      double base = rate(t.path("r_frame_rate").asText("0/0"));
      if (avg > 0 || base > 0) {
        JsonNode fr = o.get("frame_rate");
        boolean ok = fr != null && !fr.isNull()
            && ((avg > 0 && Math.abs(fr.asDouble() - avg) <= 0.01 * avg) || (base > 0 && Math.abs(fr.asDouble() - base) <= 0.01 * base));
        compare(uri, "frame_rate", fr, avg + "|" + base, ok);
      }
      int rotation = 0;
      for (JsonNode sd : t.path("side_data_list")) {
        if (sd.has("rotation")) {
          rotation = Math.floorMod(-sd.get("rotation").asInt(), 360);
        }
      }
      compare(uri, "rotation", o.path("rotation"), rotation, o.path("rotation").asInt(0) == rotation);
      String fieldOrder = t.path("field_order").asText("");
      if (List.of("progressive", "tt", "bb", "tb", "bt").contains(fieldOrder)) {
        boolean interlaced = !fieldOrder.equals("progressive");
        compare(uri, "interlaced", o.path("interlaced"), fieldOrder, o.path("interlaced").asBoolean(!interlaced) == interlaced);
      }
      Integer depth = bitDepth(t);
      if (depth != null) {
        compare(uri, "bit_depth", o.path("bit_depth"), depth, o.path("bit_depth").asInt(-1) == depth);
      }
    }
    if (type.equals("audio")) {
      String rate = t.path("sample_rate").asText("0");
      if (!rate.equals("0")) {
        compare(uri, "sample_rate", o.path("sample_rate"), rate, o.path("sample_rate").asText().equals(rate));
      }
      int channels = t.path("channels").asInt(0); // ffprobe says 0 when it does not know
      if (channels > 0) {
        compare(uri, "channels", o.path("channels"), channels, o.path("channels").asInt(-1) == channels);
      }
    }
    String lang = t.path("tags").path("language").asText("");
    if (!lang.isEmpty()) {
      compare(uri, "language", o.path("language"), lang, lang.equals(o.path("language").asText(null)));
    }
  }

  private static Integer bitDepth(JsonNode t) {
    String raw = t.path("bits_per_raw_sample").asText("");
    if (raw.matches("\\d+") && Integer.parseInt(raw) > 0) {
      return Integer.parseInt(raw);
    }
    String pf = t.path("pix_fmt").asText("");
    for (int d : new int[] {16, 12, 10}) {
      if (pf.contains("p" + d)) {
        return d;
      }
    }
    return pf.isEmpty() ? null : 8;
  }

  private static double rate(String fraction) {
    String[] nd = fraction.split("/");
    try {
      double d = nd.length == 2 ? Double.parseDouble(nd[1]) : 1;
      return d == 0 ? 0 : Double.parseDouble(nd[0]) / d;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void compare(String uri, String field, Object ours, Object theirs, boolean agree) {
    int[] c = byField.computeIfAbsent(field, k -> new int[2]);
    c[0]++;
    if (agree) {
      c[1]++;
    } else {
      mismatches.add(uri + "\t" + field + "\t" + Objects.toString(ours) + "\t" + Objects.toString(theirs));
    }
  }
}
