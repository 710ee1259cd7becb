package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link S3Server}: a real S3Proxy on loopback, driven by the SDK v2 client. */
public class S3ServerTest {
  private static final String BUCKET = "media-test";
  private static final String ODD_KEY = "dir with spaces/Ünïcödé – 日本語 clip (1).bin";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void roundTripsObjectsSurvivesRestartAndRejectsWrongSecret() throws Exception {
    Path data = tmp.newFolder("s3data").toPath();
    byte[] big = new byte[300 * 1024 + 17];
    new Random(42).nextBytes(big);
    byte[] small = "small object\n".getBytes(StandardCharsets.UTF_8);
    Path bigFile = tmp.getRoot().toPath().resolve("big.bin");
    Path smallFile = tmp.getRoot().toPath().resolve("small.txt");
    Files.write(bigFile, big);
    Files.write(smallFile, small);

    try (S3Server s3 = S3Server.start(data, "test-access", "test-secret-123")) {
      assertThat(s3.endpoint(), equalTo("http://127.0.0.1:" + s3.port()));
      assertThat(s3.dataDir(), equalTo(data.toAbsolutePath()));

      s3.createBucket(BUCKET);
      assertThat(s3.keys(BUCKET, null), is(empty()));

      s3.upload(BUCKET, "videos/big.bin", bigFile);
      s3.upload(BUCKET, ODD_KEY, smallFile);

      assertThat(s3.keys(BUCKET, null), containsInAnyOrder("videos/big.bin", ODD_KEY));
      assertThat(s3.keys(BUCKET, "videos/"), contains("videos/big.bin"));
      assertThat(s3.keys(BUCKET, "dir with spaces/"), contains(ODD_KEY));
      assertThat(s3.keys(BUCKET, "nothing-here/"), is(empty()));

      Path down = tmp.getRoot().toPath().resolve("down/big.bin");
      s3.download(BUCKET, "videos/big.bin", down);
      assertArrayEquals(big, Files.readAllBytes(down));
      // Downloading again replaces the existing file.
      s3.download(BUCKET, ODD_KEY, down);
      assertArrayEquals(small, Files.readAllBytes(down));
      assertArrayEquals(small, s3.get(BUCKET, ODD_KEY));

      int port = s3.port();
      s3.restart();
      assertThat(s3.port(), equalTo(port));
      assertThat(s3.keys(BUCKET, null), containsInAnyOrder("videos/big.bin", ODD_KEY));
      assertArrayEquals(big, s3.get(BUCKET, "videos/big.bin"));
      assertArrayEquals(small, s3.get(BUCKET, ODD_KEY));

      try (S3Client wrong = s3.newClient("test-access", "not-the-secret")) {
        wrong.listObjectsV2(b -> b.bucket(BUCKET));
        fail("listing with a wrong secret succeeded");
      } catch (S3Exception e) {
        assertThat(e.statusCode(), equalTo(403));
      }

      // Objects are plain files under DATA/BUCKET/KEY.
      assertArrayEquals(big, Files.readAllBytes(data.resolve(BUCKET).resolve("videos/big.bin")));
      assertArrayEquals(small, Files.readAllBytes(data.resolve(BUCKET).resolve(ODD_KEY)));
      // The server's log (both runs) exists and does not contain the secret.
      String log = Files.readString(s3.log(), StandardCharsets.UTF_8);
      assertThat(log, containsString("Started Server"));
      assertThat(log, not(containsString("test-secret-123")));
    }
  }

  @Test
  public void listsAcrossPages() throws Exception {
    Path data = tmp.newFolder("s3data").toPath();
    Path file = tmp.newFile("one.txt").toPath();
    Files.write(file, new byte[] {1, 2, 3});
    try (S3Server s3 = S3Server.start(data, "pager", "pager-secret")) {
      s3.createBucket("paged");
      // Pagination with small pages (max-keys 2) rather than uploading more than 1000 objects.
      for (int i = 0; i < 5; i++) {
        s3.upload("paged", "p/" + i, file);
      }
      int pages = 0;
      int seen = 0;
      for (var page : s3.client().listObjectsV2Paginator(b -> b.bucket("paged").maxKeys(2))) {
        pages++;
        seen += page.contents().size();
      }
      assertThat(pages, equalTo(3));
      assertThat(seen, equalTo(5));
      assertThat(s3.keys("paged", "p/"), contains("p/0", "p/1", "p/2", "p/3", "p/4"));
    }
  }
}
