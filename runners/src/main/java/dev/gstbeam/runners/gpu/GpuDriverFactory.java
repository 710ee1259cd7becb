package dev.gstbeam.runners.gpu;

import org.apache.flink.api.common.externalresource.ExternalResourceDriver;
import org.apache.flink.api.common.externalresource.ExternalResourceDriverFactory;
import org.apache.flink.configuration.Configuration;

/**
 * Flink external-resource driver factory for the {@code gpu} resource, loaded as a Flink plugin
 * ({@code plugins/gstbeam-gpu/}). Configuration (under {@code external-resource.gpu.param.}):
 * {@code devices}: device indices to use when {@code nvidia-smi} finds none (e.g. {@code 0,1});
 * {@code discovery}: {@code nvidia-smi} (default) or {@code list} (use only {@code devices}).
 */
public final class GpuDriverFactory implements ExternalResourceDriverFactory {
  @Override
  public ExternalResourceDriver createExternalResourceDriver(Configuration config) {
    return new GpuDriver(config.toMap());
  }
}
