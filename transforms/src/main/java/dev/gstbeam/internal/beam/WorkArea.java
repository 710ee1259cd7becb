package dev.gstbeam.internal.beam;

import dev.gstbeam.internal.paths.OutputPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * One input's segment work area on the output's file system ({@code <root>/_work/<key>}): a local
 * directory, or a prefix on an object store. Files are put whole (a local rename, or an object that
 * appears only once uploaded), so a name present is a finished file; remote steps retry transient errors.
 */
final class WorkArea {
  private final String location;
  private final boolean local;

  WorkArea(String location) {
    this.location = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    this.local = LocalMedia.isLocal(location);
  }

  String location() {
    return location;
  }

  boolean isLocal() {
    return local;
  }

  /** Where {@code name} is (a local path or a URI). */
  String locationOf(String name) {
    return location + "/" + name;
  }

  boolean exists(String name) throws IOException {
    return TranscodeFn.exists(locationOf(name));
  }

  String read(String name) throws IOException {
    if (local) {
      return Files.readString(Paths.get(locationOf(name)), StandardCharsets.UTF_8);
    }
    return Retry.io("read of " + locationOf(name), () -> {
      try (InputStream in = Channels.newInputStream(FileSystems.open(resource(name)))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    });
  }

  /** Writes {@code text} as {@code name}, whole or not at all. */
  void write(String name, String text) throws IOException {
    if (local) {
      Path dir = Files.createDirectories(Paths.get(location));
      Path tmp = dir.resolve(OutputPaths.TEMP_PREFIX + UUID.randomUUID() + "-" + name);
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Retry.io("write of " + locationOf(name), () -> {
      try (OutputStream os = Channels.newOutputStream(FileSystems.create(resource(name), MimeTypes.TEXT))) {
        os.write(bytes);
      }
      return null;
    });
  }

  /** Moves (local) or uploads (remote) a finished local file in as {@code name}. */
  void put(String name, Path file) throws IOException {
    if (local) {
      Path dir = Files.createDirectories(Paths.get(location));
      Files.move(file, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    ScratchArea.upload(file, locationOf(name));
  }

  /** A local temporary file for {@code name} before {@link #put}: in the area itself when it is local. */
  Path temporary(String name) throws IOException {
    Path dir = local ? Files.createDirectories(Paths.get(location)) : ScratchArea.get().dir();
    return dir.resolve(OutputPaths.TEMP_PREFIX + UUID.randomUUID().toString().substring(0, 8) + "-" + name);
  }

  /** Removes the area and everything in it. */
  void delete() throws IOException {
    if (local) {
      Path dir = Paths.get(location);
      if (Files.exists(dir)) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
      try {
        Files.deleteIfExists(dir.getParent()); // _work itself, when no other input is in progress
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // another input's segments are still there
      }
      return;
    }
    Retry.io("removal of " + location, () -> {
      MatchResult m = FileSystems.match(location + "/*"); // flat; Beam's Hadoop "dir/**" misses files right in dir
      if (m.status() == MatchResult.Status.ERROR) {
        m.metadata();
      }
      if (m.status() == MatchResult.Status.OK) {
        List<ResourceId> ids = new ArrayList<>();
        m.metadata().forEach(md -> ids.add(md.resourceId()));
        FileSystems.delete(ids, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      return null;
    });
    // S3A keeps an emptied directory as a marker object: remove the area's, then _work's when empty.
    for (String dir : List.of(location, location.substring(0, location.lastIndexOf('/')))) {
      try {
        FileSystems.delete(List.of(FileSystems.matchNewResource(dir, true)),
            MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      } catch (IOException e) {
        return; // not empty: another input's segments are still there
      }
    }
  }

  private ResourceId resource(String name) {
    return FileSystems.matchNewResource(locationOf(name), false);
  }
}
