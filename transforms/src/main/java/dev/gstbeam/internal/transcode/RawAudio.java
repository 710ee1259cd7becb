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
   * A RIFF WAVE file's duration from its own header, or null when the header does not give it here
   * (RF64, no {@code fmt } or {@code data} chunk, a compressed format without a {@code fact} chunk):
   * PCM and float data by their whole sample frames (data size over block align) over the sample rate;
   * compressed data (ADPCM, GSM, …) by the
   * {@code fact} chunk's sample count over the sample rate, as ffprobe does. GStreamer's wavparse
   * times compressed data by the byte rate, which can be wrong (the corpus's IMA ADPCM sample: 0.51 s
   * for 1.018 s of samples).
   */
  public static Double waveSeconds(Path file) {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      if (ch.read(head, 0) < 12 || !new String(head.array(), 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
          || !new String(head.array(), 8, 4, StandardCharsets.ISO_8859_1).equals("WAVE")) {
        return null;
      }
      long pos = 12;
      int formatTag = -1;
      long sampleRate = 0;
      long byteRate = 0;
      int blockAlign = 0;
      long factSamples = -1;
      long dataSize = -1;
      java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int n = 0; n < 64 && pos + 8 <= ch.size(); n++) {
        chunk.clear();
        if (ch.read(chunk, pos) < 8) {
          break;
        }
        String id = new String(chunk.array(), 0, 4, StandardCharsets.ISO_8859_1);
        long size = chunk.getInt(4) & 0xffffffffL;
        if (id.equals("fmt ") && size >= 16) {
          java.nio.ByteBuffer fmt = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          ch.read(fmt, pos + 8);
          formatTag = fmt.getShort(0) & 0xffff;
          sampleRate = fmt.getInt(4) & 0xffffffffL;
          byteRate = fmt.getInt(8) & 0xffffffffL;
          blockAlign = fmt.getShort(12) & 0xffff;
        } else if (id.equals("fact") && size >= 4) {
          java.nio.ByteBuffer fact = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
          ch.read(fact, pos + 8);
          factSamples = fact.getInt(0) & 0xffffffffL;
        } else if (id.equals("data")) {
          dataSize = Math.min(size, ch.size() - pos - 8); // a truncated file holds less than it says
          break;
        }
        pos += 8 + size + (size & 1);
      }
      if (formatTag < 0 || dataSize < 0) {
        return null;
      }
      boolean plain = formatTag == 1 || formatTag == 3 || formatTag == 0xfffe;
      if (plain) {
        // Whole sample frames over the sample rate, as ffprobe counts them: the byte rate field is
        // redundant for PCM and can be wrong (the corpus has an 80 kHz mono file stating 76,561 B/s).
        if (blockAlign > 0 && sampleRate > 0) {
          return (double) (dataSize / blockAlign) / sampleRate;
        }
        return byteRate > 0 ? (double) dataSize / byteRate : null;
      }
      return factSamples >= 0 && sampleRate > 0 ? (double) factSamples / sampleRate : null;
    } catch (IOException e) {
      return null;
    }
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
