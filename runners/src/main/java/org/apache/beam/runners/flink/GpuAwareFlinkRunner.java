package org.apache.beam.runners.flink;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Beam's Flink runner, plus placement: the steps whose Beam transform carries the accelerator resource
 * hint ({@code beam:resources:accelerator:v1}) go into a slot sharing group that requires one unit of
 * Flink's {@code gpu} external resource, so they run only on GPU-tagged TaskManagers; every other step
 * goes into an explicit CPU group (with an explicit resource profile, so that CPU slots never take a GPU
 * TaskManager's GPU share). Beam 2.62's FlinkRunner ignores resource hints and has no hook for slot
 * sharing; this runner lives in Beam's package to translate with its package-private execution
 * environment, then sets the groups on the translated DataStream program before submitting it.
 *
 * <p>Needs fine-grained resource management on the cluster ({@code gstbeam cluster start} sets it up).
 * When the cluster has no GPU-tagged TaskManager, hinted steps go to CPU slots and the job says so.
 * Submission is asynchronous: the job id and its REST address are reported as soon as Flink accepts the job.
 */
public final class GpuAwareFlinkRunner extends PipelineRunner<PipelineResult> {
  public static final String ACCELERATOR_URN = "beam:resources:accelerator:v1";
  public static final String GPU_RESOURCE = "gpu";
  public static final String GPU_GROUP = "gstbeam-gpu";
  public static final String CPU_GROUP = "gstbeam-cpu";

  /** The last job this JVM submitted: its Flink job id and the cluster's REST address (null when unknown). */
  public record Submission(String jobId, String restUrl) {}

  private static volatile Submission lastSubmission;

  public static Submission lastSubmission() {
    return lastSubmission;
  }

  /** Where submission messages go (the CLI's console by default). */
  private static volatile Consumer<String> console = System.out::println;

  private final FlinkPipelineOptions options;

  private GpuAwareFlinkRunner(FlinkPipelineOptions options) {
    this.options = options;
  }

  public static GpuAwareFlinkRunner fromOptions(PipelineOptions options) {
    FlinkRunner.fromOptions(options); // Beam's own validation and defaults (files to stage, master)
    return new GpuAwareFlinkRunner(options.as(FlinkPipelineOptions.class));
  }

  public static void setConsole(Consumer<String> c) {
    console = c;
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    Set<String> hinted = acceleratedTransforms(pipeline);
    // Slot sharing groups exist only in the DataStream API: batch jobs run as DataStream in BATCH mode.
    options.setUseDataStreamForBatch(true);
    MetricsEnvironment.setMetricsSupported(true);
    FlinkPipelineExecutionEnvironment env = new FlinkPipelineExecutionEnvironment(options);
    env.translate(pipeline);
    StreamExecutionEnvironment senv = env.getStreamExecutionEnvironment();
    String rest = restUrl(options.getFlinkMaster());
    int gpuTaskManagers = rest == null ? 0 : gpuTaskManagers(rest);
    Placement placement = place(senv, hinted, gpuTaskManagers > 0);
    // Fine-grained resources in batch: every exchange blocking (checked when the job graph is built, here).
    org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
    conf.set(org.apache.flink.configuration.ClusterOptions.FINE_GRAINED_SHUFFLE_MODE_ALL_BLOCKING, true);
    conf.set(org.apache.flink.configuration.ExecutionOptions.BATCH_SHUFFLE_MODE,
        org.apache.flink.api.common.BatchShuffleMode.ALL_EXCHANGES_BLOCKING);
    senv.configure(conf, GpuAwareFlinkRunner.class.getClassLoader());
    if (!hinted.isEmpty()) {
      console.accept(gpuTaskManagers > 0
          ? "gstbeam: " + placement.gpu().size() + " step(s) on GPU-tagged slots (" + gpuTaskManagers + " GPU TaskManager(s)): " + placement.gpu()
          : "gstbeam: no GPU-tagged TaskManager" + (rest == null ? "" : " at " + rest) + ": the transcoding steps run on CPU slots");
    }
    JobClient client;
    try {
      client = senv.executeAsync(options.getJobName());
    } catch (Exception e) {
      throw new RuntimeException("submitting the job failed: " + e.getMessage(), e);
    }
    // The cluster's web dashboard needs flink-runtime-web, which gstbeam's jar does not bundle; the
    // REST API (the dashboard's data, and what `gstbeam cluster status` reads) is always there.
    console.accept("gstbeam: submitted job '" + options.getJobName() + "' as " + client.getJobID()
        + (rest == null ? "" : "; follow it at " + rest + "/jobs/" + client.getJobID()));
    lastSubmission = new Submission(client.getJobID().toString(), rest);
    return new Submitted(client);
  }

  /** Which Flink transformations went into which group. */
  public record Placement(List<String> gpu, List<String> cpu) {}

  /**
   * Puts every transformation of {@code senv} into the GPU group (when its name is a hinted Beam
   * transform or lies under one, and {@code gpu} is true) or the CPU group.
   */
  static Placement place(StreamExecutionEnvironment senv, Set<String> hinted, boolean gpu) {
    SlotSharingGroup gpuGroup = SlotSharingGroup.newBuilder(GPU_GROUP)
        .setCpuCores(1.0).setTaskHeapMemoryMB(256).setTaskOffHeapMemoryMB(16).setManagedMemoryMB(32)
        .setExternalResource(GPU_RESOURCE, 1.0).build();
    SlotSharingGroup cpuGroup = SlotSharingGroup.newBuilder(CPU_GROUP)
        .setCpuCores(0.5).setTaskHeapMemoryMB(192).setTaskOffHeapMemoryMB(16).setManagedMemoryMB(48).build();
    List<String> onGpu = new ArrayList<>();
    List<String> onCpu = new ArrayList<>();
    for (Transformation<?> t : allTransformations(senv)) {
      boolean accelerated = gpu && isHinted(t.getName(), hinted);
      t.setSlotSharingGroup(accelerated ? gpuGroup : cpuGroup);
      (accelerated ? onGpu : onCpu).add(t.getName());
    }
    return new Placement(onGpu, onCpu);
  }

  static boolean isHinted(String transformationName, Set<String> hinted) {
    for (String h : hinted) {
      if (transformationName.equals(h) || transformationName.startsWith(h + "/")
          || transformationName.startsWith(h + " ")) {
        return true;
      }
    }
    return false;
  }

  static List<Transformation<?>> allTransformations(StreamExecutionEnvironment senv) {
    Map<Transformation<?>, Boolean> seen = new IdentityHashMap<>();
    List<Transformation<?>> out = new ArrayList<>();
    Deque<Transformation<?>> todo = new ArrayDeque<>(senv.getTransformations());
    while (!todo.isEmpty()) {
      Transformation<?> t = todo.pop();
      if (seen.put(t, Boolean.TRUE) == null) {
        out.add(t);
        todo.addAll(t.getInputs());
      }
    }
    return out;
  }

  /** Full names of the primitive transforms that carry the accelerator hint, themselves or through an enclosing composite. */
  public static Set<String> acceleratedTransforms(Pipeline pipeline) {
    Set<String> names = new TreeSet<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      private final Deque<Boolean> enclosing = new ArrayDeque<>();

      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        boolean outer = !enclosing.isEmpty() && enclosing.peek();
        boolean mine = hasHint(node);
        enclosing.push(outer || mine);
        if (mine && !node.isRootNode()) {
          names.add(node.getFullName());
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }

      @Override
      public void leaveCompositeTransform(TransformHierarchy.Node node) {
        enclosing.pop();
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        if (hasHint(node) || (!enclosing.isEmpty() && enclosing.peek())) {
          names.add(node.getFullName());
        }
      }
    });
    return names;
  }

  private static boolean hasHint(TransformHierarchy.Node node) {
    return node.getTransform() != null
        && node.getTransform().getResourceHints().hints().containsKey(ACCELERATOR_URN);
  }

  static String restUrl(String flinkMaster) {
    if (flinkMaster == null || flinkMaster.startsWith("[")) {
      return null;
    }
    return flinkMaster.startsWith("http") ? flinkMaster : "http://" + flinkMaster;
  }

  /** TaskManagers whose total resources include the gpu external resource (Flink's REST API). */
  static int gpuTaskManagers(String restUrl) {
    try {
      int n = 0;
      for (JsonNode tm : dev.gstbeam.runners.FlinkRest.get(restUrl + "/taskmanagers", 10).path("taskmanagers")) {
        if (tm.path("totalResource").path("extendedResources").path(GPU_RESOURCE).asDouble(0) > 0) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** A submitted job: {@link #waitUntilFinish()} blocks on Flink's result and exposes Beam's metrics. */
  static final class Submitted implements PipelineResult {
    private final JobClient client;
    private volatile FlinkRunnerResult finished;
    private volatile State state = State.RUNNING;

    Submitted(JobClient client) {
      this.client = client;
    }

    public String jobId() {
      return client.getJobID().toString();
    }

    @Override
    public State getState() {
      return state;
    }

    @Override
    public State cancel() throws IOException {
      try {
        client.cancel().get();
      } catch (Exception e) {
        throw new IOException("cancelling job " + client.getJobID() + " failed", e);
      }
      state = State.CANCELLED;
      return state;
    }

    @Override
    public State waitUntilFinish(org.joda.time.Duration duration) {
      return waitUntilFinish();
    }

    @Override
    public State waitUntilFinish() {
      try {
        JobExecutionResult r = client.getJobExecutionResult().get();
        Map<String, Object> acc = r.getAllAccumulatorResults() == null ? new LinkedHashMap<>() : r.getAllAccumulatorResults();
        finished = new FlinkRunnerResult(acc, r.getNetRuntime());
        state = State.DONE;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        state = State.UNKNOWN;
      } catch (Exception e) {
        state = State.FAILED;
        throw new RuntimeException("job " + client.getJobID() + " failed: " + rootMessage(e), e);
      }
      return state;
    }

    @Override
    public org.apache.beam.sdk.metrics.MetricResults metrics() {
      if (finished == null) {
        throw new IllegalStateException("metrics are available when the job has finished");
      }
      return finished.metrics();
    }

    private static String rootMessage(Throwable e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
  }
}
