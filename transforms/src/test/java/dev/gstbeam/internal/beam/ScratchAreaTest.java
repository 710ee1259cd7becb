package dev.gstbeam.internal.beam;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The scratch area's bounds, sharing and eviction, with local files standing for remote objects. */
public class ScratchAreaTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private String object(String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    Path p = tmp.getRoot().toPath().resolve(name);
    Files.write(p, b);
    return p.toAbsolutePath().toString();
  }

  @Test
  public void copiesAreSharedWhileLeasedAndEqualToTheSource() throws Exception {
    ScratchArea area = new ScratchArea(tmp.newFolder("scratch").toPath(), 1_000_000);
    String a = object("a.bin", 300_000);
    try (ScratchArea.Lease l1 = area.acquire(a, 300_000); ScratchArea.Lease l2 = area.acquire(a, 300_000)) {
      assertEquals(l1.path(), l2.path());
      assertArrayEquals(Files.readAllBytes(tmp.getRoot().toPath().resolve("a.bin")), Files.readAllBytes(l1.path()));
      assertEquals(300_000, area.reservedBytes());
    }
  }

  @Test
  public void anObjectLargerThanTheBudgetFailsAtOnce() throws Exception {
    ScratchArea area = new ScratchArea(tmp.newFolder("scratch").toPath(), 100_000);
    String big = object("big.bin", 200_000);
    ScratchArea.FullException e = assertThrows(ScratchArea.FullException.class, () -> area.acquire(big, 200_000));
    assertTrue(e.getMessage(), e.getMessage().contains("does not fit"));
    assertEquals(0, area.reservedBytes());
  }

  @Test
  public void unusedCopiesAreEvictedToMakeRoomAndTheDiskStaysWithinBudget() throws Exception {
    Path dir = tmp.newFolder("scratch").toPath();
    ScratchArea area = new ScratchArea(dir, 500_000);
    String a = object("a.bin", 300_000);
    String b = object("b.bin", 300_000);
    Path first;
    try (ScratchArea.Lease l = area.acquire(a, 300_000)) {
      first = l.path();
    }
    try (ScratchArea.Lease l = area.acquire(b, 300_000)) {
      assertFalse("a's copy was evicted for b's", Files.exists(first));
      assertEquals(300_000, area.reservedBytes());
      try (java.util.stream.Stream<Path> files = Files.list(dir)) {
        assertEquals(1, files.count());
      }
    }
  }

  @Test
  public void aCopyWaitsForRoomWhileAnotherIsInUse() throws Exception {
    ScratchArea area = new ScratchArea(tmp.newFolder("scratch").toPath(), 500_000);
    String a = object("a.bin", 300_000);
    String b = object("b.bin", 300_000);
    ScratchArea.Lease held = area.acquire(a, 300_000);
    CompletableFuture<Path> second = CompletableFuture.supplyAsync(() -> {
      try (ScratchArea.Lease l = area.acquire(b, 300_000)) {
        return l.path();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(1500);
    assertFalse("b must wait while a is in use", second.isDone());
    held.close();
    assertNotEquals(held.path(), second.get(10, TimeUnit.SECONDS));
  }

  @Test
  public void aMissingObjectFailsWithoutRetriesAndFreesItsReservation() throws Exception {
    ScratchArea area = new ScratchArea(tmp.newFolder("scratch").toPath(), 500_000);
    String missing = "" + tmp.getRoot().toPath().resolve("missing.bin");
    long t0 = System.nanoTime();
    assertThrows(IOException.class, () -> area.acquire(missing, 1000));
    assertTrue("not retried", (System.nanoTime() - t0) / 1e9 < 1);
    assertEquals(0, area.reservedBytes());
  }

  @Test
  public void transientAndDeterministicFailuresAreTold() {
    assertTrue(Retry.transient_(new ConnectException("Connection refused")));
    assertTrue(Retry.transient_(new IOException("reset", new java.net.SocketException("Connection reset"))));
    assertFalse(Retry.transient_(new java.io.FileNotFoundException("no such key")));
    assertFalse(Retry.transient_(new java.nio.file.AccessDeniedException("s3a://b/k: 403")));
    assertFalse(Retry.transient_(new ScratchArea.FullException("full")));
  }
}
