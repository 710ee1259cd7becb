package dev.gstbeam.pipelines.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3A with a rename that is tried again when the store answered a check inconsistently.
 *
 * <p>Beam's file sinks commit their shards by rename, and S3A's rename first asks whether the
 * destination's parent is a file. An S3-compatible store can answer that probe wrongly for a moment
 * while other objects under the same prefix are being copied and deleted: seen in CI with S3Proxy's
 * filesystem store ("destination parent is not a directory" for {@code _manifest}, in about one run in
 * ten), which failed the whole job at its last step. S3A then returns false; this tries again, up to
 * three times, while the source still exists and the destination does not. A real conflict fails
 * every time and is reported as before.
 */
public class RetryingS3AFileSystem extends S3AFileSystem {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingS3AFileSystem.class);
  static final int ATTEMPTS = 3;

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    for (int attempt = 1; ; attempt++) {
      if (super.rename(src, dst)) {
        return true;
      }
      if (attempt >= ATTEMPTS || !exists(src) || exists(dst)) {
        return false;
      }
      LOG.warn("rename of {} to {} refused (attempt {} of {}); trying again", src, dst, attempt, ATTEMPTS);
      try {
        Thread.sleep(250L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while retrying a rename");
      }
    }
  }
}
