package dev.gstbeam.runners.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gstbeam.runners.gpu.GpuDriverFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Flink session cluster on this machine: one JobManager and N TaskManagers as separate JVMs on
 * 127.0.0.1, started from the Flink runtime jars on this JVM's own class path (no Flink download). State,
 * configuration and logs live under the state directory; {@code cluster.json} there records the processes
 * this launcher started, and {@link #stop} ends exactly those.
 */
public final class LocalCluster {
  static final String STATE_FILE = "cluster.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path stateDir;

  public LocalCluster(Path stateDir) {
    this.stateDir = stateDir.toAbsolutePath().normalize();
  }

  public Path stateDir() {
    return stateDir;
  }

  /** One started process as recorded. */
  public record Proc(String id, long pid, boolean gpu) {}

  /** A snapshot of the cluster: recorded processes, which are alive, and what the REST API reports. */
  public record Status(String restUrl, List<Proc> processes, List<Proc> alive, List<String> registered, int restPort) {
    public boolean running() {
      return !alive.isEmpty();
    }

    public boolean healthy() {
      long tms = processes.stream().filter(p -> !p.id().equals("jobmanager")).count();
      return alive.size() == processes.size() && registered.size() == tms;
    }
  }

  /**
   * Starts the cluster and returns when every TaskManager has registered with the JobManager (or throws,
   * naming the process that failed and its log). Refuses when this state directory's cluster is running.
   */
  public Status start(int taskManagers, int gpuTaskManagers, List<String> gpuDevices, Duration timeout)
      throws IOException, InterruptedException {
    Optional<Status> existing = readStatus(false);
    if (existing.isPresent() && existing.get().running()) {
      throw new IllegalStateException("a cluster from " + stateDir + " is already running at "
          + existing.get().restUrl() + " (gstbeam cluster stop --state-dir " + stateDir + ")");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    ClusterSpec spec = new ClusterSpec(stateDir, taskManagers, gpuTaskManagers, gpuDevices,
        freePort(), freePort(), 2, Math.max(2, cores));
    Files.createDirectories(stateDir.resolve("log"));
    writePlugin(spec.pluginsDir().resolve("gstbeam-gpu"));
    String classPath = installClassPath();
    List<Proc> started = new ArrayList<>();
    try {
      started.add(launch(spec, "jobmanager", false, spec.jobManagerConfig(), spec.jobManagerJvmFlags(), classPath,
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"));
      record(spec, started);
      for (String id : spec.taskManagerIds()) {
        started.add(launch(spec, id, spec.isGpu(id), spec.taskManagerConfig(id), spec.taskManagerJvmFlags(), classPath,
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
        record(spec, started);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (Proc p : started) {
          if (ProcessHandle.of(p.pid()).map(h -> !h.isAlive()).orElse(true)) {
            throw new IllegalStateException(p.id() + " exited during start-up; its log: "
                + spec.logFile(p.id()) + lastLines(spec.logFile(p.id()), 5));
          }
        }
        List<String> registered = registeredTaskManagers(spec.restUrl());
        if (registered.size() >= taskManagers) {
          return readStatus().orElseThrow();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("TaskManagers did not register within " + timeout.toSeconds()
              + " s (" + registered.size() + " of " + taskManagers + "); logs under " + stateDir.resolve("log"));
        }
        Thread.sleep(500);
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      stopProcesses(started, Duration.ofSeconds(10));
      Files.deleteIfExists(stateDir.resolve(STATE_FILE));
      throw e;
    }
  }

  /** Stops the processes this state directory records (and only those); true when something was running. */
  public boolean stop(Duration grace) throws IOException, InterruptedException {
    Optional<Status> s = readStatus(false);
    if (s.isEmpty()) {
      return false;
    }
    boolean any = !s.get().alive().isEmpty();
    stopProcesses(s.get().processes(), grace);
    waitPortClosed(s.get().restPort(), Duration.ofSeconds(10));
    Files.deleteIfExists(stateDir.resolve(STATE_FILE));
    return any;
  }

  /** What {@code cluster.json} records, checked against the live processes and the REST API. */
  public Optional<Status> readStatus() throws IOException {
    return readStatus(true);
  }

  private Optional<Status> readStatus(boolean askJobManager) throws IOException {
    Path f = stateDir.resolve(STATE_FILE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    JsonNode root = JSON.readTree(f.toFile());
    List<Proc> procs = new ArrayList<>();
    for (JsonNode n : root.path("processes")) {
      procs.add(new Proc(n.path("id").asText(), n.path("pid").asLong(), n.path("gpu").asBoolean()));
    }
    List<Proc> alive = new ArrayList<>();
    for (Proc p : procs) {
      if (isOurs(p)) {
        alive.add(p);
      }
    }
    String rest = root.path("rest_url").asText();
    List<String> registered = alive.isEmpty() || !askJobManager ? List.of() : registeredTaskManagers(rest);
    return Optional.of(new Status(rest, procs, alive, registered, root.path("rest_port").asInt()));
  }

  /** {@code cluster status --json}: rest_url, state_dir, running, and each TaskManager's id and gpu. */
  public static ObjectNode statusJson(Path stateDir, Optional<Status> s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("state_dir", stateDir.toString());
    o.put("running", s.isPresent() && s.get().running());
    if (s.isEmpty()) {
      return o;
    }
    o.put("rest_url", s.get().restUrl());
    o.put("flink_master", s.get().restUrl().replaceFirst("^http://", ""));
    ArrayNode tms = o.putArray("taskmanagers");
    for (Proc p : s.get().processes()) {
      if (p.id().equals("jobmanager")) {
        o.putObject("jobmanager").put("pid", p.pid()).put("alive", s.get().alive().contains(p));
        continue;
      }
      tms.addObject().put("id", p.id()).put("gpu", p.gpu()).put("pid", p.pid())
          .put("alive", s.get().alive().contains(p)).put("registered", s.get().registered().contains(p.id()));
    }
    return o;
  }

  private Proc launch(ClusterSpec spec, String id, boolean gpu, Map<String, String> config, List<String> jvmFlags,
      String classPath, String mainClass) throws IOException {
    Path conf = spec.confDir(id);
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("flink-conf.yaml"), ClusterSpec.yaml(config), StandardCharsets.UTF_8);
    for (String key : List.of("io.tmp.dirs", "web.tmpdir")) {
      if (config.containsKey(key)) {
        Files.createDirectories(Path.of(config.get(key)));
      }
    }
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: a Ctrl-C in the shell that started it does not reach it
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-Dgstbeam.cluster.state=" + stateDir); // marks the process as this cluster's (see isOurs)
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.flink=info");
    cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.beam.runners.flink=info");
    cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS");
    cmd.add("-Dorg.slf4j.simpleLogger.showThreadName=true");
    cmd.add("-Dlog.file=" + spec.logFile(id));
    // JNA unpacks its native stub under the user's cache; a worker without a writable home uses its tmp.
    if (!Files.isWritable(Path.of(System.getProperty("user.home", "/nonexistent")))) {
      cmd.add("-Djna.tmpdir=" + stateDir.resolve("tmp").resolve("jna"));
    }
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.add("--configDir");
    cmd.add(conf.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile(id).toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("FLINK_PLUGINS_DIR", spec.pluginsDir().toString());
    pb.environment().put("FLINK_CONF_DIR", conf.toString());
    pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    Process p = pb.start();
    return new Proc(id, p.pid(), gpu);
  }

  /**
   * The cluster's own copy of gstbeam's jar, so that rebuilding or replacing
   * the jar does not pull classes from under running JVMs; from class directories (tests in an IDE), the
   * class path as it is.
   */
  private String installClassPath() throws IOException {
    String cp = System.getProperty("java.class.path");
    Path jar = Path.of(cp);
    if (cp.contains(java.io.File.pathSeparator) || !cp.endsWith(".jar") || !Files.isRegularFile(jar)) {
      return cp;
    }
    Path lib = Files.createDirectories(stateDir.resolve("lib"));
    Path target = lib.resolve("gstbeam.jar");
    // A copy, not a link: a build rewrites the jar in place.
    Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    return target.toString();
  }

  private void record(ClusterSpec spec, List<Proc> procs) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("rest_url", spec.restUrl());
    o.put("rest_port", spec.restPort());
    o.put("rpc_port", spec.rpcPort());
    ArrayNode arr = o.putArray("processes");
    for (Proc p : procs) {
      arr.addObject().put("id", p.id()).put("pid", p.pid()).put("gpu", p.gpu());
    }
    Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), o);
    Files.move(tmp, stateDir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Alive and started by this state directory (its command line carries the marker): never a reused PID. */
  private boolean isOurs(Proc p) {
    Optional<ProcessHandle> h = ProcessHandle.of(p.pid());
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    Optional<String> cmdLine = h.get().info().commandLine();
    if (cmdLine.isPresent()) {
      return cmdLine.get().contains("-Dgstbeam.cluster.state=" + stateDir);
    }
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).contains("-Dgstbeam.cluster.state=" + stateDir);
    } catch (IOException e) {
      return false;
    }
  }

  private void stopProcesses(List<Proc> procs, Duration grace) throws InterruptedException {
    List<ProcessHandle> handles = new ArrayList<>();
    // TaskManagers first, then the JobManager.
    for (int i = procs.size() - 1; i >= 0; i--) {
      Proc p = procs.get(i);
      if (isOurs(p)) {
        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        h.destroy(); // SIGTERM: Flink's shutdown hooks run
        handles.add(h);
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : handles) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : handles) {
      try {
        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // reported by the caller's port check
      }
    }
  }

  private static void waitPortClosed(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException e) {
        return;
      }
      Thread.sleep(200);
    }
  }

  /** Resource ids of the TaskManagers registered with the JobManager; empty when it does not answer. */
  public static List<String> registeredTaskManagers(String restUrl) {
    List<String> ids = new ArrayList<>();
    try {
      JsonNode tms = dev.gstbeam.runners.FlinkRest.get(restUrl + "/taskmanagers", 5).path("taskmanagers");
      for (JsonNode tm : tms) {
        ids.add(tm.path("id").asText());
      }
    } catch (IOException e) {
      // not up yet, or gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ids;
  }

  /**
   * The GPU driver as a Flink plugin: Flink loads external-resource drivers only from plugin
   * directories, each with its own class loader. The jar holds the driver's classes (read from this
   * JVM's class path) and its service file.
   */
  static void writePlugin(Path dir) throws IOException {
    Files.createDirectories(dir);
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Path jar = dir.resolve("gstbeam-gpu-driver.jar");
    Path tmp = dir.resolve("gstbeam-gpu-driver.jar.tmp");
    try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os, mf)) {
      String pkg = GpuDriverFactory.class.getPackageName().replace('.', '/');
      for (String cls : List.of("GpuDriverFactory", "GpuDriver", "GpuInfo")) {
        String name = pkg + "/" + cls + ".class";
        try (InputStream in = LocalCluster.class.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            throw new IOException("class " + name + " not found on the class path");
          }
          out.putNextEntry(new JarEntry(name));
          in.transferTo(out);
          out.closeEntry();
        }
      }
      out.putNextEntry(new JarEntry("META-INF/services/org.apache.flink.api.common.externalresource.ExternalResourceDriverFactory"));
      out.write((GpuDriverFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static String lastLines(Path log, int n) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }
}
