package dev.gstbeam.pipelines.cli;

/** The contract's exit codes. */
final class ExitCodes {
  private ExitCodes() {}

  /** Everything succeeded. */
  static final int OK = 0;
  /** The job itself failed. */
  static final int JOB_FAILED = 1;
  /** Usage error: unknown flag or bad value. */
  static final int USAGE = 2;
  /** The job completed but some inputs failed. */
  static final int SOME_FAILED = 3;
}
