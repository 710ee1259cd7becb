package dev.gstbeam.internal.transcode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about decoded audio and its container that the audio chain needs; pure Java. */
public final class RawAudio {
  private RawAudio() {}

  /**
   * Bytes per second of raw audio in GStreamer's {@code format} (S16LE, F32LE, U8, S24_32LE, …) at
   * {@code rate} Hz with {@code channels} interleaved channels, or 0 when the format is not a plain
   * interleaved sample format known here.
   */
  public static long bytesPerSecond(String format, int rate, int channels) {
    if (format == null || rate <= 0 || channels <= 0) {
      return 0;
    }
    int width;
    if (format.matches("[SU]8")) {
      width = 1;
    } else if (format.matches("[SU]16(LE|BE)")) {
      width = 2;
    } else if (format.matches("[SU]24(LE|BE)")) {
      width = 3;
    } else if (format.matches("([SU](24_32|32)|F32)(LE|BE)")) {
      width = 4;
    } else if (format.matches("F64(LE|BE)")) {
      width = 8;
    } else {
      return 0;
    }
    return (long) width * rate * channels;
  }

  /**
   * Whether {@code file} is a RIFF/RF64 WAVE file. Such a file's only timeline is its samples: wavparse
   * times compressed data (ADPCM, GSM, MP3 in WAV) from the header's byte rate, which can disagree
   * with the samples decoded (the corpus's IMA ADPCM sample: half their rate).
   */
  public static boolean isWave(Path file) {
    byte[] head = new byte[12];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 12) < 12) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    String riff = new String(head, 0, 4, StandardCharsets.ISO_8859_1);
    String wave = new String(head, 8, 4, StandardCharsets.ISO_8859_1);
    return (riff.equals("RIFF") || riff.equals("RF64") || riff.equals("BW64")) && wave.equals("WAVE");
  }
}
