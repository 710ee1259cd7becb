package dev.gstbeam.runners.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ClusterSpecTest {
  private final ClusterSpec spec = new ClusterSpec(Path.of("/state"), 3, 1, List.of("0", "1"), 8081, 6123, 2, 2.0);

  @Test
  public void gpuTaskManagersComeFirstAndOnlyTheyDeclareTheResource() {
    assertEquals(List.of("tm-gpu-0", "tm-1", "tm-2"), spec.taskManagerIds());
    Map<String, String> gpu = spec.taskManagerConfig("tm-gpu-0");
    assertEquals("gpu", gpu.get("external-resources"));
    assertEquals("2", gpu.get("external-resource.gpu.amount"));
    assertEquals("0,1", gpu.get("external-resource.gpu.param.devices"));
    assertEquals(ClusterSpec.GPU_DRIVER_FACTORY, gpu.get("external-resource.gpu.driver-factory.class"));
    assertFalse(spec.taskManagerConfig("tm-1").containsKey("external-resources"));
    assertEquals("tm-1", spec.taskManagerConfig("tm-1").get("taskmanager.resource-id"));
  }

  @Test
  public void everythingBindsToLoopbackWithFineGrainedBlockingBatch() {
    for (Map<String, String> c : List.of(spec.jobManagerConfig(), spec.taskManagerConfig("tm-1"))) {
      assertEquals("127.0.0.1", c.get("rest.bind-address"));
      assertEquals("127.0.0.1", c.get("jobmanager.bind-host"));
      assertEquals("127.0.0.1", c.get("taskmanager.bind-host"));
      assertEquals("true", c.get("cluster.fine-grained-resource-management.enabled"));
      assertEquals("true", c.get("fine-grained.shuffle-mode.all-blocking"));
      assertEquals("Default", c.get("jobmanager.scheduler"));
      assertTrue(c.get("classloader.parent-first-patterns.additional").contains("org.freedesktop.gstreamer."));
      assertTrue(c.get("classloader.parent-first-patterns.additional").contains("dev.gstbeam.gpu."));
    }
    assertEquals("8081", spec.jobManagerConfig().get("rest.port"));
  }

  @Test
  public void jvmFlagsMatchTheConfiguredMemory() {
    Map<String, String> c = spec.taskManagerConfig("tm-1");
    int heap = mb(c.get("taskmanager.memory.framework.heap.size")) + mb(c.get("taskmanager.memory.task.heap.size"));
    int direct = mb(c.get("taskmanager.memory.framework.off-heap.size")) + mb(c.get("taskmanager.memory.task.off-heap.size"))
        + mb(c.get("taskmanager.memory.network.max"));
    assertTrue(spec.taskManagerJvmFlags().contains("-Xmx" + heap + "m"));
    assertTrue(spec.taskManagerJvmFlags().contains("-XX:MaxDirectMemorySize=" + direct + "m"));
    assertTrue(spec.taskManagerJvmFlags().contains("-XX:MaxMetaspaceSize=" + mb(c.get("taskmanager.memory.jvm-metaspace.size")) + "m"));
  }

  @Test
  public void rejectsImpossibleShapes() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(Path.of("/s"), 0, 0, List.of("0"), 1, 2, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(Path.of("/s"), 1, 2, List.of("0"), 1, 2, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new ClusterSpec(Path.of("/s"), 1, 1, List.of(), 1, 2, 2, 2));
  }

  @Test
  public void yamlIsOneKeyValuePerLine() {
    String y = ClusterSpec.yaml(Map.of("a.b", "1"));
    assertTrue(y, y.endsWith("a.b: 1\n"));
  }

  private static int mb(String s) {
    return Integer.parseInt(s.replace("m", ""));
  }
}
