package dev.gstbeam.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ffmpeg and ffprobe (the Debian packages) as fixture generator and test oracle. */
public final class Ffmpeg {
  private Ffmpeg() {}

  /** Runs ffmpeg quietly and asserts it succeeded. */
  public static void run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("ffmpeg finished", p.waitFor(5, TimeUnit.MINUTES));
    assertEquals("ffmpeg " + cmd + ": " + text, 0, p.exitValue());
  }

  /** Decoded frames of the first video stream (ffprobe -count_frames). */
  public static long countFrames(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    String first = out.split("[,\\s]")[0];
    if (!first.matches("[0-9]+")) {
      throw new AssertionError("ffprobe cannot count the video frames of " + file + ": '" + out + "'");
    }
    return Long.parseLong(first);
  }

  /** A stream's duration in seconds from its packets (last end minus first start), per ffprobe. */
  public static double streamSeconds(Path file, String selector) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", selector, "-show_entries",
        "packet=pts_time,duration_time", "-of", "csv=p=0", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    double first = Double.MAX_VALUE;
    double end = -1;
    for (String line : out.split("\n")) {
      String[] f = line.trim().split(",");
      if (f.length < 2 || f[0].isEmpty() || f[0].equals("N/A")) {
        continue;
      }
      double pts = Double.parseDouble(f[0]);
      double d = f[1].isEmpty() || f[1].equals("N/A") ? 0 : Double.parseDouble(f[1]);
      first = Math.min(first, pts);
      end = Math.max(end, pts + d);
    }
    return end < 0 ? -1 : end - first;
  }

  /**
   * One value ffprobe prints for {@code entries} ({@code format=duration}, {@code stream=codec_name}, …)
   * of the streams {@code selector} picks ({@code s}, {@code v:0}; null: no selection), trimmed.
   */
  public static String probeEntry(Path file, String selector, String entries) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    if (selector != null) {
      cmd.addAll(List.of("-select_streams", selector));
    }
    cmd.addAll(List.of("-show_entries", entries, "-of", "csv=p=0", file.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    return out;
  }

  /** How many packets ffprobe reads of the streams {@code selector} picks ({@code -count_packets}). */
  public static long packets(Path file, String selector) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_packets", "-select_streams", selector,
        "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    return Long.parseLong(out.split("[,\\s]")[0]);
  }

  /** A subtitle cue as ffmpeg reads it: start and end in milliseconds, the text (lines joined by \n). */
  public record Cue(long startMillis, long endMillis, String text) {}

  /**
   * The cues of subtitle stream {@code index} (0: the first), converted by ffmpeg to SubRip
   * ({@code -f srt}), in order.
   */
  public static List<Cue> subtitleCues(Path file, int index) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-copyts", "-i", file.toString(), "-map", "0:s:" + index,
        "-f", "srt", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r", "");
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    List<Cue> cues = new ArrayList<>();
    Pattern time = Pattern.compile("(\\d+):(\\d+):(\\d+),(\\d+) --> (\\d+):(\\d+):(\\d+),(\\d+)");
    for (String block : out.trim().split("\n\\s*\n")) {
      String[] lines = block.split("\n", 3);
      if (lines.length < 3) {
        continue;
      }
      Matcher m = time.matcher(lines[1]);
      assertTrue("a SubRip time line: " + lines[1], m.matches());
      long start = ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3)))
          * 1000 + Long.parseLong(m.group(4));
      long end = ((Long.parseLong(m.group(5)) * 60 + Long.parseLong(m.group(6))) * 60 + Long.parseLong(m.group(7)))
          * 1000 + Long.parseLong(m.group(8));
      cues.add(new Cue(start, end, lines[2].strip()));
    }
    return cues;
  }

  /** Error lines of a full decode (empty when clean). */
  public static String decodeErrors(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    return out;
  }

  /**
   * Per-frame PSNR (dB, average over Y/U/V as ffmpeg prints {@code psnr_avg}) of {@code output}
   * against {@code source}, frames paired by index, the source deinterlaced (when interlaced) and scaled
   * to {@code w}x{@code h}. Identical frames give 100.
   */
  public static double[] framePsnr(Path source, Path output, int w, int h, Path statsFile)
      throws IOException, InterruptedException {
    String stats = statsFile.toString().replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'");
    // Frames as stored (no autorotation, which would turn a rotated pair but not the size given here).
    Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-noautorotate", "-i", output.toString(),
        "-noautorotate", "-i", source.toString(),
        "-lavfi", "[1:v]yadif=mode=send_frame:parity=auto:deint=interlaced,scale=" + w + ":" + h
            + ",setsar=1,format=yuv420p,settb=1/1000,setpts=N[ref];[0:v]format=yuv420p,settb=1/1000,setpts=N[main];[main][ref]psnr=stats_file='"
            + stats + "'",
        "-f", "null", "-").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    assertEquals("ffmpeg psnr: " + text, 0, p.exitValue());
    List<Double> values = new ArrayList<>();
    Matcher m = Pattern.compile("psnr_avg:([0-9.]+|inf)").matcher(java.nio.file.Files.readString(statsFile));
    while (m.find()) {
      values.add(m.group(1).equals("inf") ? 100 : Math.min(100, Double.parseDouble(m.group(1))));
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
