package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.internal.paths.OutputPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code probe} and {@code migrate} from {@code s3a://} to {@code s3a://} against a real S3-protocol
 * server (S3Proxy on loopback, started here): catalog URIs, outputs checked with ffprobe/ffmpeg after
 * download, segments, re-runs, the server restarted mid-job, wrong credentials, and the secret
 * appearing nowhere.
 */
public class S3IT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "gstbeam-it";
  private static final String SECRET = "Zebra-Quartz-5521-s3cr3t";
  private static final String BUCKET = "archive";
  private static final Path CORPUS = Path.of("..", "testdata", "corpus").toAbsolutePath().normalize();

  private static S3Server s3;
  /** Key under in/ -> the local file it was uploaded from. */
  private static final Map<String, Path> GOOD = new LinkedHashMap<>();

  @BeforeClass
  public static void startServerAndUpload() throws Exception {
    s3 = S3Server.start(TMP.newFolder("s3data").toPath(), KEY, SECRET);
    s3.createBucket(BUCKET);
    Path clip = TMP.getRoot().toPath().resolve("clip30.mp4");
    dev.gstbeam.testing.Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
        "-t", "30", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-bf", "3", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k", clip.toString());
    GOOD.put("in/long/clip30.mp4", clip);
    GOOD.put("in/other/theora_vorbis.ogv", CORPUS.resolve("other/theora_vorbis.ogv"));
    GOOD.put("in/audio/sine_24le.wav", CORPUS.resolve("androidx-media/wav/sine_24le.wav"));
    GOOD.put("in/with space/bbb ü (1).mp4", CORPUS.resolve("androidx-media/mp4/bbb_176x144_192kbps_15fps_mpeg4.mp4"));
    for (Map.Entry<String, Path> e : GOOD.entrySet()) {
      s3.upload(BUCKET, e.getKey(), e.getValue());
    }
    Path text = TMP.newFile("notes.mp4").toPath();
    Files.writeString(text, "not media at all\n".repeat(100), StandardCharsets.UTF_8);
    s3.upload(BUCKET, "mixed/notes.mp4", text);
    s3.upload(BUCKET, "mixed/theora_vorbis.ogv", CORPUS.resolve("other/theora_vorbis.ogv"));
    s3.upload(BUCKET, "mixed/bell.oga", CORPUS.resolve("other/vorbis_bell_140ms.oga"));
  }

  @AfterClass
  public static void stopServer() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  public void probeCatalogsEveryObjectUnderItsS3aUri() throws Exception {
    Run r = gstbeam("probe", "--input", "s3a://" + BUCKET + "/mixed/*", "--output", "s3a://" + BUCKET + "/catalog",
        "--s3-endpoint", s3.endpoint());
    assertEquals(r.text, 3, r.code); // one input is not media
    Map<String, JsonNode> media = rowsByUri("catalog/media-");
    Map<String, JsonNode> failures = rowsByUri("catalog/failures-");
    assertEquals(new TreeSet<>(List.of("s3a://archive/mixed/bell.oga", "s3a://archive/mixed/theora_vorbis.ogv")),
        media.keySet());
    assertEquals(List.of("s3a://archive/mixed/notes.mp4"), new ArrayList<>(failures.keySet()));
    assertEquals("NOT_MEDIA", failures.get("s3a://archive/mixed/notes.mp4").get("reason").asText());
    JsonNode ogv = media.get("s3a://archive/mixed/theora_vorbis.ogv");
    assertEquals(Files.size(CORPUS.resolve("other/theora_vorbis.ogv")), ogv.get("size_bytes").asLong());
    assertEquals("ogg", ogv.get("container").asText());
    JsonNode summary = JSON.readTree(s3.get(BUCKET, "catalog/summary.json"));
    assertEquals(3, summary.get("inputs").asInt());
    assertEquals(1, summary.get("failed").asInt());
    assertNoSecret(r.text);
  }

  @Test
  public void migratesWholeAndSegmentedAndARerunSkipsEverything() throws Exception {
    String out = "s3a://" + BUCKET + "/out";
    Run r = gstbeam("migrate", "--input", "s3a://" + BUCKET + "/in/**", "--output", out, "--s3-endpoint", s3.endpoint(),
        "--segment-seconds", "10");
    assertEquals(r.text, 0, r.code);
    Map<String, JsonNode> rows = rowsByUri("out/_manifest/results-");
    assertEquals(expectedUris(), rows.keySet());
    Path downloads = TMP.newFolder("downloads").toPath();
    for (Map.Entry<String, Path> e : GOOD.entrySet()) {
      JsonNode row = rows.get(uriOf(e.getKey()));
      assertEquals(row.toString(), "ok", row.get("status").asText());
      String outputUri = row.get("output_uri").asText();
      assertThat(outputUri, startsWith(out + "/"));
      Path local = downloads.resolve(String.valueOf(outputUri.hashCode()) + ".mp4");
      s3.download(BUCKET, keyOf(outputUri), local);
      MigrateIT.checkOutput(e.getValue(), local, row, 30.0);
      if (e.getKey().contains("clip30")) {
        assertThat("segmented", row.get("segments").asInt(), greaterThanOrEqualTo(3));
      }
    }
    assertCleanOutputs("out/");
    assertThat(new String(s3.get(BUCKET, "out/_manifest/report.html"), StandardCharsets.UTF_8), containsString("<svg"));
    Map<String, Instant> written = lastModified("out/");

    Run again = gstbeam("migrate", "--input", "s3a://" + BUCKET + "/in/**", "--output", out, "--s3-endpoint",
        s3.endpoint(), "--segment-seconds", "10");
    assertEquals(again.text, 0, again.code);
    Map<String, JsonNode> rerun = rowsByUri("out/_manifest/results-");
    assertEquals(expectedUris(), rerun.keySet());
    for (JsonNode row : rerun.values()) {
      assertEquals(row.toString(), "skip", row.get("action").asText());
      assertEquals(row.toString(), "ok", row.get("status").asText());
    }
    Map<String, Instant> after = lastModified("out/");
    for (JsonNode row : rerun.values()) {
      String key = keyOf(row.get("output_uri").asText());
      assertEquals("not written again: " + key, written.get(key), after.get(key));
    }
    assertNoSecret(r.text + again.text);
    for (String k : s3.keys(BUCKET, "out/_manifest/")) {
      assertFalse("secret in " + k, new String(s3.get(BUCKET, k), StandardCharsets.ISO_8859_1).contains(SECRET));
    }
  }

  @Test
  public void aMigrationSurvivesTheServerGoingDownAndComingBack() throws Exception {
    String out = "s3a://" + BUCKET + "/restart";
    Path log = TMP.newFile("restart.log").toPath();
    Process job = start(log, "migrate", "--input", "s3a://" + BUCKET + "/in/**", "--output", out, "--s3-endpoint",
        s3.endpoint(), "--segment-seconds", "10");
    // Down from the moment the job has checked the bucket and starts its pipeline (whose first step
    // lists the input prefix on the server), for 12 s.
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.readString(log, StandardCharsets.UTF_8).contains("gstbeam migrate:") && job.isAlive()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue("the job was still running when the server went down", job.isAlive());
    long t0 = System.nanoTime();
    s3.stop();
    Thread.sleep(12_000);
    assertTrue("the job waited for the server", job.isAlive());
    s3.restart();
    assertTrue("the job ended", job.waitFor(10, TimeUnit.MINUTES));
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(text, 0, job.exitValue());
    Map<String, JsonNode> rows = rowsByUri("restart/_manifest/results-");
    assertEquals(expectedUris(), rows.keySet());
    for (JsonNode row : rows.values()) {
      assertEquals(row.toString(), "ok", row.get("status").asText());
      String key = keyOf(row.get("output_uri").asText());
      assertTrue("output present: " + key, s3.keys(BUCKET, key).contains(key));
    }
    assertCleanOutputs("restart/");
    long retried = text.lines().filter(l -> l.contains("retrying") || l.contains("Retrying")).count();
    System.out.printf("S3 server down for 12 s from the job's start: %d retry log lines; all %d inputs ok;"
        + " job ended %.1f s after the server went down%n", retried, rows.size(), (System.nanoTime() - t0) / 1e9);
    assertNoSecret(text);
  }

  @Test
  public void wrongCredentialsFailInOneLineWithoutTheSecret() throws Exception {
    String wrong = "Heron-Wrong-0042-s3cr3t";
    Run r = gstbeam(Map.of("AWS_SECRET_ACCESS_KEY", wrong), "migrate", "--input", "s3a://" + BUCKET + "/in/**",
        "--output", "s3a://" + BUCKET + "/denied", "--s3-endpoint", s3.endpoint());
    assertEquals(r.text, 1, r.code);
    List<String> lines = r.text.lines().filter(l -> l.startsWith("gstbeam:")).toList();
    assertEquals(r.text, 1, lines.size());
    assertThat(lines.get(0), containsString("access to bucket 'archive'"));
    assertThat(r.text, not(containsString("\tat ")));
    assertThat(r.text, not(containsString(wrong)));
    assertNoSecret(r.text);
    assertTrue("nothing written", s3.keys(BUCKET, "denied/").isEmpty());

    Run missing = gstbeam("probe", "--input", "s3a://no-such-bucket/in/*", "--output", "s3a://no-such-bucket/o",
        "--s3-endpoint", s3.endpoint());
    assertEquals(missing.text, 1, missing.code);
    assertThat(missing.text, containsString("bucket 'no-such-bucket' does not exist"));
  }

  // ---------------------------------------------------------------------------------------------

  private static TreeSet<String> expectedUris() {
    TreeSet<String> out = new TreeSet<>();
    GOOD.keySet().forEach(k -> out.add(uriOf(k)));
    return out;
  }

  /** An object's URI as rows spell it: a URI, spaces escaped (as a local file's file:// URI). */
  private static String uriOf(String key) {
    try {
      return new java.net.URI("s3a", BUCKET, "/" + key, null).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String keyOf(String uri) {
    return java.net.URI.create(uri).getPath().substring(1);
  }

  /** JSONL rows of the objects {@code prefix*.jsonl}, by uri; each uri once. */
  private static Map<String, JsonNode> rowsByUri(String prefix) throws Exception {
    Map<String, JsonNode> rows = new TreeMap<>();
    for (String k : s3.keys(BUCKET, prefix)) {
      if (!k.endsWith(".jsonl")) {
        continue;
      }
      for (String line : new String(s3.get(BUCKET, k), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = JSON.readTree(line);
        JsonNode previous = rows.put(row.get("uri").asText(), row);
        assertEquals("one row per input: " + row.get("uri"), null, previous);
      }
    }
    return rows;
  }

  /** No segment work area and no temporary object left under {@code prefix}. */
  private static void assertCleanOutputs(String prefix) {
    for (String k : s3.keys(BUCKET, prefix)) {
      assertFalse("work area left: " + k, k.contains("/_work/"));
      assertFalse("temporary left: " + k, k.substring(k.lastIndexOf('/') + 1).startsWith(OutputPaths.TEMP_PREFIX));
      assertFalse("Beam temporary left: " + k, k.contains(".temp-beam"));
    }
  }

  private static Map<String, Instant> lastModified(String prefix) {
    Map<String, Instant> out = new HashMap<>();
    s3.client().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()
        .forEach(o -> out.put(o.key(), o.lastModified()));
    return out;
  }

  private static void assertNoSecret(String text) {
    assertThat(text, not(containsString(SECRET)));
  }

  record Run(int code, String text) {}

  private static Run gstbeam(String... args) throws Exception {
    return gstbeam(Map.of(), args);
  }

  private static Run gstbeam(Map<String, String> env, String... args) throws Exception {
    Path log = TMP.newFile().toPath();
    Process p = start(log, env, args);
    assertTrue("the job ended", p.waitFor(10, TimeUnit.MINUTES));
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static Process start(Path log, String... args) throws Exception {
    return start(log, Map.of(), args);
  }

  private static Process start(Path log, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(CliIT.command(args)).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("AWS_ACCESS_KEY_ID", KEY);
    pb.environment().put("AWS_SECRET_ACCESS_KEY", SECRET);
    pb.environment().putAll(env);
    return pb.start();
  }
}
