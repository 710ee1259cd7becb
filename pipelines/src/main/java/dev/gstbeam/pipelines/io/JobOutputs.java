package dev.gstbeam.pipelines.io;

import dev.gstbeam.pipelines.probe.Summary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/** Files a job writes beside its records, through Beam's file systems (local, s3a, ...). */
public final class JobOutputs {
  private JobOutputs() {}

  private static final String PARTIAL = "_summary-partial";

  public static String partialSummaryPrefix(String outputDir) {
    return dir(outputDir).resolve(PARTIAL, ResolveOptions.StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** Reads the pipeline's counts, adds the wall time, writes summary.json and removes the partial file. */
  public static Summary finishSummary(String outputDir, double wallSeconds) throws IOException {
    ResourceId partial = dir(outputDir).resolve(PARTIAL + ".json", ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    String json;
    try (InputStream in = Channels.newInputStream(FileSystems.open(partial))) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    Summary summary = Summary.fromJson(json);
    ResourceId target = dir(outputDir).resolve("summary.json", ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, MimeTypes.TEXT))) {
      out.write((summary.toJson(wallSeconds) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    FileSystems.delete(List.of(partial), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    return summary;
  }

  /**
   * Removes an earlier run's catalog files ({@code prefix*} in {@code outputDir}) before a job writes
   * new ones: shard counts differ between runs (a stale shard would mix into the new catalog), and an
   * object store's rename does not replace an existing key.
   */
  public static void clearPrevious(String outputDir, String... prefixes) throws IOException {
    List<ResourceId> old = new java.util.ArrayList<>();
    for (String prefix : prefixes) {
      String spec = dir(outputDir).resolve(prefix, ResolveOptions.StandardResolveOptions.RESOLVE_FILE) + "*";
      org.apache.beam.sdk.io.fs.MatchResult m = FileSystems.match(spec, org.apache.beam.sdk.io.fs.EmptyMatchTreatment.ALLOW);
      if (m.status() == org.apache.beam.sdk.io.fs.MatchResult.Status.OK) {
        m.metadata().forEach(md -> old.add(md.resourceId()));
      }
    }
    if (!old.isEmpty()) {
      FileSystems.delete(old, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }

  public static ResourceId dir(String outputDir) {
    return FileSystems.matchNewResource(outputDir, true);
  }
}
