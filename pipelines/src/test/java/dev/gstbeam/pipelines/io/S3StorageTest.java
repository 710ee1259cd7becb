package dev.gstbeam.pipelines.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.Test;

/** The S3A configuration a job registers, the refusal of secrets as options, and the one-line causes. */
public class S3StorageTest {
  @Test
  public void anEndpointGivesPathStyleAccessAndTlsFollowsItsScheme() {
    Configuration c = S3Storage.configuration("archive", "http://127.0.0.1:9000", null, Map.of());
    assertEquals("s3a://archive", c.get("fs.defaultFS"));
    assertEquals("http://127.0.0.1:9000", c.get("fs.s3a.endpoint"));
    assertTrue(c.getBoolean("fs.s3a.path.style.access", false));
    assertFalse(c.getBoolean("fs.s3a.connection.ssl.enabled", true));
    assertEquals("us-east-1", c.get("fs.s3a.endpoint.region"));
    Configuration tls = S3Storage.configuration("a", "https://s3.example.org", "eu-west-1",
        S3Storage.parsePairs(List.of("fs.s3a.connection.maximum=7")));
    assertTrue(tls.getBoolean("fs.s3a.connection.ssl.enabled", false));
    assertEquals("eu-west-1", tls.get("fs.s3a.endpoint.region"));
    assertEquals("7", tls.get("fs.s3a.connection.maximum"));
  }

  @Test
  public void s3aIsTheRetryingFileSystem() throws Exception {
    // Hadoop resolves the scheme through fs.s3a.impl: the job's file system is the subclass whose
    // rename is tried again (no request is made here: S3A does not probe the bucket on start).
    Configuration conf = S3Storage.configuration("bucket", "http://127.0.0.1:9", null, Map.of());
    conf.setInt("fs.s3a.bucket.probe", 0);
    try (org.apache.hadoop.fs.FileSystem fs =
        org.apache.hadoop.fs.FileSystem.newInstance(java.net.URI.create("s3a://bucket/"), conf)) {
      assertEquals(RetryingS3AFileSystem.class, fs.getClass());
    }
  }

  @Test
  public void secretsAreRefusedAsOptionsWithoutEchoingThem() {
    for (String key : List.of("fs.s3a.secret.key", "fs.s3a.access.key", "fs.s3a.session.token",
        "fs.s3a.bucket.archive.secret.key")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Storage.configuration("a",
          null, null, S3Storage.parsePairs(List.of(key + "=Hidden-Value-123"))));
      assertThat(e.getMessage(), containsString("AWS_SECRET_ACCESS_KEY"));
      assertFalse(e.getMessage().contains("Hidden-Value-123"));
    }
    // Naming a provider is not a secret.
    S3Storage.configuration("a", null, null, S3Storage.parsePairs(List.of(
        "fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")));
  }

  @Test
  public void badValuesAreNamed() {
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> S3Storage.configuration("a", "ftp://x", null, Map.of())).getMessage(), containsString("--s3-endpoint"));
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> S3Storage.parsePairs(List.of("novalue"))).getMessage(), containsString("--hadoop-conf"));
  }

  @Test
  public void causesAreTold() {
    assertThat(S3Storage.describe(new java.io.IOException("listObjects", new java.net.ConnectException(
        "Connect to 127.0.0.1:9 failed: Connection refused")), "b", "http://127.0.0.1:9"),
        containsString("cannot reach the S3 endpoint http://127.0.0.1:9 (Connection refused)"));
    assertThat(S3Storage.describe(new java.nio.file.AccessDeniedException("s3a://b/: 403 Forbidden"), "b", "E"),
        containsString("access to bucket 'b' at E denied"));
    assertEquals("archive", S3Storage.bucketOf("s3a://archive/in/**"));
    assertTrue(S3Storage.uses("/local", "s3a://b/x"));
    assertFalse(S3Storage.uses("/local", null));
  }
}
