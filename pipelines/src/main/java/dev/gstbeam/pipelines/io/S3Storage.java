package dev.gstbeam.pipelines.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code s3a://} through Hadoop's S3A connector: the Hadoop configuration a job registers with Beam,
 * and a check, before a job starts, that each bucket it uses is reachable with the credentials at hand.
 *
 * <p>Credentials never pass through here: S3A finds them itself (the AWS environment variables, or
 * Hadoop's provider chain). Options that would carry a secret are refused, because the configuration
 * travels inside the pipeline options (to Flink workers, into the job's configuration and display data).
 */
public final class S3Storage {
  private S3Storage() {}

  /** Configuration keys a secret lives in: refused as options. */
  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret") || k.contains("access.key") || k.contains("session.token") || k.contains("password")
        || k.contains("credential") && !k.endsWith("credentials.provider") && !k.endsWith("provider.path");
  }

  /** Whether any of {@code locations} is on S3A. */
  public static boolean uses(String... locations) {
    for (String l : locations) {
      if (l != null && l.startsWith("s3a://")) {
        return true;
      }
    }
    return false;
  }

  /** The bucket of an {@code s3a://bucket/...} location. */
  public static String bucketOf(String location) {
    String rest = location.substring("s3a://".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /**
   * The Hadoop configuration for a job touching {@code bucket}: S3A as the default file system (Beam
   * registers the default file system's scheme), an explicit endpoint with path-style access when
   * given (TLS off for {@code http://}), the region, and {@code extra} options on top.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Configuration configuration(String bucket, String endpoint, String region, Map<String, String> extra) {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "s3a://" + bucket);
    // S3A, with shard-committing renames tried again when the store answers a check inconsistently.
    conf.set("fs.s3a.impl", RetryingS3AFileSystem.class.getName());
    if (endpoint != null) {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--s3-endpoint: not a URL: " + endpoint);
      }
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("--s3-endpoint: expected http://HOST:PORT or https://HOST:PORT, was " + endpoint);
      }
      conf.set("fs.s3a.endpoint", endpoint);
      conf.setBoolean("fs.s3a.path.style.access", true);
      conf.setBoolean("fs.s3a.connection.ssl.enabled", uri.getScheme().equals("https"));
    }
    conf.set("fs.s3a.endpoint.region", region == null ? "us-east-1" : region);
    // Many outputs of one job at once: more connections than S3A's default, still bounded.
    conf.setIfUnset("fs.s3a.connection.maximum", "96");
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (isSecretKey(e.getKey())) {
        throw new IllegalArgumentException("--hadoop-conf " + e.getKey() + ": secrets are not taken from flags;"
            + " set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use Hadoop's credential provider path)");
      }
      conf.set(e.getKey(), e.getValue());
    }
    return conf;
  }

  /** {@code key=value} options, in order. */
  public static Map<String, String> parsePairs(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--hadoop-conf: expected KEY=VALUE, was '" + p + "'");
      }
      out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return out;
  }

  /** A failure to use a bucket, in one line, with no secret in it. */
  public static final class AccessException extends IOException {
    private static final long serialVersionUID = 1L;

    AccessException(String message) {
      super(message);
    }
  }

  /**
   * Lists one key under each location's prefix, with few retries and short timeouts, and turns what
   * goes wrong into one line: the endpoint unreachable, the bucket missing, access denied.
   */
  public static void check(Configuration conf, List<String> locations) throws AccessException {
    Configuration quick = new Configuration(conf);
    quick.setInt("fs.s3a.attempts.maximum", 1);
    quick.setInt("fs.s3a.retry.limit", 1);
    quick.set("fs.s3a.retry.interval", "200ms");
    quick.set("fs.s3a.connection.establish.timeout", "5s");
    quick.set("fs.s3a.connection.timeout", "15s");
    List<String> seen = new ArrayList<>();
    for (String location : locations) {
      if (location == null || !location.startsWith("s3a://")) {
        continue;
      }
      String bucket = bucketOf(location);
      if (seen.contains(bucket)) {
        continue;
      }
      seen.add(bucket);
      String endpoint = conf.get("fs.s3a.endpoint", "the default S3 endpoint");
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3a://" + bucket + "/"), quick)) {
        fs.listStatusIterator(new Path("s3a://" + bucket + "/")).hasNext();
      } catch (IOException | RuntimeException e) {
        throw new AccessException(describe(e, bucket, endpoint));
      }
    }
  }

  static String describe(Throwable e, String bucket, String endpoint) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getSimpleName();
      String m = String.valueOf(t.getMessage());
      if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException || m.contains("Connection refused")
          || t instanceof java.net.SocketTimeoutException || t instanceof InterruptedIOException
          || name.contains("ConnectTimeout")) {
        return "cannot reach the S3 endpoint " + endpoint + " (" + innermost(e) + ")";
      }
      if (name.equals("UnknownStoreException") || m.contains("NoSuchBucket") || m.contains("does not exist")) {
        return "bucket '" + bucket + "' does not exist at " + endpoint;
      }
      if (name.equals("AccessDeniedException") || m.contains("403") || m.contains("InvalidAccessKeyId")
          || m.contains("SignatureDoesNotMatch") || name.equals("NoAuthWithAWSException")) {
        return "access to bucket '" + bucket + "' at " + endpoint + " denied: check the credentials"
            + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or Hadoop's provider chain)";
      }
    }
    return "cannot use bucket '" + bucket + "' at " + endpoint + ": " + firstLine(String.valueOf(e.getMessage()));
  }

  /** The innermost cause's own words: "Connection refused", say. */
  static String innermost(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = firstLine(String.valueOf(t.getMessage()));
    int colon = m.lastIndexOf(": ");
    return colon >= 0 ? m.substring(colon + 2) : m;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
