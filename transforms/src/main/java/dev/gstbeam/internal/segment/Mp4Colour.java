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

  /** Size of a visual sample entry before its child boxes (ISO/IEC 14496-12 12.1.3). */
  private static final int VISUAL_SAMPLE_ENTRY = 86 - 8;

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
    int trak = Mp4Boxes.videoTrak(moov);
    int box = trak;
    for (String name : new String[] {"mdia", "minf", "stbl", "stsd"}) {
      if (box < 0) {
        return null;
      }
      box = Mp4Boxes.child(moov, box, moov.getInt(box), name);
    }
    if (box < 0) {
      return null;
    }
    // stsd: version and flags, entry count, then the entries; the first describes the track's video.
    int entry = box + 16;
    if (entry + 8 > box + moov.getInt(box)) {
      return null;
    }
    long entrySize = moov.getInt(entry) & 0xffffffffL;
    if (entrySize < 8 + VISUAL_SAMPLE_ENTRY || entry + entrySize > moov.limit()) {
      return null;
    }
    // Its child boxes: a file may carry several colr boxes (an ICC profile beside nclx); nclx decides.
    int pos = entry + 8 + VISUAL_SAMPLE_ENTRY;
    int end = entry + (int) entrySize;
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
