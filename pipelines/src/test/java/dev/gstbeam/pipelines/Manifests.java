package dev.gstbeam.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.Ffmpeg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What jobs leave under their output root, read back for tests; and the clips several tests encode. */
final class Manifests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifests() {}

  /** The rows of every {@code PREFIX*.jsonl} file in {@code dir}. */
  static List<JsonNode> rows(Path dir, String prefix) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.getFileName().toString().startsWith(prefix)
          && p.getFileName().toString().endsWith(".jsonl")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            rows.add(JSON.readTree(line));
          }
        }
      }
    }
    return rows;
  }

  /** A migration's result rows ({@code _manifest/results-*.jsonl}). */
  static List<JsonNode> results(Path out) throws IOException {
    return rows(out.resolve("_manifest"), "results-");
  }

  /** Temporary files (the commit protocol's) anywhere under {@code out}. */
  static List<Path> temporaries(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".gstbeam-tmp-")).toList();
    }
  }

  /** 75 s of H.264 in MP4 with B-frames (3, pyramid), GOP 50, temporal noise (every frame differs), and AAC. */
  static void h264BFrames75(Path target) throws IOException, InterruptedException {
    Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
        "-t", "75", "-vf", "noise=alls=12:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "50",
        "-crf", "18", "-c:a", "aac", "-b:a", "128k", target.toString());
  }
}
