package dev.gstbeam.internal.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The range flag of an MP4/MOV video track's colour box ({@code colr} of type {@code nclx}, ISO/IEC
 * 14496-12 12.1.5), read from the file: GStreamer 1.22's qtdemux takes it from the wrong byte, so every
 * full-range track is announced as limited (see {@code Colorimetry}). Pure Java over the file's boxes.
 */
public final class Mp4Colour {
  private Mp4Colour() {}

  /**
   * What the first video track's {@code nclx} box says of the range: true full, false limited; null
   * when the file is not an MP4/MOV, has no video track, or its track has no {@code nclx} box.
   */
  public static Boolean fullRange(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer moov = Mp4Boxes.moov(ch);
      return moov == null ? null : fullRange(moov);
    } catch (IOException | RuntimeException e) {
      return null; // not readable as boxes: nothing to correct
    }
  }

  static Boolean fullRange(ByteBuffer moov) {
    int[] children = Mp4Boxes.videoSampleEntryChildren(moov);
    if (children == null) {
      return null;
    }
    // A file may carry several colr boxes (an ICC profile beside nclx); nclx decides.
    int pos = children[0];
    int end = children[1];
    while (pos + 8 <= end) {
      long size = moov.getInt(pos) & 0xffffffffL;
      if (size < 8 || pos + size > end) {
        return null;
      }
      if (size >= 19 && Mp4Boxes.type(moov, pos + 4).equals("colr") && Mp4Boxes.type(moov, pos + 8).equals("nclx")) {
        return (moov.get(pos + 18) & 0x80) != 0;
      }
      pos += (int) size;
    }
    return null;
  }
}
