package dev.gstbeam.internal.beam;

import dev.gstbeam.internal.paths.OutputPaths;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The files a pattern matches. Beam's {@code FileIO.match()}, except for a recursive pattern
 * ({@code **}) on a Hadoop file system ({@code s3a://}) or a local one: Beam 2.62's Hadoop matcher misses
 * the files directly in the directory before {@code **} and every name with a character a URI escapes
 * (a space, say), and its local matcher (the JDK's glob) never matches a name with a line break, so
 * gstbeam lists the fixed prefix recursively itself (one flat listing on S3A, a walk that does not
 * follow links locally) and keeps the names the pattern matches ({@link #toRegex}: {@code *} and {@code ?} within one path
 * segment, {@code **} across segments, {@code {a,b}} and {@code [...]} as in Beam).
 */
public final class MatchFiles extends PTransform<PBegin, PCollection<MatchResult.Metadata>> {
  private static final long serialVersionUID = 1L;
  private final String pattern;
  private final EmptyMatchTreatment emptyMatch;

  private MatchFiles(String pattern, EmptyMatchTreatment emptyMatch) {
    this.pattern = pattern;
    this.emptyMatch = emptyMatch;
  }

  public static MatchFiles of(String pattern, EmptyMatchTreatment emptyMatch) {
    return new MatchFiles(pattern, emptyMatch);
  }

  static boolean listsItself(String pattern) {
    return pattern.contains("**") && (pattern.startsWith("s3a://") || pattern.startsWith("hdfs://") || LocalMedia.isLocal(pattern));
  }

  @Override
  public PCollection<MatchResult.Metadata> expand(PBegin input) {
    if (!listsItself(pattern)) {
      return input.apply(FileIO.match().filepattern(pattern).withEmptyMatchTreatment(emptyMatch));
    }
    return input.apply(Create.of(pattern))
        .apply(ParDo.of(new ListFn()))
        .apply(Reshuffle.viaRandomKey());
  }

  /**
   * A location as matched files' URIs spell it: on a remote file system a URI, with what a URI
   * escapes (spaces, say) escaped; a local path as it is.
   */
  public static String asMatched(String location) {
    int sep = location.indexOf("://");
    if (sep < 0 || location.startsWith("file://")) {
      return location;
    }
    String scheme = location.substring(0, sep);
    String rest = location.substring(sep + 3);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    try {
      return new URI(scheme, authority, path, null, null).toString();
    } catch (java.net.URISyntaxException e) {
      return location;
    }
  }

  /** A glob's regular expression over whole decoded paths. */
  static Pattern toRegex(String glob) {
    StringBuilder b = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          b.append(".*");
          i++;
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else if (c == '{') {
        braces++;
        b.append("(?:");
      } else if (c == '}' && braces > 0) {
        braces--;
        b.append(')');
      } else if (c == ',' && braces > 0) {
        b.append('|');
      } else if (c == '[') {
        int end = glob.indexOf(']', i + 1);
        if (end < 0) {
          b.append("\\[");
        } else {
          String set = glob.substring(i + 1, end);
          b.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
          i = end;
        }
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  /** The directory to list: the pattern up to the last {@code /} before its first wildcard. */
  static String listingRoot(String pattern) {
    return OutputPaths.fixedPrefix(pattern);
  }


  static void listLocal(String pattern, DoFn.OutputReceiver<MatchResult.Metadata> out) throws IOException {
    Pattern regex = toRegex(pattern);
    java.nio.file.Path root = java.nio.file.Paths.get(listingRoot(pattern));
    if (!java.nio.file.Files.isDirectory(root)) {
      return;
    }
    try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(root)) {
      for (java.util.Iterator<java.nio.file.Path> it = walk.iterator(); it.hasNext(); ) {
        java.nio.file.Path p = it.next();
        java.nio.file.attribute.BasicFileAttributes a;
        try {
          a = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (IOException e) {
          continue; // gone since the walk saw it
        }
        if (!a.isRegularFile() || !regex.matcher(p.toString()).matches()) {
          continue;
        }
        out.output(MatchResult.Metadata.builder()
            .setResourceId(FileSystems.matchNewResource(p.toString(), false))
            .setSizeBytes(a.size())
            .setLastModifiedMillis(a.lastModifiedTime().toMillis())
            .setIsReadSeekEfficient(true)
            .build());
      }
    }
  }

  static final class ListFn extends DoFn<String, MatchResult.Metadata> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element String pattern, PipelineOptions options, OutputReceiver<MatchResult.Metadata> out)
        throws IOException {
      if (LocalMedia.isLocal(pattern)) {
        listLocal(pattern.replaceFirst("^file://", ""), out);
        return;
      }
      List<org.apache.hadoop.conf.Configuration> confs =
          options.as(org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions.class).getHdfsConfiguration();
      org.apache.hadoop.conf.Configuration conf =
          confs == null || confs.isEmpty() ? new org.apache.hadoop.conf.Configuration() : confs.get(0);
      Pattern regex = toRegex(pattern);
      String root = listingRoot(pattern);
      org.apache.hadoop.fs.Path rootPath = new org.apache.hadoop.fs.Path(root);
      org.apache.hadoop.fs.FileSystem fs = rootPath.getFileSystem(conf);
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it =
          Retry.io("listing of " + root, () -> fs.listFiles(rootPath, true));
      while (it.hasNext()) {
        org.apache.hadoop.fs.LocatedFileStatus st = it.next();
        URI uri = st.getPath().toUri();
        String decoded = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
        if (!st.isFile() || !regex.matcher(decoded).matches()) {
          continue;
        }
        out.output(MatchResult.Metadata.builder()
            .setResourceId(FileSystems.matchNewResource(uri.toString(), false))
            .setSizeBytes(st.getLen())
            .setLastModifiedMillis(st.getModificationTime())
            .setIsReadSeekEfficient(true)
            .build());
      }
    }
  }
}
