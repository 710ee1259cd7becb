package dev.gstbeam;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.TestFlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** {@link MediaIOProbeContract} on an embedded Flink mini-cluster, two parallel subtasks. */
public class MediaIOProbeFlinkIT extends MediaIOProbeContract {
  @Override
  protected PipelineOptions options() {
    FlinkPipelineOptions o = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    o.setRunner(TestFlinkRunner.class);
    o.setFlinkMaster("[local]");
    o.setParallelism(2);
    return o;
  }
}
