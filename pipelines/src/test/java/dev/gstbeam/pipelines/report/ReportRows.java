package dev.gstbeam.pipelines.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Migration rows as the job writes them to results-*.jsonl, built for the report's tests. */
final class ReportRows {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SCRIPT = "<script>alert(1)</script>";
  static final String QUOTES = "a&b\"c'";

  private ReportRows() {}

  static ObjectNode ok(String uri, Instant finished, double seconds, double psnr, String encoder) {
    ObjectNode r = base(uri, "ok", finished);
    r.put("output_uri", uri.replaceAll("\\.[a-z0-9]+$", "") + ".mp4");
    r.put("action", "transcode");
    r.put("source_duration_seconds", seconds);
    r.put("output_duration_seconds", seconds);
    r.put("frames_in", Math.round(seconds * 25));
    r.put("frames_out", Math.round(seconds * 25));
    r.put("psnr_mean", psnr);
    r.put("psnr_min", psnr - 4);
    r.put("video_encoder", encoder);
    r.putArray("codecs_in").add("mpeg2video").add("mp2");
    r.putArray("codecs_out").add("h264").add("aac");
    r.put("bytes_in", 1_000_000L);
    r.put("bytes_out", 800_000L);
    r.put("encode_seconds", seconds / 3);
    return r;
  }

  static ObjectNode segmented(String uri, Instant finished, double seconds, double psnr, double... encodeSeconds) {
    ObjectNode r = ok(uri, finished, seconds, psnr, "x264enc");
    r.put("segments", encodeSeconds.length);
    ArrayNode segs = r.putArray("segment_details");
    for (int i = 0; i < encodeSeconds.length; i++) {
      ObjectNode s = segs.addObject();
      s.put("index", i);
      s.put("start_seconds", i * 10.08);
      s.put("frames", 252);
      s.put("keyframe_cut", true);
      s.put("attempts", 1);
      s.put("encode_seconds", encodeSeconds[i]);
      s.put("psnr_first", psnr + 1);
      if (i > 0) {
        s.put("psnr_before", psnr - 1);
      } else {
        s.putNull("psnr_before");
      }
    }
    r.put("message", "stitched from " + encodeSeconds.length + " segments");
    return r;
  }

  static ObjectNode failed(String uri, Instant finished, String stage, String reason, String message, int attempts) {
    ObjectNode r = base(uri, "failed", finished);
    r.put("stage", stage);
    r.put("reason", reason);
    r.put("message", message);
    r.put("attempts", attempts);
    r.putNull("output_uri");
    r.putNull("psnr_mean");
    r.putArray("codecs_in");
    r.putArray("codecs_out");
    return r;
  }

  private static ObjectNode base(String uri, String status, Instant finished) {
    ObjectNode r = JSON.createObjectNode();
    r.put("uri", uri);
    r.put("status", status);
    r.putNull("reason");
    r.putNull("stage");
    r.putNull("message");
    r.put("attempts", 1);
    r.put("profile", "mp4-h264-aac");
    r.putNull("action");
    r.put("segments", 1);
    r.putArray("segment_details");
    r.putNull("video_encoder");
    r.putNull("encoder_fallback_reason");
    r.put("wall_seconds", 1.5);
    r.put("finished_at", finished.toString());
    return r;
  }

  /** A small job: ok, failed and segmented rows, names and messages with markup in them. */
  static List<JsonNode> mixed() {
    Instant t0 = Instant.parse("2026-11-25T20:30:00.123456789Z");
    List<JsonNode> rows = new ArrayList<>();
    rows.add(ok("file:///archive/tapes/" + SCRIPT + ".mov", t0.plusSeconds(5), 120.5, 41.2, "x264enc"));
    rows.add(ok("file:///archive/tapes/" + QUOTES + ".mov", t0.plusSeconds(40), 60, 38.7, "x264enc"));
    ObjectNode hw = ok("file:///archive/dv/clip01.dv", t0.plusSeconds(75), 30, 44.9, "x264enc");
    hw.put("encoder_fallback_reason", "nvh264enc: no CUDA device " + SCRIPT);
    hw.putArray("codecs_in").add("dvvideo").add("pcm_s16le");
    rows.add(hw);
    ObjectNode remux = ok("file:///archive/mp4/already.mp4", t0.plusSeconds(90), 15, 99.0, null);
    remux.put("action", "remux");
    remux.putArray("codecs_in").add("h264").add("aac");
    rows.add(remux);
    rows.add(segmented("file:///archive/long/feature.ts", t0.plusSeconds(180), 900, 36.2,
        4.2, 4.5, 4.9, 4.1, 2.2, 4.4, 5.1, 4.2, 3.8));
    rows.add(segmented("file:///archive/long/second.ts", t0.plusSeconds(300), 300, 37.5, 6.0, 6.5, 7.25));
    rows.add(failed("file:///archive/bad/" + SCRIPT + ".wav", t0.plusSeconds(10), "probe", "CORRUPT",
        "The stream is of a different type than handled by this element. " + SCRIPT, 1));
    rows.add(failed("file:///archive/bad/" + QUOTES + ".mxf", t0.plusSeconds(120), "transcode", "UNSUPPORTED_CODEC",
        "no decoder for <codec id=\"0x1234\"> & friends", 3));
    rows.add(failed("file:///archive/bad/notes.txt", t0.plusSeconds(200), "probe", "NOT_MEDIA",
        "not a media file", 1));
    return rows;
  }

  /** summary.json for rows (as the job writes it). */
  static JsonNode summaryOf(List<JsonNode> rows, double wallSeconds) {
    ObjectNode s = JSON.createObjectNode();
    long ok = rows.stream().filter(r -> "ok".equals(r.path("status").asText())).count();
    s.put("inputs", rows.size());
    s.put("succeeded", ok);
    s.put("failed", rows.size() - ok);
    ObjectNode reasons = s.putObject("failures_by_reason");
    rows.stream().filter(r -> !"ok".equals(r.path("status").asText()))
        .forEach(r -> reasons.put(r.path("reason").asText(), reasons.path(r.path("reason").asText()).asLong() + 1));
    s.put("media_seconds", rows.stream().mapToDouble(r -> r.path("source_duration_seconds").asDouble()).sum());
    s.put("wall_seconds", wallSeconds);
    return s;
  }

  /** {@code n} rows over two hours: one in ten failed, one in twenty segmented, long names and messages. */
  static List<JsonNode> synthetic(int n, long seed) {
    Random rnd = new Random(seed);
    Instant t0 = Instant.parse("2026-11-25T18:30:00Z");
    String[] reasons = {"CORRUPT", "NOT_MEDIA", "UNSUPPORTED_CODEC", "TIMEOUT", "VERIFY_MISMATCH", "INTERNAL"};
    String[] stages = {"probe", "plan", "transcode", "stitch", "verify", "write"};
    List<JsonNode> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Instant at = t0.plusMillis((long) (7_200_000L * Math.pow(rnd.nextDouble(), 0.8)));
      String uri = String.format("s3a://archive-bucket/collections/series-%03d/reel-%05d/%s tape & \"take\" <%d>.mov",
          i % 997, i, i % 7 == 0 ? "<b>bold</b>" : "plain", i);
      if (i % 10 == 3) {
        rows.add(failed(uri, at, stages[i % stages.length], reasons[rnd.nextInt(reasons.length)],
            "GStreamer error from element qtdemux" + i + ": the stream is of a different type than handled; "
                + "internal data stream error <" + i + "> & more detail that goes on for a while to make it long",
            1 + rnd.nextInt(3)));
      } else if (i % 20 == 5) {
        double[] segs = new double[4 + rnd.nextInt(8)];
        for (int k = 0; k < segs.length; k++) {
          segs[k] = 2 + rnd.nextGaussian() * 0.8 + 3 * rnd.nextDouble();
        }
        rows.add(segmented(uri, at, 300 + rnd.nextInt(1200), 34 + rnd.nextGaussian() * 3, segs));
      } else {
        ObjectNode r = ok(uri, at, 5 + rnd.nextInt(600), 30 + rnd.nextGaussian() * 4 + rnd.nextDouble() * 8,
            i % 50 == 0 ? "vp9enc" : "x264enc");
        if (i % 33 == 0) {
          r.put("encoder_fallback_reason", "nvh264enc unavailable: no CUDA device");
        }
        if (i % 9 == 0) {
          r.putArray("codecs_in").add("prores").add("pcm_s24le").add("pcm_s24le");
        }
        rows.add(r);
      }
    }
    return rows;
  }
}
