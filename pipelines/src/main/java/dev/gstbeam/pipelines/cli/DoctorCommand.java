package dev.gstbeam.pipelines.cli;

import dev.gstbeam.internal.gst.ElementRegistry;
import dev.gstbeam.internal.gst.GstRuntime;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gstbeam doctor}: what this machine can do, and what to install when it cannot. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "Check GStreamer, its plugins and encoders, GPU elements, Java and the Flink master.",
    footer = {"", "Examples:", "  gstbeam doctor", "  gstbeam doctor --flink-master 127.0.0.1:8081"})
final class DoctorCommand implements Callable<Integer> {
  static final String APT_HINT =
      "apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
          + " gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav";

  /** Elements without which probing does not work at all. */
  static final List<String> ESSENTIAL =
      List.of("filesrc", "typefind", "parsebin", "decodebin", "fakesink", "queue", "qtdemux", "matroskademux", "tsdemux", "avidemux", "oggdemux", "wavparse");

  static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("demuxers", List.of("qtdemux", "matroskademux", "tsdemux", "avidemux", "oggdemux", "wavparse", "flvdemux", "asfdemux", "mpegpsdemux", "flacparse"));
    GROUPS.put("parsers", List.of("h264parse", "h265parse", "vp9parse", "av1parse", "mpegvideoparse", "mpeg4videoparse", "aacparse", "mpegaudioparse", "ac3parse", "opusparse"));
    GROUPS.put("decoders", List.of("avdec_h264", "avdec_h265", "avdec_mpeg2video", "avdec_prores", "vp8dec", "vp9dec", "dav1ddec", "avdec_aac", "opusdec", "vorbisdec", "flacdec", "a52dec"));
    GROUPS.put("encoders", List.of("x264enc", "x265enc", "vp9enc", "av1enc", "svtav1enc", "openh264enc", "avenc_aac", "voaacenc", "fdkaacenc", "opusenc", "lamemp3enc"));
    GROUPS.put("muxers", List.of("mp4mux", "qtmux", "matroskamux", "webmmux", "mpegtsmux", "splitmuxsink"));
    GROUPS.put("gpu (nvcodec, VA)", List.of("nvh264dec", "nvh265dec", "nvav1dec", "nvh264enc", "nvh265enc", "nvav1enc", "vah264dec", "vah265dec", "vah264enc", "vah265enc"));
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--flink-master", paramLabel = "HOST:PORT", description = "Also check this Flink cluster's REST API.")
  String flinkMaster;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("java:       %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vendor"));
    String version;
    try {
      version = GstRuntime.version();
    } catch (IllegalStateException e) {
      out.println("gstreamer:  NOT AVAILABLE");
      out.println("  fix: " + APT_HINT);
      return ExitCodes.JOB_FAILED;
    }
    out.printf("gstreamer:  %s%n", version);
    ElementRegistry registry = ElementRegistry.get();
    boolean essentialsOk = true;
    for (String e : ESSENTIAL) {
      if (!registry.hasElement(e)) {
        essentialsOk = false;
        out.printf("  missing essential element: %s%n", e);
      }
    }
    for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
      StringBuilder have = new StringBuilder();
      StringBuilder lack = new StringBuilder();
      for (String e : g.getValue()) {
        (registry.hasElement(e) ? have : lack).append(e).append(' ');
      }
      out.printf("%-11s found: %s%n", g.getKey() + ":", have.toString().trim());
      if (lack.length() > 0) {
        out.printf("%-11s absent: %s%n", "", lack.toString().trim());
      }
    }
    out.println("runners:    embedded Flink 1.19 (in this JVM), direct");
    boolean masterOk = true;
    if (flinkMaster != null) {
      masterOk = checkFlink(out, flinkMaster);
    }
    if (!essentialsOk) {
      out.println("fix: " + APT_HINT);
      return ExitCodes.JOB_FAILED;
    }
    return masterOk ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  private static boolean checkFlink(PrintWriter out, String master) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://" + master + "/overview")).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      out.printf("flink:      %s answers (%d): %s%n", master, r.statusCode(), r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
      return r.statusCode() == 200;
    } catch (Exception e) {
      out.printf("flink:      %s unreachable: %s%n", master, Main.rootCause(e));
      out.println("  fix: start one with 'gstbeam cluster start' or check the address");
      return false;
    }
  }
}
