package dev.gstbeam.pipelines.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of real media for {@link ProbeFuzz}: the damage kinds of DamagedInputsIT (truncation,
 * bit flips, zeroed blocks, one file's head on another's tail) plus byte runs of 0xFF or noise, chunk
 * duplication, and edits of the length fields containers are built from (MP4 box sizes and entry counts,
 * EBML element sizes, RIFF chunk sizes, Ogg page fields, FLAC metadata block lengths), alone or stacked.
 * Everything comes from the {@link Random} given, so one (seed, iteration) gives one mutant.
 */
public final class Mutator {
  /** A mutant and what was done to it, in one line. */
  public record Mutant(byte[] data, String description) {}

  private static final String[] MP4_BOXES = {
    "ftyp", "moov", "mvhd", "trak", "tkhd", "edts", "elst", "mdia", "mdhd", "hdlr", "minf", "vmhd", "smhd",
    "dinf", "dref", "stbl", "stsd", "stts", "ctts", "stss", "stsc", "stsz", "stco", "co64", "mdat", "udta",
    "meta", "ilst", "moof", "mfhd", "traf", "tfhd", "tfdt", "trun", "sidx", "mvex", "trex", "avc1", "avcC",
    "hvc1", "hev1", "hvcC", "mp4a", "esds", "av01", "av1C", "Opus", "dOps", "alac", "ac-3", "dac3", "samr",
    "sawb", "s263", "d263", "mp4v", "colr", "pasp", "btrt", "sgpd", "sbgp", "free", "skip", "uuid"
  };
  /** Boxes whose payload starts with version/flags then a 32-bit entry count. */
  private static final List<String> MP4_TABLES = List.of("stts", "ctts", "stss", "stsc", "stco", "co64", "elst",
      "stsd", "dref", "trun", "sbgp");
  /** EBML IDs of the master elements and a few sized leaves of Matroska/WebM (IDs include their marker bits). */
  private static final long[] EBML_IDS = {
    0x1A45DFA3L, 0x18538067L, 0x114D9B74L, 0x1549A966L, 0x1654AE6BL, 0x1F43B675L, 0x1C53BB6BL, 0x1043A770L,
    0x1254C367L, 0x4DBB, 0xAE, 0xE0, 0xE1, 0x63A2, 0x86, 0xA3, 0xA0, 0xA1, 0xBB, 0x45B9, 0xB6, 0x4282,
    0x2AD7B1, 0x4489, 0xE7, 0x9B, 0xB0, 0xBA, 0xB5, 0x9F, 0x6D80, 0x5031, 0x5034, 0x7373, 0x67C8
  };
  /**
   * Chunk IDs and form types. After a form type (WAVE, INFO, hdrl, movi, ...) comes a chunk ID, not a size:
   * the "size" edit there overwrites the next chunk's ID, a damage of its own that is kept.
   */
  private static final String[] RIFF_CHUNKS = {
    "RIFF", "RF64", "WAVE", "fmt ", "data", "fact", "LIST", "INFO", "avih", "strh", "strf", "strl", "hdrl",
    "movi", "idx1", "ds64", "JUNK", "indx", "odml", "dmlh"
  };

  private final List<byte[]> seeds;
  private final List<String> names;

  /** {@code names}: what a splice description calls the other seed (its file name). */
  public Mutator(List<byte[]> seeds, List<String> names) {
    this.seeds = seeds;
    this.names = names;
  }

  /** One mutant of seed {@code s}: one mutation (two in three) or 2 to 4 stacked. */
  public Mutant mutate(int s, Random r) {
    byte[] d = seeds.get(s).clone();
    int n = r.nextInt(3) < 2 ? 1 : 2 + r.nextInt(3);
    List<String> what = new ArrayList<>();
    for (int i = 0; i < n && d.length > 0; i++) {
      Mutant m = once(d, s, r);
      d = m.data();
      what.add(m.description());
    }
    return new Mutant(d, (n > 1 ? "stacked " : "") + String.join(" + ", what));
  }

  private Mutant once(byte[] d, int s, Random r) {
    switch (r.nextInt(9)) {
      case 0:
        return flips(d, r);
      case 1:
        return run(d, r);
      case 2:
        return truncate(d, r);
      case 3:
        return duplicate(d, r);
      case 4:
        return splice(d, s, r);
      case 5:
      case 6:
      case 7: {
        // Structure-aware edits: whichever of the container's length fields the file has.
        Mutant m = structural(d, r);
        return m != null ? m : flips(d, r);
      }
      default:
        return zero(d, r);
    }
  }

  /** Somewhere in the file; half the time in its first 4 KiB, where the headers are. */
  private static int offset(byte[] d, Random r) {
    int bound = r.nextBoolean() ? Math.min(d.length, 4096) : d.length;
    return r.nextInt(Math.max(1, bound));
  }

  static Mutant flips(byte[] d, Random r) {
    int flips = 1 + r.nextInt(64);
    int first = -1;
    for (int f = 0; f < flips; f++) {
      int at = offset(d, r);
      first = first < 0 ? at : Math.min(first, at);
      d[at] ^= (byte) (1 << r.nextInt(8));
    }
    return new Mutant(d, "flip " + flips + " bits (first at " + first + ")");
  }

  static Mutant run(byte[] d, Random r) {
    int len = Math.min(d.length, 1 + r.nextInt(r.nextBoolean() ? 16 : 4096));
    int at = Math.min(offset(d, r), d.length - len);
    int kind = r.nextInt(3);
    if (kind == 0) {
      Arrays.fill(d, at, at + len, (byte) 0);
    } else if (kind == 1) {
      Arrays.fill(d, at, at + len, (byte) 0xFF);
    } else {
      for (int i = at; i < at + len; i++) {
        d[i] = (byte) r.nextInt(256);
      }
    }
    return new Mutant(d, "set " + len + " bytes at " + at + " to " + (kind == 0 ? "0x00" : kind == 1 ? "0xFF" : "noise"));
  }

  static Mutant zero(byte[] d, Random r) {
    int len = Math.min(d.length, 64 + r.nextInt(4096));
    int at = r.nextInt(d.length - len + 1);
    Arrays.fill(d, at, at + len, (byte) 0);
    return new Mutant(d, "zero " + len + " bytes at " + at);
  }

  static Mutant truncate(byte[] d, Random r) {
    // Half the cuts fall in the first tenth: inside headers, before the first frame.
    int bound = r.nextBoolean() ? Math.max(2, d.length / 10) : d.length;
    int cut = 1 + r.nextInt(Math.max(1, Math.min(bound, d.length) - 1));
    return new Mutant(Arrays.copyOf(d, cut), "truncate " + d.length + " to " + cut);
  }

  static Mutant duplicate(byte[] d, Random r) {
    int len = Math.min(d.length, 1 + r.nextInt(8192));
    int from = r.nextInt(d.length - len + 1);
    int to = offset(d, r);
    byte[] out = new byte[d.length + len];
    System.arraycopy(d, 0, out, 0, to);
    System.arraycopy(d, from, out, to, len);
    System.arraycopy(d, to, out, to + len, d.length - to);
    return new Mutant(out, "duplicate " + len + " bytes from " + from + " at " + to);
  }

  private Mutant splice(byte[] d, int s, Random r) {
    int o = r.nextInt(seeds.size());
    byte[] other = seeds.get(o);
    int head = 1 + r.nextInt(Math.max(1, d.length - 1));
    int tailFrom = r.nextInt(other.length);
    byte[] out = new byte[head + other.length - tailFrom];
    System.arraycopy(d, 0, out, 0, head);
    System.arraycopy(other, tailFrom, out, head, other.length - tailFrom);
    return new Mutant(out, "splice head " + head + " + " + names.get(o).replaceAll(".*/", "") + " from " + tailFrom);
  }

  /** A length field edit for the structure found in the file, or null when none is recognised. */
  static Mutant structural(byte[] d, Random r) {
    List<Mutant> options = new ArrayList<>();
    boolean mp4 = indexOf(d, "ftyp", 0) == 4 || indexOf(d, "moov", 0) >= 4 || indexOf(d, "moof", 0) >= 4;
    boolean ebml = d.length > 4 && (d[0] & 0xFF) == 0x1A && (d[1] & 0xFF) == 0x45 && (d[2] & 0xFF) == 0xDF;
    boolean riff = startsWith(d, "RIFF") || startsWith(d, "RF64");
    boolean ogg = startsWith(d, "OggS");
    int flac = indexOf(d, "fLaC", 0);
    List<String> kinds = new ArrayList<>();
    if (mp4) {
      kinds.add("mp4");
    }
    if (ebml) {
      kinds.add("ebml");
    }
    if (riff) {
      kinds.add("riff");
    }
    if (ogg) {
      kinds.add("ogg");
    }
    if (flac >= 0 && flac < 16 * 1024) {
      kinds.add("flac");
    }
    if (kinds.isEmpty()) {
      return null;
    }
    switch (kinds.get(r.nextInt(kinds.size()))) {
      case "mp4": return mp4Box(d, r);
      case "ebml": return ebmlSize(d, r);
      case "riff": return riffChunk(d, r);
      case "ogg": return oggPage(d, r);
      default: return flacBlock(d, flac, r);
    }
  }

  /** An MP4 box's 32-bit size (the 4 bytes before its type), or a table box's entry count. */
  static Mutant mp4Box(byte[] d, Random r) {
    List<Integer> at = new ArrayList<>();
    for (String box : MP4_BOXES) {
      for (int i = indexOf(d, box, 4); i >= 4; i = indexOf(d, box, i + 1)) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return flips(d, r);
    }
    int type = at.get(r.nextInt(at.size()));
    String name = new String(d, type, 4, StandardCharsets.ISO_8859_1);
    long size = u32be(d, type - 4);
    if (MP4_TABLES.contains(name) && type + 12 <= d.length && r.nextInt(3) == 0) {
      long count = u32be(d, type + 8);
      long v = interesting(count, d.length, r);
      put32be(d, type + 8, v);
      return new Mutant(d, "mp4 " + name + "@" + (type - 4) + " entry count " + count + " -> " + v);
    }
    long v = interesting(size, d.length, r);
    put32be(d, type - 4, v);
    return new Mutant(d, "mp4 " + name + "@" + (type - 4) + " size " + size + " -> " + v);
  }

  /** The size vint after one of Matroska's element IDs: a new value, the unknown size, or a bad length marker. */
  static Mutant ebmlSize(byte[] d, Random r) {
    List<int[]> at = new ArrayList<>();
    for (long id : EBML_IDS) {
      byte[] pat = idBytes(id);
      // One-byte IDs are everywhere in payloads: sample a few of their occurrences only.
      int limit = pat.length == 1 ? 8 : 64;
      int found = 0;
      for (int i = indexOf(d, pat, 0); i >= 0 && found < limit; i = indexOf(d, pat, i + 1)) {
        int sizeAt = i + pat.length;
        if (sizeAt < d.length && vintLength(d[sizeAt]) > 0 && sizeAt + vintLength(d[sizeAt]) <= d.length) {
          at.add(new int[] {i, sizeAt});
          found++;
        }
      }
    }
    if (at.isEmpty()) {
      return flips(d, r);
    }
    int[] pick = at.get(r.nextInt(at.size()));
    int sizeAt = pick[1];
    int len = vintLength(d[sizeAt]);
    long size = d[sizeAt] & (0xFF >> len);
    for (int k = 1; k < len; k++) {
      size = (size << 8) | (d[sizeAt + k] & 0xFF);
    }
    String id = Long.toHexString(readId(d, pick[0], sizeAt - pick[0])).toUpperCase(java.util.Locale.ROOT);
    int how = r.nextInt(4);
    if (how == 0) {
      // all ones: "unknown size", legal only for masters
      d[sizeAt] = (byte) (0xFF >> (len - 1));
      for (int k = 1; k < len; k++) {
        d[sizeAt + k] = (byte) 0xFF;
      }
      return new Mutant(d, "ebml " + id + "@" + pick[0] + " size " + size + " -> unknown");
    }
    if (how == 1) {
      byte old = d[sizeAt];
      d[sizeAt] = (byte) (r.nextBoolean() ? 0 : old & (0x7F >> r.nextInt(4)));
      return new Mutant(d, "ebml " + id + "@" + pick[0] + " size marker " + hex(old) + " -> " + hex(d[sizeAt]));
    }
    long max = (1L << (7 * len)) - 2;
    long v = Math.min(max, Math.max(0, interesting(size, d.length, r)));
    long enc = v | (1L << (7 * len));
    for (int k = len - 1; k >= 0; k--) {
      d[sizeAt + k] = (byte) enc;
      enc >>>= 8;
    }
    return new Mutant(d, "ebml " + id + "@" + pick[0] + " size " + size + " -> " + v);
  }

  /** A RIFF/AVI/WAV chunk's little-endian size, after its fourcc; or a field of fmt. */
  static Mutant riffChunk(byte[] d, Random r) {
    List<Integer> at = new ArrayList<>();
    for (String c : RIFF_CHUNKS) {
      for (int i = indexOf(d, c, 0); i >= 0 && i + 8 <= d.length; i = indexOf(d, c, i + 1)) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return flips(d, r);
    }
    int i = at.get(r.nextInt(at.size()));
    String name = new String(d, i, 4, StandardCharsets.ISO_8859_1);
    if (name.equals("fmt ") && i + 24 <= d.length && r.nextBoolean()) {
      // format tag (2), channels (2), rate (4), byte rate (4), block align (2), bits (2)
      int[] offs = {8, 10, 12, 16, 20, 22};
      int[] widths = {2, 2, 4, 4, 2, 2};
      int f = r.nextInt(offs.length);
      long old = widths[f] == 2 ? u16le(d, i + offs[f]) : u32le(d, i + offs[f]);
      long v = widths[f] == 2 ? new long[] {0, 1, 0xFFFF, 0x8000, old + 1, r.nextInt(65536)}[r.nextInt(6)]
          : interesting(old, d.length, r);
      if (widths[f] == 2) {
        d[i + offs[f]] = (byte) v;
        d[i + offs[f] + 1] = (byte) (v >> 8);
      } else {
        put32le(d, i + offs[f], v);
      }
      return new Mutant(d, "riff fmt@" + i + " field +" + offs[f] + " " + old + " -> " + v);
    }
    long old = u32le(d, i + 4);
    long v = interesting(old, d.length, r);
    put32le(d, i + 4, v);
    return new Mutant(d, "riff " + name.trim() + "@" + i + " size " + old + " -> " + v);
  }

  /** An Ogg page header field: flags, granule position, serial, page number, segment count or a lacing value. */
  static Mutant oggPage(byte[] d, Random r) {
    List<Integer> pages = new ArrayList<>();
    for (int i = indexOf(d, "OggS", 0); i >= 0 && i + 27 <= d.length; i = indexOf(d, "OggS", i + 1)) {
      pages.add(i);
    }
    if (pages.isEmpty()) {
      return flips(d, r);
    }
    // Mostly the first pages: the codec headers.
    int p = pages.get(r.nextBoolean() ? r.nextInt(Math.min(3, pages.size())) : r.nextInt(pages.size()));
    int field = r.nextInt(6);
    switch (field) {
      case 0: {
        byte old = d[p + 5];
        d[p + 5] = (byte) r.nextInt(8);
        return new Mutant(d, "ogg page@" + p + " flags " + hex(old) + " -> " + hex(d[p + 5]));
      }
      case 1: {
        long v = new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, r.nextLong()}[r.nextInt(5)];
        for (int k = 0; k < 8; k++) {
          d[p + 6 + k] = (byte) (v >>> (8 * k));
        }
        return new Mutant(d, "ogg page@" + p + " granule -> " + v);
      }
      case 2: {
        put32le(d, p + 14, r.nextInt());
        return new Mutant(d, "ogg page@" + p + " serial changed");
      }
      case 3: {
        long old = u32le(d, p + 18);
        long v = interesting(old, d.length, r);
        put32le(d, p + 18, v);
        return new Mutant(d, "ogg page@" + p + " sequence " + old + " -> " + v);
      }
      case 4: {
        int old = d[p + 26] & 0xFF;
        d[p + 26] = (byte) new int[] {0, 1, 255, old + 1, old - 1}[r.nextInt(5)];
        return new Mutant(d, "ogg page@" + p + " segments " + old + " -> " + (d[p + 26] & 0xFF));
      }
      default: {
        int segs = d[p + 26] & 0xFF;
        if (segs == 0 || p + 27 + segs > d.length) {
          return flips(d, r);
        }
        int k = p + 27 + r.nextInt(segs);
        int old = d[k] & 0xFF;
        d[k] = (byte) new int[] {0, 255, r.nextInt(256)}[r.nextInt(3)];
        return new Mutant(d, "ogg page@" + p + " lacing@" + k + " " + old + " -> " + (d[k] & 0xFF));
      }
    }
  }

  /** A FLAC metadata block's 24-bit length, its type, or STREAMINFO's block sizes, rate and channels. */
  static Mutant flacBlock(byte[] d, int magic, Random r) {
    List<Integer> blocks = new ArrayList<>();
    int i = magic + 4;
    while (i + 4 <= d.length && blocks.size() < 64) {
      blocks.add(i);
      boolean last = (d[i] & 0x80) != 0;
      int len = ((d[i + 1] & 0xFF) << 16) | ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
      if (last) {
        break;
      }
      i += 4 + len;
    }
    if (blocks.isEmpty()) {
      return flips(d, r);
    }
    int b = blocks.get(r.nextInt(blocks.size()));
    int how = r.nextInt(3);
    if (how == 0 || b + 4 + 18 > d.length) {
      int old = ((d[b + 1] & 0xFF) << 16) | ((d[b + 2] & 0xFF) << 8) | (d[b + 3] & 0xFF);
      long v = interesting(old, d.length, r) & 0xFFFFFF;
      d[b + 1] = (byte) (v >> 16);
      d[b + 2] = (byte) (v >> 8);
      d[b + 3] = (byte) v;
      return new Mutant(d, "flac block@" + b + " length " + old + " -> " + v);
    }
    if (how == 1) {
      byte old = d[b];
      d[b] = (byte) ((old & 0x80) | r.nextInt(128));
      return new Mutant(d, "flac block@" + b + " type " + hex(old) + " -> " + hex(d[b]));
    }
    // STREAMINFO (or whatever block this is) body: min/max block size, frame sizes, rate/channels/bits.
    int at = b + 4 + r.nextInt(18);
    byte old = d[at];
    d[at] = (byte) new int[] {0, 0xFF, r.nextInt(256)}[r.nextInt(3)];
    return new Mutant(d, "flac block@" + b + " body byte " + at + " " + hex(old) + " -> " + hex(d[at]));
  }

  /** Boundary values for a length or count field. */
  static long interesting(long old, int fileLength, Random r) {
    switch (r.nextInt(12)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return 7;
      case 3: return 8;
      case 4: return 0xFFFFFFFFL;
      case 5: return 0x7FFFFFFFL;
      case 6: return 0x80000000L;
      case 7: return old + 1;
      case 8: return Math.max(0, old - 1);
      case 9: return old * 2;
      case 10: return fileLength;
      default: return r.nextInt() & 0xFFFFFFFFL;
    }
  }

  private static int vintLength(byte b) {
    int v = b & 0xFF;
    for (int len = 1; len <= 8; len++) {
      if ((v & (0x80 >> (len - 1))) != 0) {
        return len;
      }
    }
    return 0;
  }

  private static long readId(byte[] d, int at, int len) {
    long v = 0;
    for (int k = 0; k < len; k++) {
      v = (v << 8) | (d[at + k] & 0xFF);
    }
    return v;
  }

  private static byte[] idBytes(long id) {
    int len = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
    byte[] b = new byte[len];
    for (int k = len - 1; k >= 0; k--) {
      b[k] = (byte) id;
      id >>>= 8;
    }
    return b;
  }

  private static String hex(byte b) {
    return String.format("0x%02X", b & 0xFF);
  }

  private static boolean startsWith(byte[] d, String s) {
    return indexOf(d, s, 0) == 0;
  }

  static int indexOf(byte[] d, String s, int from) {
    return indexOf(d, s.getBytes(StandardCharsets.ISO_8859_1), from);
  }

  static int indexOf(byte[] d, byte[] p, int from) {
    outer:
    for (int i = Math.max(0, from); i <= d.length - p.length; i++) {
      for (int k = 0; k < p.length; k++) {
        if (d[i + k] != p[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long u32be(byte[] d, int at) {
    return ((d[at] & 0xFFL) << 24) | ((d[at + 1] & 0xFFL) << 16) | ((d[at + 2] & 0xFFL) << 8) | (d[at + 3] & 0xFFL);
  }

  private static void put32be(byte[] d, int at, long v) {
    d[at] = (byte) (v >> 24);
    d[at + 1] = (byte) (v >> 16);
    d[at + 2] = (byte) (v >> 8);
    d[at + 3] = (byte) v;
  }

  private static long u32le(byte[] d, int at) {
    return (d[at] & 0xFFL) | ((d[at + 1] & 0xFFL) << 8) | ((d[at + 2] & 0xFFL) << 16) | ((d[at + 3] & 0xFFL) << 24);
  }

  private static int u16le(byte[] d, int at) {
    return (d[at] & 0xFF) | ((d[at + 1] & 0xFF) << 8);
  }

  private static void put32le(byte[] d, int at, long v) {
    d[at] = (byte) v;
    d[at + 1] = (byte) (v >> 8);
    d[at + 2] = (byte) (v >> 16);
    d[at + 3] = (byte) (v >> 24);
  }
}
