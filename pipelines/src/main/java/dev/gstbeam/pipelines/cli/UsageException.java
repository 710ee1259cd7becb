package dev.gstbeam.pipelines.cli;

/** A bad flag or value found after parsing; the CLI exits 2 with the message. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
