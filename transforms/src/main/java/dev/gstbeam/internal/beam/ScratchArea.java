package dev.gstbeam.internal.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local copies of remote inputs (an {@code s3a://} object, say) for GStreamer, which reads local files:
 * one area per worker JVM, bounded in bytes, shared by every step that reads the same source there
 * (probe, plan, the segments of one file that land on this worker, the stitch's verification).
 *
 * <p>A copy is streamed to disk through a 1 MiB buffer, so heap use does not depend on the object's
 * size; the disk it takes is bounded by the area's budget: a copy waits for room (copies no step uses
 * any more are evicted, least recently used first), and an object larger than the whole budget fails at
 * once with {@link FullException} (reported as {@code LIMIT_EXCEEDED}). Copies idle for a minute are
 * deleted, and the whole area when the JVM exits.
 *
 * <p>Configuration (system property, else environment variable): {@value #DIR_PROPERTY} /
 * {@code GSTBEAM_SCRATCH_DIR} (default: the JVM's temporary directory), {@value #BYTES_PROPERTY} /
 * {@code GSTBEAM_SCRATCH_BYTES} (default: half the free space there).
 */
public final class ScratchArea {
  private static final Logger LOG = LoggerFactory.getLogger(ScratchArea.class);
  public static final String DIR_PROPERTY = "gstbeam.scratch.dir";
  public static final String BYTES_PROPERTY = "gstbeam.scratch.bytes";
  private static final long IDLE_MILLIS = 60_000;
  private static final long WAIT_MILLIS = 30 * 60_000;

  /** The object does not fit in the scratch area, or no room came free in time: not retried. */
  public static final class FullException extends IOException {
    private static final long serialVersionUID = 1L;

    FullException(String message) {
      super(message);
    }
  }

  private static ScratchArea instance;

  /** This JVM's area. */
  public static synchronized ScratchArea get() {
    if (instance == null) {
      String dir = setting(DIR_PROPERTY, "GSTBEAM_SCRATCH_DIR");
      Path base = Paths.get(dir != null ? dir : System.getProperty("java.io.tmpdir"), "gstbeam");
      try {
        Files.createDirectories(base);
        Path own = Files.createTempDirectory(base, "scratch-");
        String bytes = setting(BYTES_PROPERTY, "GSTBEAM_SCRATCH_BYTES");
        long budget = bytes != null ? Long.parseLong(bytes.trim()) : Files.getFileStore(own).getUsableSpace() / 2;
        instance = new ScratchArea(own, budget);
        Runtime.getRuntime().addShutdownHook(new Thread(instance::deleteAll, "gstbeam-scratch-cleanup"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the scratch area under " + base, e);
      }
    }
    return instance;
  }

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    return v != null && !v.isBlank() ? v : System.getenv(env);
  }

  private final Path dir;
  private final long budget;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long reserved;

  ScratchArea(Path dir, long budget) {
    this.dir = dir;
    this.budget = budget;
  }

  /** Where temporary local files of this worker go (outputs before their upload, downloaded segments). */
  public Path dir() {
    return dir;
  }

  public long budget() {
    return budget;
  }

  /** Bytes held by copies now (in use or kept for reuse). */
  public synchronized long reservedBytes() {
    return reserved;
  }

  private static final class Entry {
    final String key;
    final long size;
    Path path;
    int refs;
    boolean ready;
    long lastUsed;

    Entry(String key, long size) {
      this.key = key;
      this.size = size;
    }
  }

  /** A local copy in use; closing it lets the area reuse or evict the copy. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public Path path() {
      return entry.path;
    }

    @Override
    public void close() {
      synchronized (ScratchArea.this) {
        if (!closed) {
          closed = true;
          entry.refs--;
          entry.lastUsed = System.currentTimeMillis();
          ScratchArea.this.notifyAll();
        }
      }
    }
  }

  /**
   * A local copy of {@code uri} ({@code size} bytes), downloaded once (with retries) and shared while
   * leased.
   */
  public Lease acquire(String uri, long size) throws IOException {
    String key = uri + "#" + size;
    if (size > budget) {
      throw new FullException(String.format(java.util.Locale.ROOT,
          "%.1f MB does not fit in this worker's scratch area (%.1f MB; set %s or GSTBEAM_SCRATCH_BYTES)",
          size / 1e6, budget / 1e6, BYTES_PROPERTY));
    }
    Entry mine;
    synchronized (this) {
      long deadline = System.currentTimeMillis() + WAIT_MILLIS;
      while (true) {
        evictIdle();
        Entry e = entries.get(key);
        if (e != null && e.ready) {
          e.refs++;
          return new Lease(e);
        }
        if (e == null) {
          if (makeRoom(size)) {
            mine = new Entry(key, size);
            mine.refs = 1;
            entries.put(key, mine);
            reserved += size;
            break;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new FullException("no room came free in the scratch area in " + WAIT_MILLIS / 60_000 + " minutes");
        }
        try {
          wait(Math.min(left, 1000));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while waiting for the scratch area");
        }
      }
    }
    Path copy = dir.resolve(UUID.randomUUID() + ".media");
    try {
      Retry.io("copy of " + uri, () -> {
        try (ReadableByteChannel ch = FileSystems.open(FileSystems.matchNewResource(uri, false));
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Files.newOutputStream(copy)) {
          byte[] buf = new byte[1 << 20];
          long total = 0;
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            total += n;
          }
          if (total != size) {
            throw new IOException("read " + total + " bytes of " + uri + ", expected " + size);
          }
        }
        return null;
      });
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      synchronized (this) {
        entries.remove(key);
        reserved -= size;
        notifyAll();
      }
      throw e;
    }
    synchronized (this) {
      mine.path = copy;
      mine.ready = true;
      notifyAll();
    }
    return new Lease(mine);
  }

  /** Frees unused copies, least recently used first, until {@code size} more bytes fit. */
  private boolean makeRoom(long size) {
    Iterator<Entry> it = entries.values().iterator();
    while (reserved + size > budget && it.hasNext()) {
      Entry e = it.next();
      if (e.ready && e.refs == 0) {
        it.remove();
        drop(e);
      }
    }
    return reserved + size <= budget;
  }

  private void evictIdle() {
    long now = System.currentTimeMillis();
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.ready && e.refs == 0 && now - e.lastUsed > IDLE_MILLIS) {
        it.remove();
        drop(e);
      }
    }
  }

  private void drop(Entry e) {
    reserved -= e.size;
    try {
      Files.deleteIfExists(e.path);
    } catch (IOException ex) {
      LOG.warn("cannot delete scratch copy {}: {}", e.path, ex.getMessage());
    }
  }

  private void deleteAll() {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at exit
    }
  }

  /** Copies a local file to {@code uri} on any Beam file system (with retries). */
  public static void upload(Path from, String uri) throws IOException {
    Retry.io("upload to " + uri, () -> {
      try (OutputStream os = Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(uri, false),
              org.apache.beam.sdk.util.MimeTypes.BINARY));
          InputStream is = Files.newInputStream(from)) {
        is.transferTo(os);
      }
      return null;
    });
  }

  /** Copies {@code uri} to a local file (with retries). */
  public static void download(String uri, Path to) throws IOException {
    Retry.io("download of " + uri, () -> {
      try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(uri, false)))) {
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
      }
      return null;
    });
  }
}
