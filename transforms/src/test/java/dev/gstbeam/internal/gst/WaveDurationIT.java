package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Test;

/**
 * A WAVE file's duration in the catalog is its header's (as ffprobe reads it), not wavparse's, which
 * times compressed data by the header's byte rate.
 */
public class WaveDurationIT {
  @Test
  public void anAdpcmWaveIsAsLongAsItsSamples() throws Exception {
    TestData.assumeTool("ffprobe");
    Path wav = TestData.corpusFile("androidx-media/wav/sample_ima_adpcm.wav");
    double ffprobe = Double.parseDouble(dev.gstbeam.testing.Ffmpeg.probeEntry(wav, null, "format=duration"));
    assertEquals("44902 samples at 44.1 kHz", 1.018186, ffprobe, 1e-6);
    try (GstProber prober = new GstProber(Duration.ofSeconds(30))) {
      ProbeOutcome o = prober.probe(wav, wav.toUri().toString(), Files.size(wav));
      assertTrue(o.message(), o.succeeded());
      assertEquals(ffprobe, o.media().getDurationSeconds(), 0.001);
    }
  }
}
