package dev.gstbeam.internal.gst;

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
   * What the threshold is for: after a large mapped block is freed (glibc would raise its threshold to
   * that block's size), a 16 MiB block is still a mapping of its own. (A smaller one may legitimately
   * come from a free chunk already in an arena, whatever the threshold.) Read from the chunk header:
   * glibc's IS_MMAPPED bit, 0x2 in the size word just before the pointer.
   */
  @Test
  public void largeBlocksStayMappedAfterALargerOneIsFreed() {
    assumeTrue(Platform.isLinux() && Platform.is64Bit());
    assumeFalse("the environment tunes malloc itself", NativeHeap.tunedByUser(System.getenv()));
    NativeHeap.fixMmapThreshold();
    long huge = Native.malloc(40L << 20); // above glibc's largest threshold: always a mapping
    assumeTrue(huge != 0);
    assumeTrue("not glibc's malloc", mapped(huge));
    Native.free(huge);
    // Freeing a mapped block of up to 32 MiB is what raises glibc's threshold (when not fixed).
    Native.free(Native.malloc(30L << 20));
    long block = Native.malloc(16L << 20);
    long small = Native.malloc(64 << 10);
    try {
      assertTrue("a 16 MiB block came from an arena: the threshold rose", mapped(block));
      assertFalse("a 64 KiB block should come from an arena", mapped(small));
    } finally {
      Native.free(block);
      Native.free(small);
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
