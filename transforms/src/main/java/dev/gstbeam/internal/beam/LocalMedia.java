package dev.gstbeam.internal.beam;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A matched file as a local path GStreamer can open: the file itself when it is on a local file system,
 * else this worker's shared copy in the {@link ScratchArea}, released by {@link #close()}.
 */
public final class LocalMedia implements AutoCloseable {
  private final Path path;
  private final String uri;
  private final long sizeBytes;
  private final ScratchArea.Lease lease;

  private LocalMedia(Path path, String uri, long sizeBytes, ScratchArea.Lease lease) {
    this.path = path;
    this.uri = uri;
    this.sizeBytes = sizeBytes;
    this.lease = lease;
  }

  public static LocalMedia of(FileIO.ReadableFile file) throws IOException {
    ResourceId id = file.getMetadata().resourceId();
    return of(id.toString(), file.getMetadata().sizeBytes());
  }

  /** {@code location}: a local path or a URI on any Beam file system. */
  public static LocalMedia of(String location, long size) throws IOException {
    if (isLocal(location)) {
      Path p = Paths.get(location.replaceFirst("^file://", "")).toAbsolutePath();
      return new LocalMedia(p, p.toUri().toString(), size, null);
    }
    ScratchArea.Lease lease = ScratchArea.get().acquire(location, size);
    return new LocalMedia(lease.path(), location, size, lease);
  }

  /** Where GStreamer reads the bytes. */
  public Path path() {
    return path;
  }

  /** The input's own URI (file:///... percent-encoded, or the remote URI). */
  public String uri() {
    return uri;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }

  static boolean isLocal(String location) {
    return !location.contains("://") || location.startsWith("file://");
  }

  /** The URI an input is reported under, without opening it. */
  public static String uriOf(FileIO.ReadableFile file) {
    ResourceId id = file.getMetadata().resourceId();
    String scheme = id.getScheme();
    if (scheme == null || scheme.equals("file")) {
      return Paths.get(id.toString()).toAbsolutePath().toUri().toString();
    }
    return id.toString();
  }
}
