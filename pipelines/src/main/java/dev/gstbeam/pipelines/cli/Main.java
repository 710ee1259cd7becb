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
    subcommands = {ProbeCommand.class, MigrateCommand.class, ClusterCommand.class, DoctorCommand.class, DemoCommand.class},
    footer = {
      "",
      "Exit codes: 0 all inputs succeeded, 3 the job completed but some inputs failed,",
      "2 usage error, 1 the job failed."
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
