package dev.gstbeam.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-protocol server (S3Proxy with its filesystem backend) on loopback, run as a separate JVM, for tests.
 *
 * <p>The S3Proxy jar is copied by the pipelines pom to {@code target/s3proxy/s3proxy.jar}; surefire runs in the module
 * directory. Objects live under {@link #dataDir()} ({@code DIR/BUCKET/KEY}), which survives {@link #restart()}. The
 * properties file and the server's log are kept in a temporary directory of their own, deleted by {@link #close()}.
 */
final class S3Server implements AutoCloseable {
  static final Path JAR = Paths.get("target/s3proxy/s3proxy.jar");
  /**
   * S3Proxy's NIO.2 filesystem store. The older jclouds {@code filesystem} provider (deprecated in S3Proxy 2.6) lists
   * phantom directory entries ({@code "dir/"}) for every directory that holds objects, unlike S3.
   */
  private static final String PROVIDER = "filesystem-nio2";
  private static final long START_TIMEOUT_MS = 60_000;
  private static final long STOP_TIMEOUT_MS = 10_000;
  private static final long PORT_RELEASE_TIMEOUT_MS = 30_000;

  private final Path dataDir;
  private final String accessKey;
  private final String secret;
  private final int port;
  private final Path workDir;
  private final Path properties;
  private final Path log;
  private Process process;
  private S3Client client;

  private S3Server(Path dataDir, String accessKey, String secret, int port, Path workDir) {
    this.dataDir = dataDir;
    this.accessKey = accessKey;
    this.secret = secret;
    this.port = port;
    this.workDir = workDir;
    this.properties = workDir.resolve("s3proxy.properties");
    this.log = workDir.resolve("s3proxy.log");
  }

  /** Starts S3Proxy on a free loopback port, storing objects under {@code dataDir}; returns once it answers HTTP. */
  static S3Server start(Path dataDir, String accessKey, String secret) throws IOException, InterruptedException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("S3Proxy jar missing: " + JAR.toAbsolutePath()
          + " (copied by the pipelines pom in generate-test-resources)");
    }
    Path data = Files.createDirectories(dataDir).toAbsolutePath();
    Path work = Files.createTempDirectory("s3proxy-");
    S3Server server = new S3Server(data, accessKey, secret, freePort(), work);
    try {
      server.writeProperties();
      server.launch();
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  /** The server's combined stdout/stderr (all runs, appended). */
  Path log() {
    return log;
  }

  /** Stops the server process (gracefully, then forcibly after 10 s) and waits until the port refuses connections. */
  synchronized void stop() throws InterruptedException {
    Process p = process;
    process = null;
    if (p != null) {
      p.destroy();
      if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    }
    long deadline = System.currentTimeMillis() + PORT_RELEASE_TIMEOUT_MS;
    while (accepts()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("port " + port + " still accepts connections after the server stopped");
      }
      Thread.sleep(100);
    }
  }

  /** Stops the server and starts it again on the same port and data directory; returns once it answers HTTP. */
  synchronized void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  /** Stops the server, closes {@link #client()} and deletes the temporary directory (not the data directory). */
  @Override
  public synchronized void close() throws IOException, InterruptedException {
    try {
      stop();
    } finally {
      if (client != null) {
        client.close();
        client = null;
      }
      deleteTree(workDir);
    }
  }

  /** A client for this server with its credentials, shared by the helpers; closed by {@link #close()}, not by callers. */
  synchronized S3Client client() {
    if (client == null) {
      client = newClient(accessKey, secret);
    }
    return client;
  }

  /** A new client for this server with the given credentials; the caller closes it. */
  S3Client newClient(String accessKey, String secret) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClientBuilder(ApacheHttpClient.builder())
        // SDK 2.30+ adds CRC checksums (aws-chunked trailers) to every upload by default; only send/validate them
        // where the operation requires it.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  void createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
  }

  void upload(String bucket, String key, Path file) {
    client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  /** Downloads an object to {@code to}, replacing it if it exists. */
  void download(String bucket, String key, Path to) throws IOException {
    Path parent = to.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (InputStream in = client().getObject(b -> b.bucket(bucket).key(key))) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  byte[] get(String bucket, String key) {
    return client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  /** All keys in {@code bucket} starting with {@code prefix} ({@code null} or empty: all), across pages. */
  List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    client().listObjectsV2Paginator(b -> {
      b.bucket(bucket);
      if (prefix != null && !prefix.isEmpty()) {
        b.prefix(prefix);
      }
    }).contents().stream().map(S3Object::key).forEach(keys::add);
    return keys;
  }

  private void writeProperties() throws IOException {
    try (Writer w = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
      // java.util.Properties syntax; values escaped where Properties would read them differently.
      w.write("s3proxy.authorization=aws-v2-or-v4\n");
      w.write("s3proxy.endpoint=" + endpoint() + "\n");
      w.write("s3proxy.identity=" + escape(accessKey) + "\n");
      w.write("s3proxy.credential=" + escape(secret) + "\n");
      w.write("jclouds.provider=" + PROVIDER + "\n");
      // The backend's own credentials: unused by a local filesystem store, but filesystem-nio2 requires them.
      w.write("jclouds.identity=local\n");
      w.write("jclouds.credential=local\n");
      w.write("jclouds.filesystem.basedir=" + escape(dataDir.toString()) + "\n");
    }
  }

  private static String escape(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case ' ' -> sb.append(i == 0 ? "\\ " : " ");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private synchronized void launch() throws IOException, InterruptedException {
    if (process != null) {
      throw new IllegalStateException("already running");
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dfile.encoding=UTF-8",
        "-jar", JAR.toAbsolutePath().toString(), "--properties", properties.toString())
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Keys are stored as file names: make sure the server JVM maps them as UTF-8.
    Map<String, String> env = pb.environment();
    if (!isUtf8Locale(env)) {
      env.put("LC_ALL", "C.UTF-8");
    }
    Process p = pb.start();
    process = p;
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (true) {
      if (!p.isAlive()) {
        process = null;
        throw new IllegalStateException("S3Proxy exited with status " + p.exitValue() + " before answering on port "
            + port + "; log tail:\n" + logTail());
      }
      if (answersHttp()) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        process = null;
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        throw new IllegalStateException("S3Proxy did not answer on port " + port + " within "
            + START_TIMEOUT_MS / 1000 + " s; log tail:\n" + logTail());
      }
      Thread.sleep(200);
    }
  }

  private static boolean isUtf8Locale(Map<String, String> env) {
    for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
      String v = env.get(name);
      if (v != null && !v.isEmpty()) {
        String lower = v.toLowerCase();
        return lower.contains("utf-8") || lower.contains("utf8");
      }
    }
    return false;
  }

  /** Whether an HTTP request to the server gets any HTTP response (any status). */
  private boolean answersHttp() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      c.setUseCaches(false);
      try {
        return c.getResponseCode() > 0;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logTail() {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 8192);
      byte[] buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
