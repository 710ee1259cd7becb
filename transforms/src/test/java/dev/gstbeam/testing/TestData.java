package dev.gstbeam.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.junit.Assume;

/** Where the test media lives, and small damaged fixtures made from it. */
public final class TestData {
  private TestData() {}

  /** The repository root: the nearest parent of the working directory that has testdata/corpus. */
  public static Path repoRoot() {
    Path p = Paths.get("").toAbsolutePath();
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isDirectory(q.resolve("testdata").resolve("corpus"))) {
        return q;
      }
    }
    throw new IllegalStateException("no testdata/corpus above " + p);
  }

  /** testdata/corpus: real media from public test suites, with MANIFEST.tsv files. */
  public static Path corpus() {
    return repoRoot().resolve("testdata").resolve("corpus");
  }

  /** Every corpus file whose name ends with one of these extensions (any case), sorted. */
  public static java.util.List<Path> corpusFiles(String... extensions) throws IOException {
    java.util.Set<String> wanted = new java.util.HashSet<>(java.util.List.of(extensions));
    try (var walk = Files.walk(corpus())) {
      return walk.filter(Files::isRegularFile).filter(p -> {
        String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.contains(".") && wanted.contains(name.substring(name.lastIndexOf('.') + 1));
      }).sorted().collect(java.util.stream.Collectors.toList());
    }
  }

  public static Path corpusFile(String relative) {
    Path p = corpus().resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("missing test file " + p);
    }
    return p;
  }

  /** Skips the calling test when a command-line tool (ffprobe, ffmpeg) is not installed. */
  public static void assumeTool(String tool) {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Paths.get(dir, tool))) {
        found = true;
        break;
      }
    }
    Assume.assumeTrue(tool + " is not installed", found);
  }

  /** Damaged inputs, each made from real media or from nothing, deterministically. */
  public static final class Damaged {
    private Damaged() {}

    public static Path zeroBytes(Path dir) throws IOException {
      return Files.write(dir.resolve("zero-bytes.mp4"), new byte[0]);
    }

    public static Path randomBytes(Path dir) throws IOException {
      byte[] b = new byte[64 * 1024];
      new Random(20261124L).nextBytes(b);
      return Files.write(dir.resolve("random-bytes.mkv"), b);
    }

    public static Path textRenamed(Path dir) throws IOException {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        s.append("line ").append(i).append(": this is a text file renamed to look like video\n");
      }
      return Files.writeString(dir.resolve("notes.mp4"), s.toString());
    }

    /** An MP4 whose moov box (at the end) was cut off: GStreamer's own test file of that damage. */
    public static Path truncated() {
      return corpusFile("other/broken_mp4_truncated_no_moov.mp4");
    }

    /** A WAV whose RIFF/fmt header bytes were edited (from scipy's test data). */
    public static Path headerDamaged() {
      return corpusFile("other/broken_wav_riff_header_edited.wav");
    }

    /** The first half of a real MP4 whose index is at the end (ffmpeg's default layout). */
    public static Path truncatedHalf(Path dir, Path source) throws IOException {
      byte[] all = Files.readAllBytes(source);
      byte[] half = java.util.Arrays.copyOf(all, all.length / 2);
      return Files.write(dir.resolve("truncated-half-" + source.getFileName()), half);
    }
  }
}
