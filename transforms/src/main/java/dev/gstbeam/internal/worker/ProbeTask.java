package dev.gstbeam.internal.worker;

import dev.gstbeam.internal.gst.GstProber;
import dev.gstbeam.internal.gst.ProbeOutcome;
import java.nio.file.Paths;
import java.time.Duration;

/** Probing one local file, in a worker. */
public record ProbeTask(String path, String uri, long sizeBytes, long timeoutMillis) implements WorkerTask<ProbeOutcome> {
  private static final long serialVersionUID = 1L;

  @Override
  public ProbeOutcome run() {
    try (GstProber prober = new GstProber(Duration.ofMillis(timeoutMillis))) {
      return prober.probe(Paths.get(path), uri, sizeBytes);
    }
  }

  @Override
  public String input() {
    return uri;
  }
}
