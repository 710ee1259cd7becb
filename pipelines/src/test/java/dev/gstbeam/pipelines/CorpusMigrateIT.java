package dev.gstbeam.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Every file of the bundled corpus that GStreamer 1.22 decodes (per the corpus manifests) migrated with
 * {@code mp4-h264-aac} in one job, and each output checked with ffprobe/ffmpeg as {@link MigrateIT}
 * does: H.264 High yuv420p if the source had video, AAC if it had audio, frame count equal to the
 * source's, size and aspect rules, a clean decode, PSNR against the source.
 *
 * <p>Runs with {@code -Dgstbeam.corpus=true} (about 3 minutes; not in CI's default run).
 * {@code -Dgstbeam.corpus.only=REGEX} keeps the files whose {@code dir/name} it finds.
 * Files longer than two minutes (three 6-minute clips) are left to {@code -Dgstbeam.corpus.full=true}
 * to keep CI short; their containers and codecs are covered by shorter files. Inputs that cannot
 * migrate here, and why, are listed in {@link #KNOWN}: the test fails if one of them starts to pass
 * (so the list stays true) or if any other input fails.
 */
public class CorpusMigrateIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  /**
   * Inputs the manifests call decodable that do not migrate here, with the cause (a part of the row's
   * message or of the failed check). Why each fails: docs/BENCHMARKS.md, "Corpus migration".
   */
  static final Map<String, String> KNOWN = new TreeMap<>(Map.ofEntries(
      // No decoder or demuxer here.
      Map.entry("androidx-media/mp4/sample_fpcm_32le.mp4", "MISSING_PLUGIN"),
      Map.entry("androidx-media/mp4/sample_ipcm_16be.mp4", "MISSING_PLUGIN"),
      Map.entry("androidx-media/mp4/sample_ipcm_24le.mp4", "MISSING_PLUGIN"),
      Map.entry("androidx-media/ts/sample_h264_dts_audio.ts", "type 0x82 on PID 0x101"),
      Map.entry("androidx-media/ts/sample_with_junk", "MPEG audio packets (stream 0xc0"),
      // Subpicture samples with 0.05 s of video beside 1 s of audio: qtdemux skips a track under 20 % of
      // the movie, in the MP4 source (a failure row at once; it used to migrate without its video) and in
      // the MP4 written from the Matroska ones (which then cannot be verified here).
      Map.entry("androidx-media/mkv/sample_with_pgs_subtitles.mkv", "cannot verify the output here"),
      Map.entry("androidx-media/mkv/sample_with_vobsub.mkv", "cannot verify the output here"),
      Map.entry("androidx-media/mp4/sample_with_vobsub.mp4", "is not among the streams GStreamer's demuxer exposes"),
      // GStreamer decodes fewer frames than the source has: qtdemux does not deliver them.
      Map.entry("androidx-media/mp4/sample_partially_fragmented.mp4", "video duration"),
      Map.entry("androidx-media/mp4/dolbyVision-hdr.MOV", "sample tables show 4 video frames"),
      Map.entry("androidx-media/mp4/sample_empty_track.mp4", "sample tables show 30 video frames"),
      // 10x12 video: mp4mux takes none under 16x16, and gstbeam does not upscale (a failure row at once).
      Map.entry("androidx-media/mp4/sample_with_fake_auxiliary_tracks.mp4", "takes video from 16x16 up"),
      Map.entry("androidx-media/mp4/sample_with_fake_auxiliary_tracks_interleaved_with_primary_video_tracks.mp4",
          "takes video from 16x16 up"),
      Map.entry("androidx-media/mp4/iibbibb_editlist_videoonly.mp4", "frame count"),
      Map.entry("androidx-media/mp4/sample_with_invalid_nalu.mp4", "decodes without errors"),
      Map.entry("androidx-media/wav/sample_80KHz_mono_20_repeating_1_samples.wav", "output does not probe"),
      // Subtitles only: nothing a profile makes an output of (a failure row at once; it used to stall).
      Map.entry("androidx-media/mkv/full_blocks.mkv", "nothing to migrate"),
      Map.entry("other/broken_mjpeg_partial_frame.mjpeg", "cannot count the video frames")));

  private static Path inputs;
  private static final List<String> selected = new ArrayList<>();

  @BeforeClass
  public static void select() throws Exception {
    // Opt-in (about 3 minutes): the known failures are listed in KNOWN, see docs/BENCHMARKS.md, "Corpus migration".
    org.junit.Assume.assumeTrue("run with -Dgstbeam.corpus=true", Boolean.getBoolean("gstbeam.corpus"));
    TestData.assumeTool("ffmpeg");
    boolean full = Boolean.getBoolean("gstbeam.corpus.full");
    // -Dgstbeam.corpus.only=REGEX: only the files whose dir/name this finds (to work on a few causes).
    java.util.regex.Pattern only = System.getProperty("gstbeam.corpus.only") == null
        ? null : java.util.regex.Pattern.compile(System.getProperty("gstbeam.corpus.only"));
    inputs = TMP.newFolder("corpus").toPath();
    Path corpus = TestData.corpus();
    for (String dir : List.of("androidx-media", "other")) {
      List<String> lines = Files.readAllLines(corpus.resolve(dir).resolve("MANIFEST.tsv"));
      List<String> header = List.of(lines.get(0).split("\t", -1));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t", -1);
        String file = f[0];
        boolean decodes;
        double seconds;
        if (dir.equals("androidx-media")) {
          decodes = f[header.indexOf("gstreamer_1_22_expected")].equals("ok");
          String d = f[header.indexOf("ffprobe_duration_s")];
          seconds = d.isEmpty() ? 0 : Double.parseDouble(d);
        } else {
          decodes = f[header.indexOf("gst_decodes")].startsWith("yes");
          String d = f[header.indexOf("duration_s")].replaceAll("[^0-9.].*", "");
          seconds = d.isEmpty() ? 0 : Double.parseDouble(d);
        }
        if (only != null && !only.matcher(dir + "/" + file).find()) {
          continue;
        }
        if (!decodes || (!full && seconds > 120 && seconds < 100_000)) {
          continue; // (a six-figure duration is a bogus header value, not a long file)
        }
        Path target = inputs.resolve(dir).resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(corpus.resolve(dir).resolve(file), target);
        selected.add(dir + "/" + file);
      }
    }
    assertTrue("corpus selection: " + selected.size(), only != null ? !selected.isEmpty() : selected.size() > 150);
  }

  @Test
  public void everyDecodableCorpusFileMigratesAndChecksOut() throws Exception {
    Path out = TMP.newFolder("out").toPath();
    CliIT.Run r = CliIT.gstbeam("migrate", "--input", inputs.toString(), "--output", out.toString(),
        "--preset", "ultrafast");
    assertTrue(r.out() + r.err(), r.code() == 0 || r.code() == 3);
    Map<String, JsonNode> rows = rows(out);
    List<String> missing = new ArrayList<>(selected);
    missing.removeAll(rows.keySet());
    List<String> extra = new ArrayList<>(rows.keySet());
    extra.removeAll(selected);
    assertEquals("one row per input; missing " + missing + ", unexpected " + extra, selected.size(), rows.size());
    Map<String, String> failed = new TreeMap<>();
    int checked = 0;
    for (String name : selected) {
      JsonNode row = rows.get(name);
      if (row == null) {
        failed.put(name, "no row");
        continue;
      }
      if (!"ok".equals(row.get("status").asText())) {
        failed.put(name, row.get("reason").asText() + ": " + row.get("message").asText());
        continue;
      }
      Path source = Path.of(URI.create(row.get("uri").asText()));
      Path output = Path.of(URI.create(row.get("output_uri").asText()));
      try {
        MigrateIT.checkOutput(source, output, row, 30.0);
        checked++;
      } catch (AssertionError e) {
        failed.put(name, "check: " + e.getMessage());
      }
    }
    StringBuilder report = new StringBuilder();
    failed.forEach((k, v) -> report.append(k).append('\t').append(v).append('\n'));
    Files.writeString(Path.of("target", "corpus-migrate-failures.tsv"), report.toString());
    System.out.printf("corpus migrate: %d selected, %d checked ok, %d failed%n%s", selected.size(), checked,
        failed.size(), report);
    for (Map.Entry<String, String> k : KNOWN.entrySet()) {
      if (!selected.contains(k.getKey())) {
        continue;
      }
      String why = failed.get(k.getKey());
      assertTrue(k.getKey() + " was expected to fail (" + k.getValue() + ") but " + (why == null ? "passed" : why),
          why != null && why.contains(k.getValue()));
    }
    failed.keySet().removeAll(KNOWN.keySet());
    assertEquals("unexpected failures:\n" + report, Map.of(), failed);
  }

  private static Map<String, JsonNode> rows(Path out) throws IOException {
    Map<String, JsonNode> rows = new TreeMap<>();
    for (JsonNode n : Manifests.results(out)) {
      rows.put(inputs.relativize(Path.of(URI.create(n.get("uri").asText()))).toString(), n);
    }
    return rows;
  }
}
