package dev.gstbeam.runners;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Optional;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The jar a job ships to a Flink cluster: gstbeam's own jar without Flink (the cluster has Flink, and
 * Flink's classes are loaded parent-first anyway) and without signature files. Entries are copied raw
 * (no recompression), once per build of the jar; the copy is kept next to it, or in the temp directory
 * when that is not writable.
 */
public final class JobJar {
  private JobJar() {}

  /** The slim jar for the jar this class was loaded from; empty when running from class directories. */
  public static synchronized Optional<Path> forRunningJar() throws IOException {
    Path self;
    try {
      self = Path.of(JobJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(self) || !self.toString().endsWith(".jar")) {
      return Optional.empty();
    }
    String name = self.getFileName().toString().replaceFirst("\\.jar$", "") + "-job.jar";
    Path target = Files.isWritable(self.getParent())
        ? self.resolveSibling(name)
        : Path.of(System.getProperty("java.io.tmpdir"), name);
    if (Files.exists(target) && Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(self)) > 0) {
      return Optional.of(target);
    }
    slim(self, target);
    return Optional.of(target);
  }

  /**
   * What a job ships: the slim jar when running from gstbeam's jar; from a class path of directories
   * and jars (tests, an IDE), every entry but Flink's own jars.
   */
  public static java.util.List<String> filesToStage() throws IOException {
    Optional<Path> jar = forRunningJar();
    if (jar.isPresent()) {
      return java.util.List.of(jar.get().toString());
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!entry.isEmpty() && !(name.startsWith("flink-") && name.endsWith(".jar")) && Files.exists(Path.of(entry))) {
        out.add(entry);
      }
    }
    return out;
  }

  /** Whether an entry of the fat jar stays in the job jar. */
  static boolean keep(String entry) {
    if (entry.startsWith("org/apache/flink/") || entry.equals("flink-rpc-akka.jar")) {
      return false;
    }
    if (entry.startsWith("META-INF/")) {
      String upper = entry.toUpperCase(java.util.Locale.ROOT);
      return !(upper.endsWith(".SF") || upper.endsWith(".DSA") || upper.endsWith(".RSA"));
    }
    return true;
  }

  static void slim(Path fat, Path target) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try (ZipFile in = ZipFile.builder().setFile(fat.toFile()).get();
        OutputStream os = Files.newOutputStream(tmp);
        ZipArchiveOutputStream out = new ZipArchiveOutputStream(os)) {
      Enumeration<ZipArchiveEntry> entries = in.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry e = entries.nextElement();
        if (keep(e.getName())) {
          try (InputStream raw = in.getRawInputStream(e)) {
            out.addRawArchiveEntry(new ZipArchiveEntry(e), raw);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
