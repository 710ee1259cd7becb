package dev.gstbeam;

import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** {@link MediaIOProbeContract} on Beam's DirectRunner. */
public class MediaIOProbeDirectIT extends MediaIOProbeContract {
  @Override
  protected PipelineOptions options() {
    PipelineOptions o = PipelineOptionsFactory.create();
    o.setRunner(DirectRunner.class);
    return o;
  }
}
