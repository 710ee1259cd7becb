package dev.gstbeam.runners.gpu;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/** One GPU: its device index and how it was found ({@code nvidia-smi} or {@code configured}). */
final class GpuInfo implements ExternalResourceInfo {
  private final String index;
  private final String source;

  GpuInfo(String index, String source) {
    this.index = index;
    this.source = source;
  }

  @Override
  public Optional<String> getProperty(String key) {
    return switch (key) {
      case "index" -> Optional.of(index);
      case "source" -> Optional.of(source);
      default -> Optional.empty();
    };
  }

  @Override
  public Collection<String> getKeys() {
    return List.of("index", "source");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GpuInfo g && g.index.equals(index);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index);
  }

  @Override
  public String toString() {
    return "GPU " + index + " (" + source + ")";
  }
}
