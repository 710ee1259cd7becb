package org.apache.beam.runners.flink;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.resourcehints.ResourceHints;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.Test;

public class GpuAwareFlinkRunnerTest {
  static final ResourceHints GPU = ResourceHints.create().withAccelerator("type:gpu;count:1");

  static class Upper extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String s, OutputReceiver<String> out) {
      out.output(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A composite whose inner ParDo is hinted through the composite. */
  static class Encode extends PTransform<PCollection<String>, PCollection<String>> {
    @Override
    public PCollection<String> expand(PCollection<String> in) {
      return in.apply("Inner", ParDo.of(new Upper()));
    }
  }

  private static Pipeline pipeline() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<String> in = p.apply("In", Create.of("a", "b"));
    in.apply("Transcode", ParDo.of(new Upper()).setResourceHints(GPU))
        .apply("After", MapElements.into(TypeDescriptors.strings()).via((String s) -> s + "!"));
    in.apply("Outer", new Encode().setResourceHints(GPU));
    in.apply("Plain", ParDo.of(new Upper()));
    return p;
  }

  @Test
  public void findsHintedTransformsAndTheirInnerSteps() {
    Set<String> hinted = GpuAwareFlinkRunner.acceleratedTransforms(pipeline());
    assertTrue(hinted.toString(), hinted.contains("Transcode"));
    assertTrue(hinted.toString(), hinted.contains("Outer/Inner/ParMultiDo(Upper)"));
    assertTrue(hinted.toString(), hinted.contains("Transcode/ParMultiDo(Upper)"));
    assertFalse(hinted.toString(), hinted.stream().anyMatch(n -> n.startsWith("After") || n.startsWith("Plain") || n.startsWith("In")));
  }

  @Test
  public void matchesFlinkOperatorNamesUnderHintedTransforms() {
    Set<String> hinted = Set.of("Migrate/TranscodeSegments");
    assertTrue(GpuAwareFlinkRunner.isHinted("Migrate/TranscodeSegments/ParMultiDo(Encode)", hinted));
    assertTrue(GpuAwareFlinkRunner.isHinted("Migrate/TranscodeSegments", hinted));
    assertFalse(GpuAwareFlinkRunner.isHinted("Migrate/TranscodeSegmentsX", hinted));
    assertFalse(GpuAwareFlinkRunner.isHinted("Migrate/Stitch/ParMultiDo(Stitch)", hinted));
  }

  @Test
  public void translatedOperatorsGetGpuOrCpuGroups() {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setUseDataStreamForBatch(true);
    options.setParallelism(1);
    Pipeline p = pipeline();
    Set<String> hinted = GpuAwareFlinkRunner.acceleratedTransforms(p);
    FlinkPipelineExecutionEnvironment env = new FlinkPipelineExecutionEnvironment(options);
    env.translate(p);
    StreamExecutionEnvironment senv = env.getStreamExecutionEnvironment();
    GpuAwareFlinkRunner.Placement placement = GpuAwareFlinkRunner.place(senv, hinted, true);
    assertEquals(placement.gpu().toString(), 2, placement.gpu().size());
    assertTrue(placement.gpu().toString(), placement.gpu().stream().anyMatch(n -> n.startsWith("Transcode")));
    assertTrue(placement.gpu().toString(), placement.gpu().stream().anyMatch(n -> n.startsWith("Outer/Inner")));
    for (Transformation<?> t : GpuAwareFlinkRunner.allTransformations(senv)) {
      SlotSharingGroup g = t.getSlotSharingGroup().orElseThrow();
      boolean gpu = placement.gpu().contains(t.getName());
      assertEquals(t.getName(), gpu ? GpuAwareFlinkRunner.GPU_GROUP : GpuAwareFlinkRunner.CPU_GROUP, g.getName());
      assertEquals(t.getName(), gpu ? 1.0 : 0.0, g.getExternalResources().getOrDefault("gpu", 0.0), 0.0);
      assertTrue("explicit CPU profile", g.getCpuCores().isPresent());
    }
    // Without a GPU TaskManager everything is CPU.
    GpuAwareFlinkRunner.Placement none = GpuAwareFlinkRunner.place(senv, hinted, false);
    assertEquals(List.of(), none.gpu());
  }
}
