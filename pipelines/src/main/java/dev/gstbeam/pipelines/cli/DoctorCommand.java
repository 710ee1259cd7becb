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
    description = "Check Java, GStreamer, its plugins, the encoders each profile needs, GPU elements and devices,"
        + " and, when given, an S3 endpoint and a Flink master.",
    footer = {"", "Examples:", "  gstbeam doctor", "  gstbeam doctor --flink-master 127.0.0.1:8081",
      "  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... gstbeam doctor --s3-endpoint http://127.0.0.1:9000 --s3-bucket archive",
      "", "Exit codes: 0 ready; 1 something essential is missing or unreachable (each with a fix)."})
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

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "Also check that this S3 endpoint answers.")
  String s3Endpoint;

  @Option(names = "--s3-bucket", paramLabel = "BUCKET",
      description = "Also list this bucket with the credentials at hand (AWS environment variables or Hadoop's chain).")
  String s3Bucket;

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
      out.printf("%-11s found: %s%n", g.getKey() + ":", have.length() == 0 ? "(none)" : have.toString().trim());
      if (lack.length() > 0) {
        out.printf("%-11s absent: %s%n", "", lack.toString().trim());
      }
    }
    boolean defaultProfileOk = checkProfiles(out, registry);
    checkDevices(out);
    out.println("runners:    embedded Flink 1.19 (in this JVM), direct");
    boolean masterOk = true;
    if (flinkMaster != null) {
      masterOk = checkFlink(out, flinkMaster);
    }
    boolean s3Ok = true;
    if (s3Endpoint != null || s3Bucket != null) {
      s3Ok = checkS3(out, s3Endpoint, s3Bucket);
    }
    if (!essentialsOk || !defaultProfileOk) {
      out.println("fix: " + APT_HINT);
      return ExitCodes.JOB_FAILED;
    }
    return masterOk && s3Ok ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** Each built-in profile: the encoders and muxer it would use here, or what it lacks. */
  static boolean checkProfiles(PrintWriter out, ElementRegistry registry) {
    boolean defaultOk = true;
    out.println("profiles:");
    for (String name : dev.gstbeam.internal.transcode.Profiles.builtInNames()) {
      dev.gstbeam.internal.transcode.Profile p = dev.gstbeam.internal.transcode.Profiles.resolve(name);
      List<String> uses = new java.util.ArrayList<>();
      String problem = null;
      try {
        uses.add(dev.gstbeam.internal.transcode.EncoderSettings.videoEncoder(p, 0, registry::hasElement).factory());
        uses.add(dev.gstbeam.internal.transcode.EncoderSettings.audioEncoder(p, registry::hasElement).factory());
        String mux = dev.gstbeam.internal.transcode.EncoderSettings.muxer(p).factory();
        if (!registry.hasElement(mux)) {
          throw new IllegalStateException("missing muxer " + mux);
        }
        uses.add(mux);
      } catch (RuntimeException e) {
        problem = e.getMessage();
      }
      out.printf("  %-16s %s%n", name, problem == null ? "ready: " + String.join(", ", uses) : "NOT READY: " + problem);
      if (problem != null && name.equals("mp4-h264-aac")) {
        defaultOk = false;
      }
    }
    return defaultOk;
  }

  /** NVIDIA GPUs (nvidia-smi) and VA render nodes: what hardware encoders would need. */
  static void checkDevices(PrintWriter out) {
    String gpus;
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name", "--format=csv,noheader")
          .redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      gpus = p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 && !text.isEmpty()
          ? text.replace('\n', ';') : "none (nvidia-smi: " + RunnerMixin.firstLine(text) + ")";
    } catch (java.io.IOException e) {
      gpus = "none (no nvidia-smi)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      gpus = "unknown";
    }
    out.printf("gpus:       %s%n", gpus);
    java.io.File[] nodes = new java.io.File("/dev/dri").listFiles((d, n) -> n.startsWith("renderD"));
    out.printf("va nodes:   %s%n", nodes == null || nodes.length == 0 ? "none"
        : java.util.Arrays.stream(nodes).map(java.io.File::getPath).sorted().collect(java.util.stream.Collectors.joining(", ")));
  }

  /** The endpoint answers HTTP; with a bucket, a listing with the credentials at hand works. */
  static boolean checkS3(PrintWriter out, String endpoint, String bucket) {
    boolean ok = true;
    if (endpoint != null) {
      try {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(5))
            .GET().build(), HttpResponse.BodyHandlers.discarding());
        out.printf("s3:         %s answers (HTTP %d)%n", endpoint, r.statusCode());
      } catch (Exception e) {
        out.printf("s3:         %s unreachable: %s%n", endpoint, Main.rootCause(e));
        out.println("  fix: check the URL (http://HOST:PORT) and that the server runs");
        return false;
      }
    }
    if (bucket != null) {
      try {
        org.apache.hadoop.conf.Configuration conf = dev.gstbeam.pipelines.io.S3Storage.configuration(bucket, endpoint,
            null, Map.of());
        dev.gstbeam.pipelines.io.S3Storage.check(conf, List.of("s3a://" + bucket + "/"));
        out.printf("s3 bucket:  s3a://%s/ readable with the credentials at hand%n", bucket);
      } catch (IllegalArgumentException | java.io.IOException e) {
        out.printf("s3 bucket:  %s%n", dev.gstbeam.pipelines.io.Secrets.scrub(e.getMessage()));
        ok = false;
      }
    }
    return ok;
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
