package dev.gstbeam.runners;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class JobJarTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void dropsFlinkAndSignaturesKeepsTheRest() throws Exception {
    Path fat = tmp.newFile("fat.jar").toPath();
    List<String> names = List.of("org/apache/flink/runtime/X.class", "flink-rpc-akka.jar", "META-INF/SIGN.SF",
        "META-INF/SIGN.RSA", "META-INF/services/a.B", "org/apache/beam/runners/flink/FlinkRunner.class",
        "dev/gstbeam/MediaIO.class");
    try (OutputStream os = Files.newOutputStream(fat); JarOutputStream out = new JarOutputStream(os)) {
      for (String n : names) {
        out.putNextEntry(new JarEntry(n));
        out.write(("content of " + n).getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    Path slim = tmp.getRoot().toPath().resolve("slim.jar");
    JobJar.slim(fat, slim);
    List<String> kept = new ArrayList<>();
    try (JarFile j = new JarFile(slim.toFile())) {
      j.stream().forEach(e -> kept.add(e.getName()));
      assertEquals("content of dev/gstbeam/MediaIO.class",
          new String(j.getInputStream(j.getEntry("dev/gstbeam/MediaIO.class")).readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of("META-INF/services/a.B", "org/apache/beam/runners/flink/FlinkRunner.class", "dev/gstbeam/MediaIO.class"), kept);
    assertTrue(JobJar.keep("org/apache/beam/runners/flink/FlinkRunner.class"));
    assertFalse(JobJar.keep("org/apache/flink/api/common/JobID.class"));
  }
}
