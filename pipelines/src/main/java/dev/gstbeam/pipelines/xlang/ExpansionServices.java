package dev.gstbeam.pipelines.xlang;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.sdk.expansion.service.ExpansionServer;
import org.apache.beam.sdk.expansion.service.ExpansionService;
import org.apache.beam.sdk.expansion.service.ExpansionServiceOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;

/**
 * Beam's expansion service (gRPC) with gstbeam's schema transforms: what {@code gstbeam
 * expansion-service} runs. The service finds the {@link SchemaTransformProvider}s through
 * {@code META-INF/services}, as Beam's own expansion service does.
 */
public final class ExpansionServices {
  private ExpansionServices() {}

  /**
   * Starts a server on {@code host:port} (0: a free port). {@code pipelineOptions} are Beam options
   * the service applies to every expansion ({@code --defaultEnvironmentType=...} and the like).
   */
  public static ExpansionServer start(String host, int port, String... pipelineOptions) throws IOException {
    PipelineOptionsFactory.register(ExpansionServiceOptions.class);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(pipelineOptions).withValidation().create();
    ExpansionService service = new ExpansionService(options, host + ":" + port);
    return ExpansionServer.create(service, host, port);
  }

  /** The identifiers of gstbeam's schema transforms on this class path. */
  public static List<String> gstbeamIdentifiers() {
    List<String> ids = new ArrayList<>();
    for (SchemaTransformProvider p : ServiceLoader.load(SchemaTransformProvider.class)) {
      if (p.identifier().startsWith("beam:schematransform:org.gstbeam:")) {
        ids.add(p.identifier());
      }
    }
    ids.sort(null);
    return ids;
  }
}
