package dev.gstbeam.internal.beam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A matched file as a local path GStreamer can open: the file itself when it is on a local file system,
 * else a copy in a scratch directory that {@link #close()} deletes.
 */
public final class LocalMedia implements AutoCloseable {
  private final Path path;
  private final String uri;
  private final long sizeBytes;
  private final boolean temporary;

  private LocalMedia(Path path, String uri, long sizeBytes, boolean temporary) {
    this.path = path;
    this.uri = uri;
    this.sizeBytes = sizeBytes;
    this.temporary = temporary;
  }

  public static LocalMedia of(FileIO.ReadableFile file, Path scratch) throws IOException {
    ResourceId id = file.getMetadata().resourceId();
    long size = file.getMetadata().sizeBytes();
    String scheme = id.getScheme();
    if (scheme == null || scheme.equals("file")) {
      Path p = Paths.get(id.toString()).toAbsolutePath();
      return new LocalMedia(p, p.toUri().toString(), size, false);
    }
    Files.createDirectories(scratch);
    Path copy = Files.createTempFile(scratch, "gstbeam-", ".media");
    try (ReadableByteChannel in = file.open();
        InputStream stream = Channels.newInputStream(in)) {
      Files.copy(stream, copy, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    return new LocalMedia(copy, id.toString(), size, true);
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
  public void close() throws IOException {
    if (temporary) {
      Files.deleteIfExists(path);
    }
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
