package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

public class PsnrTest {
  @Test
  public void squaredErrorsEqualsTheSumOverEverySample() {
    Random r = new Random(7);
    int n = 3 * 32_768 + 1234; // more than one int chunk, and a partial one
    byte[] a = new byte[n];
    byte[] b = new byte[n];
    r.nextBytes(a);
    r.nextBytes(b);
    a[0] = 0;
    b[0] = (byte) 255; // the largest difference
    long expected = 0;
    for (int i = 0; i < n; i++) {
      long d = Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]);
      expected += d * d;
    }
    assertEquals(expected, Psnr.squaredErrors(a, b, n));
    assertEquals(0, Psnr.squaredErrors(a, a, n));
  }

  /**
   * The launcher has the C2 compiler take this method at once and leaves the rest of a migrate job
   * to C1: a renamed or moved method would silently lose that, so the name it gives must exist.
   */
  @Test
  public void theLauncherNamesAMethodThatExists() throws Exception {
    String script = Files.readString(Path.of("..", "gstbeam"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("CompileThresholdScaling,([\\w.$]+)::(\\w+),").matcher(script);
    assertTrue("no CompileThresholdScaling command in the launcher", m.find());
    Class<?> c = Class.forName(m.group(1));
    boolean found = false;
    for (Method method : c.getDeclaredMethods()) {
      found |= method.getName().equals(m.group(2));
    }
    assertTrue(m.group(1) + "::" + m.group(2), found);
    assertEquals(Psnr.class, c);
  }
}
