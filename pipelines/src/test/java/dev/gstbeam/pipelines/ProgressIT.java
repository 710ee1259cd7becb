package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.gstbeam.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Progress of {@code migrate}: under a pseudo-terminal ({@code script}) a bar whose percentage advances
 * to 100; without a terminal plain lines with no control characters; with {@code -q} none.
 */
public class ProgressIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static Path inputs() throws Exception {
    Path in = TMP.newFolder().toPath();
    for (String f : List.of("sine_24le.wav", "sample_8bit.wav", "sample_float32.wav", "bbb_2ch_44kHz.wav",
        "sample_192khz.wav", "sample_with_odd_metadata_chunk_size.wav")) {
      Files.copy(TestData.corpusFile("androidx-media/wav/" + f), in.resolve(f));
    }
    Files.copy(TestData.corpusFile("androidx-media/mkv/sample.mkv"), in.resolve("sample.mkv"));
    return in;
  }

  @Test
  public void aTerminalGetsABarThatAdvancesToOneHundredPercent() throws Exception {
    Path in = inputs();
    Path out = TMP.newFolder().toPath();
    String cmd = CliIT.command("migrate", "--input", in.toString(), "--output", out.toString(), "--parallelism", "1")
        .stream().map(ProgressIT::quote).collect(Collectors.joining(" "));
    String text = run(List.of("script", "-qec", cmd, "/dev/null"));
    List<Integer> percents = new ArrayList<>();
    Matcher m = Pattern.compile("migrate\\s+(\\d+)%").matcher(text);
    while (m.find()) {
      int p = Integer.parseInt(m.group(1));
      if (percents.isEmpty() || percents.get(percents.size() - 1) != p) {
        percents.add(p);
      }
    }
    assertThat("distinct percentages " + percents, percents.size(), greaterThanOrEqualTo(3));
    for (int i = 1; i < percents.size(); i++) {
      assertTrue("never goes back: " + percents, percents.get(i) >= percents.get(i - 1));
    }
    assertEquals(percents.toString(), 100, (int) percents.get(percents.size() - 1));
    assertThat(text, containsString("7/7 files"));
    assertThat(text, containsString("7 inputs: 7 migrated and verified"));
  }

  @Test
  public void withoutATerminalPlainLinesWithoutControlCharactersAndQuietMeansNone() throws Exception {
    Path in = inputs();
    List<String> cmd = CliIT.command("migrate", "--input", in.toString(), "--output", TMP.newFolder().toString(),
        "--parallelism", "1");
    cmd.add(1, "-Dgstbeam.progress.interval=1");
    String text = run(cmd);
    assertThat(text, containsString("progress: "));
    assertThat(text, containsString("7 inputs: 7 migrated and verified"));
    for (char c : text.toCharArray()) {
      assertFalse("control character " + (int) c + " in: " + text, c < 0x20 && c != '\n' && c != '\t');
    }
    List<String> quiet = CliIT.command("migrate", "-q", "--input", in.toString(), "--output",
        TMP.newFolder().toString(), "--parallelism", "1");
    quiet.add(1, "-Dgstbeam.progress.interval=1");
    String q = run(quiet);
    assertFalse(q, q.contains("progress: "));
    assertThat(q, containsString("7 inputs: 7 migrated and verified"));
  }

  private static String run(List<String> cmd) throws Exception {
    Path log = TMP.newFile().toPath();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue("ended", p.waitFor(10, TimeUnit.MINUTES));
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(text, 0, p.exitValue());
    return text;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
