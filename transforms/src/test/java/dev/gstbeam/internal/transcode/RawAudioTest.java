package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RawAudioTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void bytesPerSecondOfCommonFormats() {
    assertEquals(88_200, RawAudio.bytesPerSecond("S16LE", 44_100, 1));
    assertEquals(384_000, RawAudio.bytesPerSecond("F32LE", 48_000, 2));
    assertEquals(8_000, RawAudio.bytesPerSecond("U8", 8_000, 1));
    assertEquals(288_000, RawAudio.bytesPerSecond("S24LE", 48_000, 2));
    assertEquals(384_000, RawAudio.bytesPerSecond("S24_32LE", 48_000, 2));
    assertEquals(0, RawAudio.bytesPerSecond("S16LE", 0, 2));
    assertEquals(0, RawAudio.bytesPerSecond(null, 48_000, 2));
    assertEquals(0, RawAudio.bytesPerSecond("F32LE_planar?", 48_000, 2));
  }

  /** ffprobe as the oracle: PCM by data size, IMA ADPCM by its fact chunk's sample count. */
  @Test
  public void waveDurationComesFromTheHeaderAsFfprobeReadsIt() throws Exception {
    dev.gstbeam.testing.TestData.assumeTool("ffmpeg");
    for (String codec : new String[] {"pcm_s16le", "adpcm_ima_wav", "pcm_f32le"}) {
      Path wav = tmp.getRoot().toPath().resolve(codec + ".wav");
      dev.gstbeam.testing.Ffmpeg.run("-f", "lavfi", "-i", "sine=duration=1.37:sample_rate=44100", "-c:a", codec,
          wav.toString());
      double ffprobe = Double.parseDouble(dev.gstbeam.testing.Ffmpeg.probeEntry(wav, null, "format=duration"));
      Double ours = RawAudio.waveSeconds(wav);
      assertTrue(codec, ours != null);
      assertEquals(codec, ffprobe, ours, 0.001);
    }
    assertEquals(null, RawAudio.waveSeconds(tmp.newFile("empty.wav").toPath()));
  }

  /** PCM by its sample frames: this header's byte rate (76,561 B/s for 80 kHz 16-bit mono) is wrong. */
  @Test
  public void pcmDurationIgnoresAWrongByteRate() throws Exception {
    dev.gstbeam.testing.TestData.assumeTool("ffmpeg");
    Path wav = dev.gstbeam.testing.TestData.corpusFile("androidx-media/wav/sample_80KHz_mono_20_repeating_1_samples.wav");
    double ffprobe = Double.parseDouble(dev.gstbeam.testing.Ffmpeg.probeEntry(wav, null, "format=duration"));
    assertEquals(ffprobe, RawAudio.waveSeconds(wav), 1e-6);
  }

  @Test
  public void waveFilesAreKnownByTheirHeader() throws Exception {
    Path wav = tmp.newFile("a.wav").toPath();
    Files.write(wav, "RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(RawAudio.isWave(wav));
    Path rf64 = tmp.newFile("b").toPath();
    Files.write(rf64, "RF64\0\0\0\0WAVEds64".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(RawAudio.isWave(rf64));
    Path avi = tmp.newFile("c.wav").toPath();
    Files.write(avi, "RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1));
    assertFalse("RIFF, but AVI", RawAudio.isWave(avi));
    Path shortFile = tmp.newFile("d.wav").toPath();
    Files.write(shortFile, "RIFF".getBytes(StandardCharsets.ISO_8859_1));
    assertFalse(RawAudio.isWave(shortFile));
  }
}
