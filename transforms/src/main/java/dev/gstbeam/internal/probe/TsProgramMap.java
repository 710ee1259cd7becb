package dev.gstbeam.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audio streams an MPEG transport stream's program map table (ISO/IEC 13818-1 2.4.4) announces and
 * that carry data, read from the file in pure Java.
 *
 * <p>Why: GStreamer 1.22's tsdemux exposes no pad for some streams other demuxers read, e.g. DTS as
 * stream type 0x82 without a registration descriptor (ffmpeg reads it as DTS). The probe then lists no
 * such stream and a migration would drop it without a word. Comparing this list with the probe's
 * audio streams lets that input fail, with the stream named, instead of losing its audio.
 */
public final class TsProgramMap {
  private TsProgramMap() {}

  /** How much of the file is read: the tables come first, and a stream's data within seconds. */
  static final int SCAN_BYTES = 4 * 1024 * 1024;

  /**
   * One elementary stream of the first program.
   *
   * @param pid its packet identifier
   * @param streamType the PMT's stream_type
   * @param audio whether the type (or, for private data 0x06, a descriptor) says audio
   * @param packets how many transport packets carried it in the part read
   */
  public record Entry(int pid, int streamType, boolean audio, long packets) {}

  /** The first program's streams, in PMT order; empty when no PAT and PMT were found in the part read. */
  public static List<Entry> read(Path file) throws IOException {
    byte[] data;
    try (InputStream in = Files.newInputStream(file)) {
      data = in.readNBytes(SCAN_BYTES);
    }
    return parse(data);
  }

  static List<Entry> parse(byte[] data) {
    int stride = packetSize(data);
    if (stride == 0) {
      return List.of();
    }
    int offset = stride == 192 ? 4 : 0; // M2TS: a 4-byte timestamp before each packet
    int pmtPid = -1;
    Map<Integer, int[]> streams = new LinkedHashMap<>(); // pid -> {type, audio}
    Map<Integer, Long> counts = new HashMap<>();
    Map<Integer, byte[]> firstPayload = new HashMap<>(); // the first PES's first bytes, per PID
    boolean[] hdmv = {stride == 192};
    for (int i = offset; i + 188 <= data.length; i += stride) {
      if ((data[i] & 0xff) != 0x47) {
        break; // lost sync: stop here rather than guess
      }
      int pid = ((data[i + 1] & 0x1f) << 8) | (data[i + 2] & 0xff);
      boolean start = (data[i + 1] & 0x40) != 0;
      int control = (data[i + 3] >> 4) & 3;
      int payload = i + 4;
      if ((control & 2) != 0) {
        payload += 1 + (data[i + 4] & 0xff);
      }
      if ((control & 1) == 0 || payload >= i + 188) {
        continue;
      }
      counts.merge(pid, 1L, Long::sum);
      if (!start) {
        continue; // tables are read from a section's first packet only (they fit in one here)
      }
      if (pid == 0 && pmtPid < 0) {
        pmtPid = patFirstProgram(data, payload, i + 188);
      } else if (pid == pmtPid && streams.isEmpty()) {
        pmt(data, payload, i + 188, streams, hdmv);
      } else if (pid != pmtPid && !firstPayload.containsKey(pid)) {
        firstPayload.put(pid, pesPayload(data, payload, i + 188));
      }
    }
    List<Entry> out = new ArrayList<>();
    streams.forEach((pid, v) -> {
      boolean audio = v[1] == AUDIO || v[1] == AUDIO_IF_HDMV_OR_SYNC && (hdmv[0] || audioSync(firstPayload.get(pid)));
      out.add(new Entry(pid, v[0], audio, counts.getOrDefault(pid, 0L)));
    });
    return out;
  }

  private static int packetSize(byte[] d) {
    for (int stride : new int[] {188, 192}) {
      int off = stride == 192 ? 4 : 0;
      if (d.length >= off + 3 * stride
          && d[off] == 0x47 && d[off + stride] == 0x47 && d[off + 2 * stride] == 0x47) {
        return stride;
      }
    }
    return 0;
  }

  /** The PMT PID of the PAT's first program (program number not 0), or -1. */
  private static int patFirstProgram(byte[] d, int at, int end) {
    int s = at + 1 + (d[at] & 0xff); // pointer field
    if (s + 8 > end || (d[s] & 0xff) != 0x00) {
      return -1;
    }
    int length = ((d[s + 1] & 0x0f) << 8) | (d[s + 2] & 0xff);
    int stop = Math.min(end, s + 3 + length - 4); // before the CRC
    for (int p = s + 8; p + 4 <= stop; p += 4) {
      int program = ((d[p] & 0xff) << 8) | (d[p + 1] & 0xff);
      if (program != 0) {
        return ((d[p + 2] & 0x1f) << 8) | (d[p + 3] & 0xff);
      }
    }
    return -1;
  }

  private static void pmt(byte[] d, int at, int end, Map<Integer, int[]> streams, boolean[] hdmv) {
    int s = at + 1 + (d[at] & 0xff);
    if (s + 12 > end || (d[s] & 0xff) != 0x02) {
      return;
    }
    int length = ((d[s + 1] & 0x0f) << 8) | (d[s + 2] & 0xff);
    int stop = Math.min(end, s + 3 + length - 4);
    int programInfo = ((d[s + 10] & 0x0f) << 8) | (d[s + 11] & 0xff);
    // A Blu-ray program registers itself as HDMV: its 0x80-0x86 and 0xa1/0xa2 streams are audio.
    for (int p = s + 12; p + 6 <= Math.min(stop, s + 12 + programInfo); p += 2 + (d[p + 1] & 0xff)) {
      if ((d[p] & 0xff) == 0x05 && new String(d, p + 2, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals("HDMV")) {
        hdmv[0] = true;
      }
    }
    for (int p = s + 12 + programInfo; p + 5 <= stop; ) {
      int type = d[p] & 0xff;
      int pid = ((d[p + 1] & 0x1f) << 8) | (d[p + 2] & 0xff);
      int infoLength = ((d[p + 3] & 0x0f) << 8) | (d[p + 4] & 0xff);
      streams.putIfAbsent(pid, new int[] {type, kind(type, d, p + 5, Math.min(stop, p + 5 + infoLength))});
      p += 5 + infoLength;
    }
  }

  static final int NOT_AUDIO = 0;
  static final int AUDIO = 1;
  /** Blu-ray's audio types, which broadcast streams use for other things (0x86: SCTE-35 cues). */
  static final int AUDIO_IF_HDMV_OR_SYNC = 2;

  /**
   * Audio by stream type (MPEG-1/2 audio, AAC, LATM, ATSC's AC-3 and E-AC-3), or private data (0x06)
   * with an AC-3, E-AC-3, DTS or AAC descriptor (ETSI EN 300 468) or an AC-3/DTS registration; Blu-ray's
   * types (LPCM, DTS, TrueHD, E-AC-3, DTS-HD) only in a Blu-ray program or with an audio sync word.
   */
  static int kind(int type, byte[] d, int from, int to) {
    switch (type) {
      case 0x03, 0x04, 0x0f, 0x11, 0x1c, 0x81, 0x87:
        return AUDIO;
      case 0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0xa1, 0xa2:
        return AUDIO_IF_HDMV_OR_SYNC;
      case 0x06:
        for (int p = from; p + 2 <= to; p += 2 + (d[p + 1] & 0xff)) {
          int tag = d[p] & 0xff;
          if (tag == 0x6a || tag == 0x7a || tag == 0x7b || tag == 0x7c) {
            return AUDIO;
          }
          if (tag == 0x05 && p + 6 <= to) {
            String id = new String(d, p + 2, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (id.equals("AC-3") || id.equals("EAC3") || id.startsWith("DTS")) {
              return AUDIO;
            }
          }
        }
        return NOT_AUDIO;
      default:
        return NOT_AUDIO;
    }
  }

  /** The first bytes of a PES packet's payload (after its header), or an empty array. */
  private static byte[] pesPayload(byte[] d, int at, int end) {
    if (at + 9 > end || d[at] != 0 || d[at + 1] != 0 || d[at + 2] != 1) {
      return new byte[0];
    }
    int from = at + 9 + (d[at + 8] & 0xff);
    return from >= end ? new byte[0] : java.util.Arrays.copyOfRange(d, from, Math.min(end, from + 16));
  }

  /** A DTS core (16- or 14-bit, either byte order) or AC-3/E-AC-3 frame starts the payload. */
  static boolean audioSync(byte[] b) {
    if (b == null || b.length < 4) {
      return false;
    }
    int w = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    return w == 0x7ffe8001 || w == 0xfe7f0180 || w == 0x1fffe800 || w == 0xff1f00e8
        || (b[0] & 0xff) == 0x0b && (b[1] & 0xff) == 0x77;
  }

  /** The audio streams that carry data: what a demuxer that reads them all would give. */
  public static List<Entry> audioWithData(List<Entry> entries) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.audio() && e.packets() > 0) {
        out.add(e);
      }
    }
    return out;
  }
}
