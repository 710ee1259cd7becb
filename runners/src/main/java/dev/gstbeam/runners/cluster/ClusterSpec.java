package dev.gstbeam.runners.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a local Flink session cluster is made of: its configuration files and the JVMs to start. Pure:
 * the launcher ({@link LocalCluster}) writes these files and starts these processes; the same files are
 * what one would put on real hosts (see docs/CLUSTER.md).
 *
 * <p>Every process binds to 127.0.0.1. TaskManagers are started directly (no Flink scripts), so their
 * memory is configured explicitly and their JVM flags follow from it. GPU-tagged TaskManagers declare the
 * external resource {@code gpu}, discovered by gstbeam's driver plugin; the JobManager runs fine-grained
 * resource management so that a slot sharing group asking for a GPU lands only on those TaskManagers.
 */
public record ClusterSpec(Path stateDir, int taskManagers, int gpuTaskManagers, List<String> gpuDevices,
    int restPort, int rpcPort, int slotsPerTaskManager, double cpuCoresPerTaskManager) {

  public static final String GPU_RESOURCE = "gpu";
  public static final String GPU_DRIVER_FACTORY = "dev.gstbeam.runners.gpu.GpuDriverFactory";
  /** Classes every job shares with the TaskManager: GStreamer is initialised once per JVM, not per job. */
  public static final String PARENT_FIRST = "org.freedesktop.gstreamer.;com.sun.jna.;dev.gstbeam.gpu.";

  // Task heap etc. per TaskManager; the slot sharing groups of GpuAwareFlinkRunner ask for parts of these.
  static final int TASK_HEAP_MB = 1024;
  static final int FRAMEWORK_HEAP_MB = 128;
  static final int MANAGED_MB = 256;
  static final int FRAMEWORK_OFF_HEAP_MB = 128;
  static final int TASK_OFF_HEAP_MB = 128;
  static final int NETWORK_MB = 384;
  static final int METASPACE_MB = 384;
  static final int OVERHEAD_MB = 192;

  public ClusterSpec {
    if (taskManagers < 1) {
      throw new IllegalArgumentException("--taskmanagers must be at least 1, was " + taskManagers);
    }
    if (gpuTaskManagers < 0 || gpuTaskManagers > taskManagers) {
      throw new IllegalArgumentException(
          "--gpu-taskmanagers must be between 0 and --taskmanagers (" + taskManagers + "), was " + gpuTaskManagers);
    }
    if (gpuDevices.isEmpty()) {
      throw new IllegalArgumentException("a GPU TaskManager needs at least one device index");
    }
    gpuDevices = List.copyOf(gpuDevices);
  }

  /** TaskManager ids: GPU-tagged ones first ({@code tm-gpu-0}), then {@code tm-1}, ... */
  public List<String> taskManagerIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < taskManagers; i++) {
      ids.add(i < gpuTaskManagers ? "tm-gpu-" + i : "tm-" + i);
    }
    return ids;
  }

  public boolean isGpu(String taskManagerId) {
    return taskManagerId.startsWith("tm-gpu-");
  }

  public String restUrl() {
    return "http://127.0.0.1:" + restPort;
  }

  public Path confDir(String process) {
    return stateDir.resolve("conf").resolve(process);
  }

  public Path logFile(String process) {
    return stateDir.resolve("log").resolve(process + ".log");
  }

  public Path pluginsDir() {
    return stateDir.resolve("plugins");
  }

  /** Settings every process reads. */
  Map<String, String> common() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", Integer.toString(restPort));
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    // Fine-grained resources: slot sharing groups with a GPU requirement land only on GPU TaskManagers.
    c.put("cluster.fine-grained-resource-management.enabled", "true");
    c.put("fine-grained.shuffle-mode.all-blocking", "true");
    // The adaptive batch scheduler ignores slot sharing groups.
    c.put("jobmanager.scheduler", "Default");
    c.put("execution.batch-shuffle-mode", "ALL_EXCHANGES_BLOCKING");
    c.put("classloader.parent-first-patterns.additional", PARENT_FIRST);
    // Blocking exchanges use sort-shuffle, 512 buffers (16 MB) per result partition by default; the CPU
    // slot of a migrate job holds ~40 partitions, which asked for 653 MB of network memory. 64 buffers
    // per partition are plenty for media jobs' small records.
    c.put("taskmanager.network.sort-shuffle.min-buffers", "64");
    // A TaskManager that dies is noticed in seconds, and its tasks run again elsewhere.
    c.put("heartbeat.interval", "2000");
    c.put("heartbeat.timeout", "10000");
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "5");
    c.put("restart-strategy.fixed-delay.delay", "2 s");
    c.put("jobmanager.execution.failover-strategy", "region");
    c.put("slot.request.timeout", "120000");
    return c;
  }

  public Map<String, String> jobManagerConfig() {
    Map<String, String> c = common();
    c.put("jobmanager.memory.process.size", "1024m");
    c.put("io.tmp.dirs", stateDir.resolve("tmp").resolve("jobmanager").toString());
    c.put("blob.server.port", "0");
    c.put("web.tmpdir", stateDir.resolve("tmp").resolve("jobmanager-web").toString());
    return c;
  }

  public Map<String, String> taskManagerConfig(String id) {
    Map<String, String> c = common();
    c.put("taskmanager.resource-id", id);
    c.put("taskmanager.rpc.port", "0");
    c.put("taskmanager.data.port", "0");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
    c.put("taskmanager.cpu.cores", Double.toString(cpuCoresPerTaskManager));
    c.put("taskmanager.memory.framework.heap.size", FRAMEWORK_HEAP_MB + "m");
    c.put("taskmanager.memory.task.heap.size", TASK_HEAP_MB + "m");
    c.put("taskmanager.memory.managed.size", MANAGED_MB + "m");
    c.put("taskmanager.memory.framework.off-heap.size", FRAMEWORK_OFF_HEAP_MB + "m");
    c.put("taskmanager.memory.task.off-heap.size", TASK_OFF_HEAP_MB + "m");
    c.put("taskmanager.memory.network.min", NETWORK_MB + "m");
    c.put("taskmanager.memory.network.max", NETWORK_MB + "m");
    c.put("taskmanager.memory.jvm-metaspace.size", METASPACE_MB + "m");
    c.put("taskmanager.memory.jvm-overhead.min", OVERHEAD_MB + "m");
    c.put("taskmanager.memory.jvm-overhead.max", OVERHEAD_MB + "m");
    c.put("io.tmp.dirs", stateDir.resolve("tmp").resolve(id).toString());
    if (isGpu(id)) {
      c.put("external-resources", GPU_RESOURCE);
      c.put("external-resource.gpu.amount", Integer.toString(gpuDevices.size()));
      c.put("external-resource.gpu.driver-factory.class", GPU_DRIVER_FACTORY);
      // Used when nvidia-smi is absent or lists no device: the indices this TaskManager may use.
      c.put("external-resource.gpu.param.devices", String.join(",", gpuDevices));
    }
    return c;
  }

  /** JVM flags matching {@link #taskManagerConfig}'s memory (what Flink's scripts would compute). */
  public List<String> taskManagerJvmFlags() {
    return List.of(
        "-Xmx" + (FRAMEWORK_HEAP_MB + TASK_HEAP_MB) + "m",
        "-Xms" + (FRAMEWORK_HEAP_MB + TASK_HEAP_MB) + "m",
        "-XX:MaxDirectMemorySize=" + (FRAMEWORK_OFF_HEAP_MB + TASK_OFF_HEAP_MB + NETWORK_MB) + "m",
        "-XX:MaxMetaspaceSize=" + METASPACE_MB + "m");
  }

  public List<String> jobManagerJvmFlags() {
    return List.of("-Xmx512m", "-Xms512m", "-XX:MaxMetaspaceSize=256m");
  }

  /** flink-conf.yaml text: one {@code key: value} per line. */
  public static String yaml(Map<String, String> config) {
    StringBuilder b = new StringBuilder("# Written by gstbeam cluster start.\n");
    config.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }
}
