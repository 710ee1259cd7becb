package dev.gstbeam.runners.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.externalresource.ExternalResourceDriver;

/**
 * Reports a TaskManager's GPUs to Flink and tells the worker's transcoding code which devices it has:
 * the device indices go into the JVM-wide system property {@code gstbeam.gpu.devices}, from which
 * {@code dev.gstbeam.gpu.GpuSlots} (on the TaskManager's parent-first classpath) hands one device to each
 * slot's transcoder. A DoFn cannot reach Flink's RuntimeContext, hence the property.
 */
final class GpuDriver implements ExternalResourceDriver {
  static final String DEVICES_PROPERTY = "gstbeam.gpu.devices";

  private final Map<String, String> params;

  GpuDriver(Map<String, String> params) {
    this.params = params;
  }

  @Override
  public Set<GpuInfo> retrieveResourceInfo(long amount) throws Exception {
    if (amount <= 0) {
      throw new IllegalArgumentException("the gpu amount must be positive, was " + amount);
    }
    List<String> found = "list".equals(params.get("discovery")) ? List.of() : nvidiaSmi();
    List<String> devices = found.isEmpty() ? configured(params.get("devices")) : found;
    if (devices.size() < amount) {
      throw new IllegalStateException("this TaskManager is configured with " + amount
          + " GPU(s) but has " + devices.size() + " (" + (found.isEmpty() ? "configured list" : "nvidia-smi") + ": " + devices + ")");
    }
    Set<GpuInfo> infos = new LinkedHashSet<>();
    List<String> used = devices.subList(0, (int) amount);
    for (String d : used) {
      infos.add(new GpuInfo(d, found.isEmpty() ? "configured" : "nvidia-smi"));
    }
    System.setProperty(DEVICES_PROPERTY, String.join(",", used));
    return infos;
  }

  static List<String> configured(String list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (String s : list.split(",")) {
        String t = s.trim();
        if (!t.isEmpty()) {
          if (!t.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("GPU device indices are numbers, not '" + t + "'");
          }
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Device indices from {@code nvidia-smi --query-gpu=index}; none when the tool is absent or fails. */
  static List<String> nvidiaSmi() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=index", "--format=csv,noheader")
          .redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        return List.of();
      }
      List<String> ids = new ArrayList<>();
      for (String line : out.split("\n")) {
        String t = line.trim();
        if (t.matches("[0-9]+")) {
          ids.add(t);
        }
      }
      return ids;
    } catch (IOException e) {
      return List.of(); // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
