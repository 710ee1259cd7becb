package dev.gstbeam.pipelines.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gstbeam} command line. {@link #run} returns the contract's exit code. */
@Command(
    name = "gstbeam",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Media catalogs and archive migration with GStreamer on Apache Beam and Flink.",
    subcommands = {ProbeCommand.class, MigrateCommand.class, ClusterCommand.class, DoctorCommand.class, DemoCommand.class,
        ExpansionServiceCommand.class},
    footer = {
      "",
      "Exit codes: 0 all inputs succeeded, 3 the job completed but some inputs failed,",
      "2 usage error, 1 the job failed."
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** {@code -q}: no progress, only results and errors. */
  static volatile boolean quiet;

  /** Log levels of {@code --log-level}. */
  enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

  @CommandLine.Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
      description = "No progress output; results, warnings and errors only.")
  void setQuiet(boolean q) {
    quiet = q;
  }

  @CommandLine.Option(names = "--log-level", paramLabel = "LEVEL", scope = CommandLine.ScopeType.INHERIT,
      description = "Log level on stderr: error, warn (default), info, debug, trace.")
  void setLogLevel(LogLevel level) {
    // Before any logger exists (options are parsed before a command runs).
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.name().toLowerCase(java.util.Locale.ROOT));
    if (level.compareTo(LogLevel.INFO) >= 0) {
      for (String noisy : new String[] {"org.apache.flink", "org.apache.beam.runners.flink", "org.apache.hadoop"}) {
        System.setProperty("org.slf4j.simpleLogger.log." + noisy, level.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (never calls System.exit). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageException) {
            commandLine.getErr().println("gstbeam: " + e.getMessage());
            return ExitCodes.USAGE;
          }
          if (e instanceof dev.gstbeam.pipelines.io.S3Storage.AccessException) {
            commandLine.getErr().println("gstbeam: " + dev.gstbeam.pipelines.io.Secrets.scrub(e.getMessage()));
            return ExitCodes.JOB_FAILED;
          }
          commandLine.getErr().println("gstbeam: the job failed: " + dev.gstbeam.pipelines.io.Secrets.scrub(rootCause(e)));
          return ExitCodes.JOB_FAILED;
        });
    cli.setParameterExceptionHandler(
        (e, args1) -> {
          CommandLine c = e.getCommandLine();
          c.getErr().println("gstbeam: " + e.getMessage());
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  /** One line naming the innermost cause, no stack trace. */
  static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    String line = m == null ? t.getClass().getSimpleName() : RunnerMixin.firstLine(m);
    return t == e || m == null ? line : line + " (" + t.getClass().getSimpleName() + ")";
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** Version from the jar manifest or the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"gstbeam " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
