package dev.gstbeam.internal.beam;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries an I/O step with exponential backoff when its failure may be transient (a connection refused
 * or reset, a timeout, a 5xx from an object store), and never when it is deterministic (not found,
 * access denied, no such bucket, already exists, no space in the scratch area): those fail at once.
 */
public final class Retry {
  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  /** Attempts per step (system property {@value}, default 6: waits of 1, 2, 4, 8 and 16 s between them). */
  public static final String ATTEMPTS_PROPERTY = "gstbeam.io.attempts";

  private Retry() {}

  /** An I/O step. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws IOException;
  }

  public static <T> T io(String what, Step<T> step) throws IOException {
    int attempts = Math.max(1, Integer.getInteger(ATTEMPTS_PROPERTY, 6));
    long waitMillis = 1000;
    for (int attempt = 1; ; attempt++) {
      try {
        return step.run();
      } catch (IOException e) {
        if (attempt >= attempts || !transient_(e)) {
          throw e;
        }
        LOG.warn("{} failed (attempt {} of {}), retrying in {} s: {}", what, attempt, attempts, waitMillis / 1000,
            ProbeFn.oneLine(e));
        try {
          Thread.sleep(waitMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(what + ": interrupted while waiting to retry");
        }
        waitMillis = Math.min(16_000, waitMillis * 2);
      }
    }
  }

  /** Whether an I/O failure may go away on its own. */
  static boolean transient_(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileNotFoundException || t instanceof NoSuchFileException
          || t instanceof FileAlreadyExistsException || t instanceof java.nio.file.AccessDeniedException
          || t instanceof ScratchArea.FullException || t instanceof InterruptedIOException
              && !(t instanceof java.net.SocketTimeoutException)) {
        return false;
      }
      String name = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
      if (name.contains("accessdenied") || name.contains("unknownstore") || name.contains("nosuchbucket")
          || name.contains("alreadyexists") || name.contains("filenotfound")) {
        return false;
      }
    }
    return true;
  }
}
