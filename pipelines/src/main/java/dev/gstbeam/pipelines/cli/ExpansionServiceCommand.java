package dev.gstbeam.pipelines.cli;

import dev.gstbeam.pipelines.xlang.ExpansionServices;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.expansion.service.ExpansionServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gstbeam expansion-service}: probe and transcode for Beam pipelines in other SDKs (Python). */
@Command(
    name = "expansion-service",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Beam cross-language expansion service (gRPC) offering gstbeam's schema transforms:",
      "  beam:schematransform:org.gstbeam:probe:v1      (pattern, timeout_seconds) -> output, failures",
      "  beam:schematransform:org.gstbeam:transcode:v1  (pattern, output_root, profile, preset, crf,",
      "                                                  segment_seconds) -> output",
      "Prints the address, then serves until interrupted."
    },
    footer = {"", "Examples:", "  gstbeam expansion-service --port 8097",
        "  gstbeam expansion-service --port 8097 -- --defaultEnvironmentType=PROCESS --defaultEnvironmentConfig='{\"command\": \"/opt/apache/beam/boot\"}'"})
final class ExpansionServiceCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8097",
      description = "Port to listen on (default ${DEFAULT-VALUE}; 0: a free one).")
  int port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "localhost",
      description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Parameters(paramLabel = "BEAM_OPTION", arity = "0..*",
      description = "Beam pipeline options applied to every expansion, after '--' (e.g. -- --defaultEnvironmentType=PROCESS).")
  List<String> beamOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0..65535, was " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    ExpansionServer server;
    try {
      server = ExpansionServices.start(host, port, beamOptions.toArray(new String[0]));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      closeQuietly(server);
      stopped.countDown();
    }, "gstbeam-expansion-service-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf("gstbeam expansion service listening on %s:%d%n", server.getHost(), server.getPort());
    for (String id : ExpansionServices.gstbeamIdentifiers()) {
      out.println("  " + id);
    }
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // in-process callers (tests) stop it by interrupting
    } finally {
      closeQuietly(server);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
    return ExitCodes.OK;
  }

  private static void closeQuietly(ExpansionServer server) {
    try {
      server.close();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
