package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;
import static org.junit.Assume.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.Map;
import org.junit.Test;

public class NativeHeapTest {
  @Test
  public void theUsersOwnThresholdSettingsAreLeftAlone() {
    assertFalse(NativeHeap.tunedByUser(Map.of()));
    assertFalse(NativeHeap.tunedByUser(Map.of("MALLOC_ARENA_MAX", "2")));
    assertFalse(NativeHeap.tunedByUser(Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")));
    assertTrue(NativeHeap.tunedByUser(Map.of("MALLOC_MMAP_THRESHOLD_", "1048576")));
    assertTrue(NativeHeap.tunedByUser(Map.of("MALLOC_TRIM_THRESHOLD_", "0")));
    assertTrue(NativeHeap.tunedByUser(Map.of("MALLOC_TOP_PAD_", "0")));
    assertTrue(NativeHeap.tunedByUser(Map.of("MALLOC_MMAP_MAX_", "0")));
    assertTrue(NativeHeap.tunedByUser(
        Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=262144")));
    assertTrue(NativeHeap.tunedByUser(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")));
  }

  /**
   * What the threshold is for: after a large mapped block is freed (glibc raises its threshold to that
   * block's size), a 16 MiB block is still a mapping of its own, where without the fix it comes from an
   * arena. Checked in a fresh JVM each way, since in this one earlier tests leave free arena space that
   * can serve a large block whatever the threshold. Read from the chunk header: glibc's IS_MMAPPED bit,
   * 0x2 in the size word just before the pointer.
   */
  @Test
  public void largeBlocksStayMappedAfterALargerOneIsFreed() throws Exception {
    assumeTrue(Platform.isLinux() && Platform.is64Bit());
    assumeFalse("the environment tunes malloc itself", NativeHeap.tunedByUser(System.getenv()));
    String unfixed = inFreshJvm("nofix");
    assumeFalse("not glibc's malloc", unfixed.equals("not-glibc"));
    assertEquals("without the fix, glibc's threshold rises and the block comes from an arena", "arena", unfixed);
    assertEquals("with the threshold held, the block is a mapping of its own", "mapped", inFreshJvm("fix"));
  }

  private static String inFreshJvm(String mode) throws Exception {
    java.util.List<String> cmd = java.util.List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.equals("GLIBC_TUNABLES"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
    String[] lines = out.split("\n");
    return lines[lines.length - 1].trim();
  }

  /** The check itself, in its own JVM: prints mapped, arena or not-glibc. */
  public static final class Child {
    public static void main(String[] args) {
      if (args[0].equals("fix")) {
        NativeHeap.fixMmapThreshold();
      }
      long huge = Native.malloc(40L << 20); // above glibc's largest threshold: always a mapping
      if (huge == 0 || !mapped(huge)) {
        System.out.println("not-glibc");
        return;
      }
      Native.free(huge);
      // Freeing a mapped block of up to 32 MiB is what raises glibc's threshold (when not fixed).
      Native.free(Native.malloc(30L << 20));
      long block = Native.malloc(16L << 20);
      System.out.println(mapped(block) ? "mapped" : "arena");
      Native.free(block);
    }
  }

  private static boolean mapped(long address) {
    return (new Pointer(address).getLong(-8) & 0x2) != 0;
  }

  @Test
  public void trimCanBeCalledFreely() {
    for (int i = 0; i < 100; i++) {
      NativeHeap.trim();
    }
  }
}
