package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.internal.beam.ProbeFn;
import dev.gstbeam.internal.beam.TranscodeFn;
import dev.gstbeam.model.Failure;
import dev.gstbeam.model.MediaInfo;
import dev.gstbeam.model.MigrationResult;
import dev.gstbeam.pipelines.cli.Main;
import dev.gstbeam.pipelines.xlang.ProbeSchemaTransformProvider;
import dev.gstbeam.pipelines.xlang.TranscodeSchemaTransformProvider;
import dev.gstbeam.testing.TestData;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.model.expansion.v1.ExpansionApi;
import org.apache.beam.model.expansion.v1.ExpansionServiceGrpc;
import org.apache.beam.model.pipeline.v1.ExternalTransforms;
import org.apache.beam.model.pipeline.v1.RunnerApi;
import org.apache.beam.model.pipeline.v1.SchemaApi;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaTranslation;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.construction.BeamUrns;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.vendor.grpc.v1p60p1.com.google.protobuf.ByteString;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.ManagedChannel;
import org.apache.beam.vendor.grpc.v1p60p1.io.grpc.ManagedChannelBuilder;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code gstbeam expansion-service}, started in this JVM through the CLI on a free port, asked over gRPC
 * what a Python pipeline asks it: DiscoverSchemaTransform, then Expand with a SchemaTransformPayload
 * (identifier, configuration schema, RowCoder-encoded configuration row) and no inputs. The expanded
 * transforms are checked in the returned components: outputs, the GStreamer DoFns inside, and schema'd
 * row coders carrying the Avro records' fields. Then the probe schema transform runs on the
 * DirectRunner over real media, its rows compared with ffprobe.
 */
public class ExpansionServiceIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final String SCHEMA_TRANSFORM_URN =
      BeamUrns.getUrn(ExternalTransforms.ExpansionMethods.Enum.SCHEMA_TRANSFORM);

  private static Thread serverThread;
  private static int port;
  private static ManagedChannel channel;

  @BeforeClass
  public static void startService() throws Exception {
    Cli cli = Cli.start("expansion-service", "--port", "0");
    serverThread = cli.thread;
    port = cli.port;
    channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
  }

  /** {@code gstbeam expansion-service ARGS} in a thread of this JVM, once it has printed its address. */
  static final class Cli {
    final Thread thread;
    final int port;
    final String stdout;

    private Cli(Thread thread, int port, String stdout) {
      this.thread = thread;
      this.port = port;
      this.stdout = stdout;
    }

    static Cli start(String... args) throws Exception {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Thread t = new Thread(() -> Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args),
          "expansion-service-under-test");
      t.setDaemon(true);
      t.start();
      Pattern listening = Pattern.compile("listening on (\\S+):(\\d+)");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Matcher m = listening.matcher("");
      while (System.nanoTime() < deadline) {
        m = listening.matcher(out.toString());
        boolean complete = m.find() && out.toString().contains(TranscodeSchemaTransformProvider.IDENTIFIER);
        if (complete || !t.isAlive()) {
          break;
        }
        Thread.sleep(50);
      }
      assertTrue("the command printed its address; stdout: " + out + " stderr: " + err, m.find(0));
      assertThat(out.toString(), containsString(ProbeSchemaTransformProvider.IDENTIFIER));
      assertThat(out.toString(), containsString(TranscodeSchemaTransformProvider.IDENTIFIER));
      return new Cli(t, Integer.parseInt(m.group(2)), out.toString());
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(90));
      assertFalse("the command returned after an interrupt", thread.isAlive());
    }
  }

  @AfterClass
  public static void stopService() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (serverThread != null) {
      serverThread.interrupt();
      serverThread.join(TimeUnit.SECONDS.toMillis(90));
      assertFalse("the command returned after an interrupt", serverThread.isAlive());
    }
  }

  @Test
  public void byDefaultTheExpandedStepsRunInBeamsJavaDockerEnvironment() throws Exception {
    Schema config = ProbeSchemaTransformProvider.CONFIGURATION;
    Row row = Row.withSchema(config).withFieldValue("pattern", "/in/*").withFieldValue("timeout_seconds", null).build();
    ExpansionApi.ExpansionResponse r = stub().expand(request(ProbeSchemaTransformProvider.IDENTIFIER, config, row, "env_1"));
    assertEquals("", r.getError());
    RunnerApi.Environment env = probeEnvironment(r);
    assertEquals("beam:env:docker:v1", env.getUrn());
    assertThat(RunnerApi.DockerPayload.parseFrom(env.getPayload()).getContainerImage(), containsString("beam_java17_sdk"));
  }

  /** Beam options after {@code --} reach every expansion: here, a process environment (one with GStreamer). */
  @Test
  public void beamOptionsAfterDashDashSetTheEnvironment() throws Exception {
    Cli cli = Cli.start("expansion-service", "--port", "0", "--",
        "--defaultEnvironmentType=PROCESS", "--defaultEnvironmentConfig={\"command\": \"/opt/gstbeam/boot\"}");
    ManagedChannel ch = ManagedChannelBuilder.forAddress("localhost", cli.port).usePlaintext().build();
    try {
      Schema config = ProbeSchemaTransformProvider.CONFIGURATION;
      Row row = Row.withSchema(config).withFieldValue("pattern", "/in/*").withFieldValue("timeout_seconds", null).build();
      ExpansionApi.ExpansionResponse r = ExpansionServiceGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.MINUTES)
          .expand(request(ProbeSchemaTransformProvider.IDENTIFIER, config, row, "env_2"));
      assertEquals("", r.getError());
      RunnerApi.Environment env = probeEnvironment(r);
      assertEquals("beam:env:process:v1", env.getUrn());
      assertEquals("/opt/gstbeam/boot", RunnerApi.ProcessPayload.parseFrom(env.getPayload()).getCommand());
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      cli.stop();
    }
  }

  /** The environment of the probing ParDo in an expansion. */
  private static RunnerApi.Environment probeEnvironment(ExpansionApi.ExpansionResponse r) throws Exception {
    for (RunnerApi.PTransform t : descendants(r.getTransform(), r.getComponents().getTransformsMap())) {
      if (t.getSpec().getUrn().equals("beam:transform:pardo:v1")
          && ParDoTranslation.getDoFn(RunnerApi.ParDoPayload.parseFrom(t.getSpec().getPayload())) instanceof ProbeFn) {
        return r.getComponents().getEnvironmentsOrThrow(t.getEnvironmentId());
      }
    }
    throw new AssertionError("no ProbeFn ParDo in the expansion");
  }

  private static ExpansionServiceGrpc.ExpansionServiceBlockingStub stub() {
    return ExpansionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
  }

  @Test
  public void discoveryListsBothTransformsWithTheirConfigurationAndOutputs() throws Exception {
    ExpansionApi.DiscoverSchemaTransformResponse r =
        stub().discoverSchemaTransform(ExpansionApi.DiscoverSchemaTransformRequest.getDefaultInstance());
    assertEquals("", r.getError());
    Map<String, ExpansionApi.SchemaTransformConfig> configs = r.getSchemaTransformConfigsMap();
    assertThat(configs.keySet(), hasItems(ProbeSchemaTransformProvider.IDENTIFIER, TranscodeSchemaTransformProvider.IDENTIFIER));

    ExpansionApi.SchemaTransformConfig probe = configs.get(ProbeSchemaTransformProvider.IDENTIFIER);
    assertEquals(List.of("pattern", "timeout_seconds"), fieldNames(SchemaTranslation.schemaFromProto(probe.getConfigSchema())));
    assertEquals(List.of("output", "failures"), probe.getOutputPcollectionNamesList());
    assertEquals(0, probe.getInputPcollectionNamesCount());
    assertThat(probe.getDescription(), containsString("MediaInfo"));

    ExpansionApi.SchemaTransformConfig transcode = configs.get(TranscodeSchemaTransformProvider.IDENTIFIER);
    assertEquals(List.of("pattern", "output_root", "profile", "preset", "crf", "segment_seconds"),
        fieldNames(SchemaTranslation.schemaFromProto(transcode.getConfigSchema())));
    assertEquals(List.of("output"), transcode.getOutputPcollectionNamesList());
  }

  @Test
  public void probeExpandsToTheProbingDoFnWithMediaInfoRows() throws Exception {
    Schema config = ProbeSchemaTransformProvider.CONFIGURATION;
    Row row = Row.withSchema(config).withFieldValue("pattern", "/no/such/dir/*.mkv").withFieldValue("timeout_seconds", 20L).build();
    ExpansionApi.ExpansionResponse r = stub().expand(request(ProbeSchemaTransformProvider.IDENTIFIER, config, row, "gstbeam_probe_1"));
    assertEquals("", r.getError());

    RunnerApi.PTransform expanded = r.getTransform();
    assertEquals(Set.of("output", "failures"), expanded.getOutputsMap().keySet());
    Map<String, RunnerApi.PTransform> all = r.getComponents().getTransformsMap();
    List<RunnerApi.PTransform> inside = descendants(expanded, all);
    List<String> names = inside.stream().map(RunnerApi.PTransform::getUniqueName).toList();
    assertTrue("a probing step among " + names, names.stream().anyMatch(n -> n.contains("Probe")));
    assertThat(doFnClasses(inside), hasItem(ProbeFn.class.getName()));
    // New ids carry the request's namespace (how the caller keeps them apart from its own).
    assertTrue(r.getComponents().getPcollectionsMap().keySet().stream().anyMatch(id -> id.startsWith("gstbeam_probe_1")));

    Schema media = rowSchemaOf(r.getComponents(), expanded.getOutputsOrThrow("output"));
    assertEquals(avroFieldNames(MediaInfo.getClassSchema()), fieldNames(media));
    assertThat(fieldNames(media), hasItems("uri", "size_bytes", "container", "duration_seconds", "streams"));
    Schema stream = media.getField("streams").getType().getCollectionElementType().getRowSchema();
    assertEquals(avroFieldNames(dev.gstbeam.model.Stream.getClassSchema()), fieldNames(stream));
    assertTrue(media.getField("container").getType().getNullable());
    assertFalse(media.getField("uri").getType().getNullable());

    Schema failures = rowSchemaOf(r.getComponents(), expanded.getOutputsOrThrow("failures"));
    assertEquals(avroFieldNames(Failure.getClassSchema()), fieldNames(failures));
  }

  @Test
  public void transcodeExpandsToTheTranscodingDoFnWithMigrationResultRows() throws Exception {
    Schema config = TranscodeSchemaTransformProvider.CONFIGURATION;
    Row row = Row.withSchema(config)
        .withFieldValue("pattern", "/no/such/dir/*.mkv")
        .withFieldValue("output_root", "/no/such/out")
        .withFieldValue("profile", "webm-vp9-opus")
        .withFieldValue("preset", null)
        .withFieldValue("crf", 30L)
        .withFieldValue("segment_seconds", null)
        .build();
    ExpansionApi.ExpansionResponse r = stub().expand(request(TranscodeSchemaTransformProvider.IDENTIFIER, config, row, "gstbeam_transcode_1"));
    assertEquals("", r.getError());
    RunnerApi.PTransform expanded = r.getTransform();
    assertEquals(Set.of("output"), expanded.getOutputsMap().keySet());
    List<RunnerApi.PTransform> inside = descendants(expanded, r.getComponents().getTransformsMap());
    assertTrue(inside.stream().anyMatch(t -> t.getUniqueName().endsWith("/Transcode")));
    assertThat(doFnClasses(inside), hasItem(TranscodeFn.class.getName()));
    Schema results = rowSchemaOf(r.getComponents(), expanded.getOutputsOrThrow("output"));
    assertEquals(avroFieldNames(MigrationResult.getClassSchema()), fieldNames(results));
    assertThat(fieldNames(results), hasItems("uri", "output_uri", "status", "reason", "codecs_out", "psnr_mean"));
  }

  @Test
  public void aBadConfigurationComesBackAsAnExpansionError() throws Exception {
    Schema config = TranscodeSchemaTransformProvider.CONFIGURATION;
    Row row = Row.withSchema(config)
        .withFieldValue("pattern", "/in/*.mkv").withFieldValue("output_root", "/out")
        .withFieldValue("profile", "no-such-profile")
        .withFieldValue("preset", null).withFieldValue("crf", null).withFieldValue("segment_seconds", null)
        .build();
    ExpansionApi.ExpansionResponse r = stub().expand(request(TranscodeSchemaTransformProvider.IDENTIFIER, config, row, "bad_1"));
    assertThat(r.getError(), containsString("no-such-profile"));
    assertThat(r.getError(), containsString("mp4-h264-aac")); // the valid choices are named

    // A configuration schema that is not the provider's (a field missing) is refused too.
    Schema partial = Schema.builder().addStringField("pattern").build();
    ExpansionApi.ExpansionResponse r2 = stub().expand(request(ProbeSchemaTransformProvider.IDENTIFIER, partial,
        Row.withSchema(partial).addValue("/in/*.mkv").build(), "bad_2"));
    assertThat(r2.getError(), containsString("not compatible"));
  }

  /** The probe schema transform, run: two real media files and a text file, compared with ffprobe. */
  @Test
  public void probeSchemaTransformRowsAgreeWithFfprobe() throws Exception {
    TestData.assumeTool("ffprobe");
    Path in = TMP.newFolder("in").toPath();
    Path mkv = Files.copy(TestData.corpusFile("androidx-media/mkv/sample.mkv"), in.resolve("sample.mkv"));
    Path wav = Files.copy(TestData.corpusFile("androidx-media/wav/sine_24le.wav"), in.resolve("sine_24le.wav"));
    Files.writeString(in.resolve("notes.txt"), "not media\n".repeat(100));

    HashMap<String, Expected> expected = new HashMap<>();
    for (Path f : List.of(mkv, wav)) {
      expected.put(f.getFileName().toString(), Expected.ffprobe(f));
    }
    assertThat(expected.get("sample.mkv").formatNames, hasItem("matroska"));

    SchemaTransformProvider provider = new ProbeSchemaTransformProvider();
    Row config = Row.withSchema(provider.configurationSchema())
        .withFieldValue("pattern", in + "/*").withFieldValue("timeout_seconds", 60L).build();
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(DirectRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollectionRowTuple out = PCollectionRowTuple.empty(p).apply("GstbeamProbe", provider.from(config));
    assertEquals(Set.of("output", "failures"), out.getAll().keySet());
    PAssert.that(out.get("output")).satisfies(new CheckMedia(expected));
    PAssert.that(out.get("failures")).satisfies(rows -> {
      List<Row> list = new ArrayList<>();
      rows.forEach(list::add);
      assertEquals(1, list.size());
      assertTrue(list.get(0).getString("uri"), list.get(0).getString("uri").endsWith("/notes.txt"));
      assertEquals("NOT_MEDIA", list.get(0).getString("reason"));
      assertEquals("probe", list.get(0).getString("stage"));
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** What ffprobe says of a file: format names, stream codecs (sorted), duration, size. */
  static final class Expected implements Serializable {
    private static final long serialVersionUID = 1L;
    final ArrayList<String> formatNames = new ArrayList<>();
    final ArrayList<String> codecs = new ArrayList<>();
    double duration;
    long size;

    static Expected ffprobe(Path file) throws Exception {
      Process proc = new ProcessBuilder("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
          file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] json = proc.getInputStream().readAllBytes();
      assertTrue(proc.waitFor(1, TimeUnit.MINUTES));
      JsonNode ff = new ObjectMapper().readTree(json);
      Expected e = new Expected();
      e.formatNames.addAll(List.of(ff.path("format").path("format_name").asText().split(",")));
      for (JsonNode s : ff.path("streams")) {
        if (s.path("disposition").path("attached_pic").asInt() != 1) {
          e.codecs.add(s.path("codec_name").asText());
        }
      }
      e.codecs.sort(null);
      e.duration = ff.path("format").path("duration").asDouble();
      e.size = Files.size(file);
      assertFalse("ffprobe read " + file, e.codecs.isEmpty());
      return e;
    }
  }

  static final class CheckMedia implements SerializableFunction<Iterable<Row>, Void> {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, Expected> expected;

    CheckMedia(HashMap<String, Expected> expected) {
      this.expected = expected;
    }

    @Override
    public Void apply(Iterable<Row> rows) {
      Set<String> seen = new HashSet<>();
      for (Row row : rows) {
        String uri = row.getString("uri");
        assertTrue(uri, uri.startsWith("file:"));
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        Expected e = expected.get(name);
        assertNotNull("unexpected row " + uri, e);
        seen.add(name);
        assertEquals(uri, e.size, (long) row.getInt64("size_bytes"));
        assertTrue(uri + ": container " + row.getString("container") + " is one of ffprobe's " + e.formatNames,
            e.formatNames.contains(row.getString("container")));
        assertEquals(uri, e.duration, row.getDouble("duration_seconds"), Math.max(0.1, 0.02 * e.duration));
        assertEquals(uri, Boolean.TRUE, row.getBoolean("decodable"));
        List<String> codecs = new ArrayList<>();
        for (Row s : row.<Row>getArray("streams")) {
          codecs.add(s.getString("codec"));
          assertNotNull(s.getString("type"));
        }
        codecs.sort(null);
        assertEquals(uri + " codecs", e.codecs, codecs);
      }
      assertEquals(expected.keySet(), seen);
      return null;
    }
  }

  private static ExpansionApi.ExpansionRequest request(String identifier, Schema configSchema, Row config, String namespace)
      throws Exception {
    ByteString.Output bytes = ByteString.newOutput();
    RowCoder.of(configSchema).encode(config, bytes);
    ExternalTransforms.SchemaTransformPayload payload = ExternalTransforms.SchemaTransformPayload.newBuilder()
        .setIdentifier(identifier)
        .setConfigurationSchema(SchemaTranslation.schemaToProto(configSchema, true))
        .setConfigurationRow(bytes.toByteString())
        .build();
    RunnerApi.PTransform transform = RunnerApi.PTransform.newBuilder()
        .setUniqueName("ExternalTransform(" + identifier + ")")
        .setSpec(RunnerApi.FunctionSpec.newBuilder().setUrn(SCHEMA_TRANSFORM_URN).setPayload(payload.toByteString()))
        .build();
    return ExpansionApi.ExpansionRequest.newBuilder()
        .setComponents(RunnerApi.Components.getDefaultInstance())
        .setTransform(transform)
        .setNamespace(namespace)
        .build();
  }

  private static List<RunnerApi.PTransform> descendants(RunnerApi.PTransform t, Map<String, RunnerApi.PTransform> all) {
    List<RunnerApi.PTransform> found = new ArrayList<>();
    for (String id : t.getSubtransformsList()) {
      RunnerApi.PTransform sub = all.get(id);
      assertNotNull("subtransform " + id + " is in the components", sub);
      found.add(sub);
      found.addAll(descendants(sub, all));
    }
    return found;
  }

  /** Classes of the DoFns serialized in the ParDos among {@code transforms}. */
  private static List<String> doFnClasses(List<RunnerApi.PTransform> transforms) throws Exception {
    List<String> classes = new ArrayList<>();
    for (RunnerApi.PTransform t : transforms) {
      if (t.getSpec().getUrn().equals("beam:transform:pardo:v1")) {
        RunnerApi.ParDoPayload payload = RunnerApi.ParDoPayload.parseFrom(t.getSpec().getPayload());
        DoFn<?, ?> fn = ParDoTranslation.getDoFn(payload);
        classes.add(fn.getClass().getName());
      }
    }
    return classes;
  }

  private static Schema rowSchemaOf(RunnerApi.Components components, String pcollectionId) throws Exception {
    RunnerApi.PCollection pc = components.getPcollectionsOrThrow(pcollectionId);
    RunnerApi.Coder coder = components.getCodersOrThrow(pc.getCoderId());
    assertEquals("beam:coder:row:v1", coder.getSpec().getUrn());
    return SchemaTranslation.schemaFromProto(SchemaApi.Schema.parseFrom(coder.getSpec().getPayload()));
  }

  private static List<String> fieldNames(Schema s) {
    return s.getFieldNames();
  }

  private static List<String> avroFieldNames(org.apache.avro.Schema s) {
    return s.getFields().stream().map(org.apache.avro.Schema.Field::name).toList();
  }
}
