package dev.gstbeam.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.Ffmpeg;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runners.MethodSorters;

/**
 * A real Flink session cluster on 127.0.0.1 ({@code gstbeam cluster start}: a JobManager and two
 * TaskManagers as separate JVMs, one GPU-tagged), jobs submitted with {@code --flink-master}, checked
 * through Flink's REST API: the transcoding steps ran only on the GPU-tagged TaskManager (and fell back to
 * the software encoder there, saying why: no GPU is lent to this project), the other steps ran too, the
 * output is frame-identical to an embedded run; jobs in a row share one GStreamer and do not grow the
 * TaskManager's threads; a TaskManager killed mid-job is survived; {@code cluster stop} leaves no process
 * and no listening port.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static Path inputs;
  private static Path state;
  private static String master;
  private static JsonNode status;

  @BeforeClass
  public static void startCluster() throws Exception {
    TestData.assumeTool("ffmpeg");
    inputs = TMP.newFolder("in").toPath();
    Manifests.h264BFrames75(inputs.resolve("h264 bframes.mp4"));
    state = TMP.newFolder("cluster").toPath();
    CliIT.Run r = CliIT.gstbeam("cluster", "start", "--state-dir", state.toString(), "--taskmanagers", "2",
        "--gpu-taskmanagers", "1", "--json");
    assertEquals(r.out() + r.err(), 0, r.code());
    status = JSON.readTree(r.out());
    master = status.get("flink_master").asText();
  }

  @AfterClass
  public static void stopClusterIfLeft() throws Exception {
    if (state != null) {
      CliIT.gstbeam("cluster", "stop", "--state-dir", state.toString());
      // Keep the cluster's logs for a look after the build (CI keeps target/).
      Path keep = Files.createDirectories(Path.of("target", "cluster-it-logs"));
      try (Stream<Path> logs = Files.list(state.resolve("log"))) {
        for (Path l : logs.toList()) {
          Files.copy(l, keep.resolve(l.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  public void a_statusListsTheTaskManagers() throws Exception {
    CliIT.Run r = CliIT.gstbeam("cluster", "status", "--state-dir", state.toString(), "--json");
    assertEquals(r.out() + r.err(), 0, r.code());
    JsonNode s = JSON.readTree(r.out());
    assertTrue(s.get("rest_url").asText().startsWith("http://127.0.0.1:"));
    Map<String, Boolean> gpu = new HashMap<>();
    for (JsonNode tm : s.get("taskmanagers")) {
      gpu.put(tm.get("id").asText(), tm.get("gpu").asBoolean());
      assertTrue(tm.toString(), tm.get("registered").asBoolean());
    }
    assertEquals(Map.of("tm-gpu-0", true, "tm-1", false), gpu);
    // What the JobManager itself says: the gpu resource on the tagged TaskManager only.
    for (JsonNode tm : rest("/taskmanagers").get("taskmanagers")) {
      double g = tm.path("totalResource").path("extendedResources").path("gpu").asDouble(0);
      assertEquals(tm.get("id").asText(), tm.get("id").asText().equals("tm-gpu-0") ? 1.0 : 0.0, g, 0.0);
    }
  }

  @Test
  public void b_segmentedMigrationPlacesTranscodingOnTheGpuTaskManager() throws Exception {
    Path out = TMP.newFolder("cluster-out").toPath();
    CliIT.Run r = CliIT.gstbeam("-Dgstbeam.progress.interval=2", "migrate", "--input", inputs.toString(), "--output",
        out.toString(), "--segment-seconds", "10", "--preset", "veryfast", "--encoder-threads", "2", "--flink-master", master);
    assertEquals(r.out() + r.err(), 0, r.code());
    // Progress read from the cluster's REST API (the job's gstbeam.progress metrics) while it ran.
    assertTrue(r.err(), java.util.regex.Pattern.compile("progress: 0/1 inputs \\(0%\\), 0 failed, segments [1-9]\\d*")
        .matcher(r.err()).find());
    assertTrue(r.out(), r.out().contains("submitted job 'gstbeam-migrate' as "));
    String jobId = r.out().replaceAll("(?s).*submitted job 'gstbeam-migrate' as ([0-9a-f]{32}).*", "$1");
    // The REST API caches a job's details for a few seconds: it may still say RUNNING just after the end.
    JsonNode job = rest("/jobs/" + jobId);
    for (int i = 0; i < 30 && !job.get("state").asText().equals("FINISHED"); i++) {
      Thread.sleep(500);
      job = rest("/jobs/" + jobId);
    }
    assertEquals("FINISHED", job.get("state").asText());
    int transcodeVertices = 0;
    Set<String> otherTaskManagers = new HashSet<>();
    for (JsonNode v : job.get("vertices")) {
      String name = v.get("name").asText();
      assertEquals(name, "FINISHED", v.get("status").asText());
      JsonNode tms = rest("/jobs/" + jobId + "/vertices/" + v.get("id").asText() + "/taskmanagers").get("taskmanagers");
      Set<String> ran = new HashSet<>();
      for (JsonNode tm : tms) {
        ran.add(tm.get("taskmanager-id").asText());
      }
      if (name.contains("Transcode")) {
        transcodeVertices++;
        assertEquals("every subtask of " + name, Set.of("tm-gpu-0"), ran);
      } else {
        assertFalse(name + " ran somewhere", ran.isEmpty());
        otherTaskManagers.addAll(ran);
      }
    }
    assertTrue("transcoding vertices: " + transcodeVertices, transcodeVertices >= 1);
    assertFalse("the CPU steps ran", otherTaskManagers.isEmpty());

    JsonNode row = onlyRow(out);
    assertEquals(row.toString(), "ok", row.get("status").asText());
    assertEquals(1875, row.get("frames_out").asInt());
    assertTrue(row.toString(), row.get("segments").asInt() >= 7);
    // No GPU here: the GPU slot got device 0, found no NVENC element and said so.
    assertEquals("x264enc", row.get("video_encoder").asText());
    assertTrue(row.toString(), row.get("encoder_fallback_reason").asText().contains("none of nvh264enc"));

    // The same job on the embedded runner: the same frames, decoded, one by one.
    Path embedded = TMP.newFolder("embedded-out").toPath();
    CliIT.Run e = CliIT.gstbeam("migrate", "--input", inputs.toString(), "--output", embedded.toString(),
        "--segment-seconds", "10", "--preset", "veryfast", "--encoder-threads", "2");
    assertEquals(e.out() + e.err(), 0, e.code());
    assertTrue("embedded rows say no fallback", onlyRow(embedded).get("encoder_fallback_reason").isNull());
    List<String> a = frameHashes(out.resolve("h264 bframes.mp4"));
    List<String> b = frameHashes(embedded.resolve("h264 bframes.mp4"));
    assertEquals(1875, a.size());
    assertEquals("frame hashes, cluster vs embedded", b, a);
  }

  @Test
  public void c_jobsInARowShareOneGstreamerAndDoNotLeakThreads() throws Exception {
    Path in = TMP.newFolder("short-in").toPath();
    Ffmpeg.run("-i", inputs.resolve("h264 bframes.mp4").toString(), "-t", "6", "-c:v", "libx264", "-preset", "ultrafast",
        "-c:a", "aac", in.resolve("short.mp4").toString());
    List<Integer> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path out = TMP.newFolder("row-" + i).toPath();
      CliIT.Run r = CliIT.gstbeam("migrate", "--input", in.toString(), "--output", out.toString(),
          "--preset", "ultrafast", "--flink-master", master);
      assertEquals(r.out() + r.err(), 0, r.code());
      threads.add(threadCount("tm-gpu-0"));
    }
    System.out.println("TaskManager tm-gpu-0 threads after jobs 1..3: " + threads);
    // Threads of one job's GStreamer pipelines end with it; what stays must not grow job after job.
    assertTrue("TaskManager threads after jobs 1..3: " + threads, threads.get(2) <= threads.get(0) + 8);
    String log = Files.readString(state.resolve("log").resolve("tm-gpu-0.log"), StandardCharsets.UTF_8);
    // One real initialisation; later jobs either find it done (their own gstbeam classes, shared GStreamer:
    // "already initialised") or share gstbeam's classes too (no line). Per-job GStreamer would log again.
    int inits = count(log, "initialised in this JVM") - count(log, "already initialised in this JVM");
    assertEquals("GStreamer initialised once in the TaskManager", 1, inits);
  }

  @Test
  public void d_aTaskManagerKilledMidJobIsSurvived() throws Exception {
    Path in = TMP.newFolder("kill-in").toPath();
    for (int i = 0; i < 4; i++) {
      Ffmpeg.run("-ss", Integer.toString(i * 15), "-i", inputs.resolve("h264 bframes.mp4").toString(), "-t", "14",
          "-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-g", "50", "-c:a", "aac",
          in.resolve("part " + i + ".mp4").toString());
    }
    Path out = TMP.newFolder("kill-out").toPath();
    long cpuTaskManager = pidOf("tm-1");
    List<String> cmd = CliIT.command("migrate", "--input", in.toString(), "--output", out.toString(),
        "--segment-seconds", "5", "--preset", "ultrafast", "--flink-master", master);
    Path log = TMP.newFile("kill.log").toPath();
    Process job = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // Wait until the job runs and has work on the CPU TaskManager, then SIGKILL that TaskManager.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    boolean killed = false;
    while (!killed && System.nanoTime() < deadline) {
      for (JsonNode j : rest("/jobs/overview").get("jobs")) {
        if (j.get("state").asText().equals("RUNNING") && j.path("tasks").path("finished").asInt() >= 1) {
          Runtime.getRuntime().exec(new String[] {"kill", "-KILL", Long.toString(cpuTaskManager)}).waitFor();
          killed = true;
          break;
        }
      }
      Thread.sleep(200);
    }
    assertTrue("the job started", killed);
    assertTrue("the job ended", job.waitFor(8, TimeUnit.MINUTES));
    String text = Files.readString(log, StandardCharsets.UTF_8);
    List<JsonNode> rows = Manifests.results(out);
    assertEquals(text + rows, 0, job.exitValue());
    assertEquals("one row per input: " + rows, 4, rows.size());
    Set<String> outputs = new HashSet<>();
    for (JsonNode row : rows) {
      assertEquals(row.toString(), "ok", row.get("status").asText());
      assertTrue("no duplicate", outputs.add(row.get("output_uri").asText()));
      // A file committed before the kill and met again by a restarted task is a verified skip.
      if (!row.get("action").asText().equals("skip")) {
        assertEquals(row.toString(), row.get("frames_in").asInt(), row.get("frames_out").asInt());
      }
    }
    try (Stream<Path> s = Files.walk(out)) {
      List<String> media = s.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
          .filter(p -> !p.startsWith("_manifest")).sorted().toList();
      assertEquals("outputs, and nothing partial", List.of("part 0.mp4", "part 1.mp4", "part 2.mp4", "part 3.mp4"), media);
    }
    for (int i = 0; i < 4; i++) {
      assertEquals(Ffmpeg.countFrames(in.resolve("part " + i + ".mp4")), Ffmpeg.countFrames(out.resolve("part " + i + ".mp4")));
    }
  }

  @Test
  public void e_stopLeavesNoProcessAndNoPort() throws Exception {
    List<Long> pids = new ArrayList<>();
    pids.add(status.get("jobmanager").get("pid").asLong());
    for (JsonNode tm : status.get("taskmanagers")) {
      pids.add(tm.get("pid").asLong());
    }
    Set<Integer> ports = listeningPorts(pids);
    int restPort = URI.create(status.get("rest_url").asText()).getPort();
    assertTrue("the REST port is among the cluster's ports " + ports, ports.contains(restPort));
    CliIT.Run r = CliIT.gstbeam("cluster", "stop", "--state-dir", state.toString());
    assertEquals(r.out() + r.err(), 0, r.code());
    for (long pid : pids) {
      assertFalse("process " + pid + " is gone", ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
    for (int port : ports) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        throw new AssertionError("port " + port + " still listening");
      } catch (IOException expected) {
        // closed
      }
    }
    CliIT.Run st = CliIT.gstbeam("cluster", "status", "--state-dir", state.toString(), "--json");
    assertEquals(1, st.code());
    assertFalse(JSON.readTree(st.out()).get("running").asBoolean());
  }

  // ---------------------------------------------------------------------------------------------

  private static JsonNode rest(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(status.get("rest_url").asText() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(path + ": " + r.body(), 200, r.statusCode());
    return JSON.readTree(r.body());
  }

  private static int threadCount(String taskManager) throws Exception {
    // The JobManager fetches TaskManager metrics every 10 s; wait for a value fetched after the job.
    Thread.sleep(11_000);
    for (int i = 0; i < 30; i++) {
      JsonNode m = rest("/taskmanagers/" + taskManager + "/metrics?get=Status.JVM.Threads.Count");
      if (m.size() > 0) {
        return (int) Double.parseDouble(m.get(0).get("value").asText());
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("no thread count metric for " + taskManager);
  }

  private static long pidOf(String id) {
    for (JsonNode tm : status.get("taskmanagers")) {
      if (tm.get("id").asText().equals(id)) {
        return tm.get("pid").asLong();
      }
    }
    throw new AssertionError("no TaskManager " + id);
  }

  private static JsonNode onlyRow(Path out) throws IOException {
    List<JsonNode> rows = Manifests.results(out);
    assertEquals(rows.toString(), 1, rows.size());
    return rows.get(0);
  }

  /** ffmpeg's per-frame MD5 of the decoded video, in order. */
  private static List<String> frameHashes(Path file) throws Exception {
    Path md5 = Files.createTempFile("frames-", ".md5");
    try {
      Ffmpeg.run("-i", file.toString(), "-map", "0:v:0", "-f", "framemd5", md5.toString());
      return Files.readAllLines(md5, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.startsWith("#")).map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    } finally {
      Files.deleteIfExists(md5);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** TCP ports in LISTEN state owned by these processes (from /proc: socket inodes of their fds). */
  private static Set<Integer> listeningPorts(List<Long> pids) throws IOException {
    Set<String> inodes = new HashSet<>();
    for (long pid : pids) {
      Path fds = Path.of("/proc", Long.toString(pid), "fd");
      if (!Files.isDirectory(fds)) {
        continue; // killed by an earlier test
      }
      try (Stream<Path> s = Files.list(fds)) {
        for (Path fd : s.toList()) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException gone) {
            // closed meanwhile
          }
        }
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path t = Path.of(table);
      if (!Files.exists(t)) {
        continue;
      }
      for (String line : Files.readAllLines(t).subList(1, Files.readAllLines(t).size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
