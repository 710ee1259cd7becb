package dev.gstbeam.pipelines.cli;

import dev.gstbeam.runners.cluster.LocalCluster;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gstbeam cluster start|stop|status}: a Flink session cluster on 127.0.0.1. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "A real Flink session cluster on this machine (JobManager and TaskManagers as separate JVMs, 127.0.0.1).",
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class},
    footer = {
      "",
      "Examples:",
      "  gstbeam cluster start --taskmanagers 2 --gpu-taskmanagers 1",
      "  gstbeam migrate --input 'in/*' --output out --segment-seconds 10 --flink-master 127.0.0.1:PORT",
      "  gstbeam cluster status --json",
      "  gstbeam cluster stop"
    })
final class ClusterCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say start, stop or status");
  }

  static Path defaultStateDir() {
    return Path.of(System.getProperty("user.home", "."), ".gstbeam", "cluster");
  }

  static class StateDirOption {
    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "Configuration, logs and process records (default: ~/.gstbeam/cluster).")
    Path stateDir;

    Path get() {
      return stateDir == null ? defaultStateDir() : stateDir;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a JobManager and TaskManagers; returns when every TaskManager has registered.")
  static final class Start implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin StateDirOption state = new StateDirOption();

    @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "2", description = "TaskManagers (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--gpu-taskmanagers", paramLabel = "M", defaultValue = "0",
        description = "How many of them are GPU-tagged (Flink external resource 'gpu'; default: ${DEFAULT-VALUE}).")
    int gpuTaskManagers;

    @Option(names = "--gpu-devices", paramLabel = "LIST", defaultValue = "0",
        description = "Device indices a GPU TaskManager has when nvidia-smi finds none (default: ${DEFAULT-VALUE}).")
    String gpuDevices;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "180",
        description = "How long to wait for registration (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (taskManagers < 1) {
        throw new UsageException("--taskmanagers must be at least 1, was " + taskManagers);
      }
      if (gpuTaskManagers < 0 || gpuTaskManagers > taskManagers) {
        throw new UsageException("--gpu-taskmanagers must be between 0 and --taskmanagers (" + taskManagers + "), was " + gpuTaskManagers);
      }
      List<String> devices = Arrays.stream(gpuDevices.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      if (devices.isEmpty() || !devices.stream().allMatch(d -> d.matches("[0-9]{1,3}"))) {
        throw new UsageException("--gpu-devices takes device indices such as 0 or 0,1, not '" + gpuDevices + "'");
      }
      LocalCluster cluster = new LocalCluster(state.get());
      PrintWriter out = spec.commandLine().getOut();
      LocalCluster.Status s;
      try {
        s = cluster.start(taskManagers, gpuTaskManagers, devices, Duration.ofSeconds(timeoutSeconds));
      } catch (IllegalStateException e) {
        spec.commandLine().getErr().println("gstbeam: " + e.getMessage());
        return ExitCodes.JOB_FAILED;
      }
      if (json) {
        out.println(LocalCluster.statusJson(cluster.stateDir(), Optional.of(s)).toPrettyString());
      } else {
        out.printf("gstbeam cluster: running at %s (%d TaskManagers, %d GPU-tagged); logs in %s%n",
            s.restUrl(), taskManagers, gpuTaskManagers, cluster.stateDir().resolve("log"));
        out.printf("submit with: --flink-master %s%n", s.restUrl().replaceFirst("^http://", ""));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop the processes this state directory's cluster started (and nothing else).")
  static final class Stop implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin StateDirOption state = new StateDirOption();

    @Override
    public Integer call() throws Exception {
      LocalCluster cluster = new LocalCluster(state.get());
      boolean was = cluster.stop(Duration.ofSeconds(20));
      spec.commandLine().getOut().println(was ? "gstbeam cluster: stopped" : "gstbeam cluster: nothing running in " + cluster.stateDir());
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Is it running; its REST address and TaskManagers. Exit 0 when running and complete, 1 otherwise.")
  static final class Status implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin StateDirOption state = new StateDirOption();

    @Option(names = "--json", description = "JSON: rest_url, flink_master, running, taskmanagers (id, gpu, pid, alive, registered).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      LocalCluster cluster = new LocalCluster(state.get());
      Optional<LocalCluster.Status> s = cluster.readStatus();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(LocalCluster.statusJson(cluster.stateDir(), s).toPrettyString());
      } else if (s.isEmpty() || !s.get().running()) {
        out.println("gstbeam cluster: not running (" + cluster.stateDir() + ")");
      } else {
        out.printf("gstbeam cluster: %s at %s%n", s.get().healthy() ? "running" : "DEGRADED", s.get().restUrl());
        for (LocalCluster.Proc p : s.get().processes()) {
          boolean alive = s.get().alive().contains(p);
          out.printf("  %-12s pid %-8d %s%s%s%n", p.id(), p.pid(), alive ? "alive" : "GONE",
              p.gpu() ? ", gpu" : "", p.id().equals("jobmanager") ? "" : s.get().registered().contains(p.id()) ? ", registered" : ", not registered");
        }
      }
      return s.isPresent() && s.get().healthy() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
    }
  }
}
