package dev.gstbeam.internal.beam;

import dev.gstbeam.internal.paths.OutputPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Output names that two inputs would share ({@code a.ac3} and {@code a.eac3} both give {@code a.mp4}):
 * found by grouping the inputs by their output path, and given to every member of such a group as
 * {@link OutputPaths#disambiguated} names ({@code a.ac3.mp4}, {@code a.eac3.mp4}). Without this, the
 * second input of a pair was reported with the first one's row and its own output never written.
 * The map (usually empty) is a side input of the transcoding steps.
 */
public final class OutputNames {
  private OutputNames() {}

  /** The side input's tag. */
  public static final String RENAMES = "outputRenames";

  /** Input path to output path, for inputs whose plain output path another input also has. */
  public static PCollectionView<Map<String, String>> renames(PCollection<FileIO.ReadableFile> files, String prefix,
      String root, String extension) {
    return files
        .apply("OutputOf", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((FileIO.ReadableFile f) -> {
              String input = f.getMetadata().resourceId().toString();
              return KV.of(OutputPaths.outputFor(input, prefix, root, extension), input);
            }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("SameOutput", GroupByKey.create())
        .apply("Disambiguate", ParDo.of(new DoFn<KV<String, Iterable<String>>, KV<String, String>>() {
          @ProcessElement
          public void process(@Element KV<String, Iterable<String>> group, OutputReceiver<KV<String, String>> out) {
            List<String> inputs = new ArrayList<>();
            group.getValue().forEach(inputs::add);
            if (inputs.size() > 1) {
              for (String input : inputs) {
                out.output(KV.of(input, OutputPaths.disambiguated(group.getKey(), input, extension)));
              }
            }
          }
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("AsMap", View.asMap());
  }

  /** The output path of {@code input}: its disambiguated one when it has one, else the plain one. */
  static String outputFor(String input, Map<String, String> renames, String prefix, String root, String extension) {
    String renamed = renames == null ? null : renames.get(input);
    return renamed != null ? renamed : OutputPaths.outputFor(input, prefix, root, extension);
  }
}
