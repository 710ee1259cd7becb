package dev.gstbeam.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPUs of this worker and their encode sessions, JVM-wide. On a Flink TaskManager this class is
 * loaded parent-first (its package is in {@code classloader.parent-first-patterns.additional}), so every
 * job and slot of the TaskManager shares one allocator; gstbeam's GPU driver plugin fills in the
 * devices (system property {@value #DEVICES_PROPERTY}; elsewhere the environment variable
 * {@code GSTBEAM_GPU_DEVICES} may). Each encode leases the least-used device with a free session:
 * consumer NVIDIA cards cap concurrent NVENC sessions (property {@value #SESSIONS_PROPERTY}, default 3).
 */
public final class GpuSlots {
  public static final String DEVICES_PROPERTY = "gstbeam.gpu.devices";
  public static final String SESSIONS_PROPERTY = "gstbeam.gpu.max-encode-sessions";

  private static final Map<String, Integer> IN_USE = new LinkedHashMap<>();

  private GpuSlots() {}

  /** This worker's device indices (empty: no GPU). */
  public static List<String> devices() {
    String s = System.getProperty(DEVICES_PROPERTY);
    if (s == null || s.isBlank()) {
      s = System.getenv("GSTBEAM_GPU_DEVICES");
    }
    List<String> out = new ArrayList<>();
    if (s != null) {
      for (String d : s.split(",")) {
        if (!d.isBlank()) {
          out.add(d.trim());
        }
      }
    }
    return out;
  }

  public static int maxSessionsPerDevice() {
    try {
      return Math.max(1, Integer.parseInt(System.getProperty(SESSIONS_PROPERTY, "3")));
    } catch (NumberFormatException e) {
      return 3;
    }
  }

  /** A device's encode session, released by {@link #close()}. */
  public static final class Lease implements AutoCloseable {
    private final String device;
    private boolean released;

    private Lease(String device) {
      this.device = device;
    }

    public String device() {
      return device;
    }

    @Override
    public void close() {
      synchronized (IN_USE) {
        if (!released) {
          released = true;
          IN_USE.merge(device, -1, Integer::sum);
          IN_USE.notifyAll();
        }
      }
    }
  }

  /** What a worker offers an encode: a leased device, or why none ({@code refusal} null: no GPU here at all). */
  public record Offer(Lease lease, String refusal) {
    public String device() {
      return lease == null ? null : lease.device();
    }
  }

  /**
   * The least-used device with a free session, or a refusal. {@code waitMillis} &gt; 0 waits that long
   * for a session (segments of one file must all use the same encoder, so they wait instead of falling
   * back).
   */
  public static Offer offer(long waitMillis) throws InterruptedException {
    List<String> devices = devices();
    if (devices.isEmpty()) {
      return new Offer(null, null);
    }
    int max = maxSessionsPerDevice();
    long deadline = System.nanoTime() + waitMillis * 1_000_000L;
    synchronized (IN_USE) {
      while (true) {
        String best = null;
        for (String d : devices) {
          int used = IN_USE.getOrDefault(d, 0);
          if (used < max && (best == null || used < IN_USE.getOrDefault(best, 0))) {
            best = d;
          }
        }
        if (best != null) {
          IN_USE.merge(best, 1, Integer::sum);
          return new Offer(new Lease(best), null);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return new Offer(null, "every GPU of this worker (" + String.join(",", devices) + ") has "
              + max + " encode sessions running (" + SESSIONS_PROPERTY + ")");
        }
        IN_USE.wait(Math.min(left, 1000));
      }
    }
  }

  /** Sessions in use per device (for tests and status). */
  public static Map<String, Integer> inUse() {
    synchronized (IN_USE) {
      return Map.copyOf(IN_USE);
    }
  }
}
