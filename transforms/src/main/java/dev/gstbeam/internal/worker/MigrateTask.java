package dev.gstbeam.internal.worker;

import dev.gstbeam.Limits;
import dev.gstbeam.internal.beam.TranscodeFn;
import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.transcode.Profile;
import dev.gstbeam.model.MigrationResult;
import java.nio.file.Paths;
import java.time.Duration;

/** One input's native migration steps (probe, checks, transcode, verify), in a worker. */
public record MigrateTask(String source, String uri, long sizeBytes, String target, Profile profile, int encoderThreads,
    Limits limits, long probeTimeoutMillis, MigrationResult partial) implements WorkerTask<MigrationResult> {
  private static final long serialVersionUID = 1L;

  @Override
  public MigrationResult run() throws Exception {
    try (GstProber prober = new GstProber(Duration.ofMillis(probeTimeoutMillis))) {
      return TranscodeFn.nativeSteps(prober, profile, encoderThreads, limits, Paths.get(source), uri, sizeBytes,
          Paths.get(target), partial);
    }
  }

  @Override
  public String input() {
    return uri;
  }
}
