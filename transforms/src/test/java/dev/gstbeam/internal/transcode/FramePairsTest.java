package dev.gstbeam.internal.transcode;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;

/** Pairing encoder input with its decoded output by index, from two threads: pure, no GStreamer. */
public class FramePairsTest {
  private static final int BYTES = 600;

  private static byte[] frame(int value) {
    byte[] f = new byte[BYTES];
    Arrays.fill(f, (byte) value);
    return f;
  }

  /** An MSE of d*d: PSNR = 10 log10(255^2 / d^2). */
  private static double psnrOfConstantError(int d) {
    return 10 * Math.log10(255.0 * 255.0 / (d * d));
  }

  @Test
  public void pairsByIndexWhicheverSideRunsAhead() {
    FramePairs pairs = new FramePairs(BYTES, 100L * BYTES, 2);
    // Three references before any decoded frame (the encoder's delay), then the rest interleaved.
    pairs.reference(frame(10));
    pairs.reference(frame(20));
    pairs.reference(frame(30));
    pairs.decoded(frame(11)); // error 1
    pairs.decoded(frame(20)); // identical
    pairs.reference(frame(40));
    pairs.decoded(frame(34)); // error 4, the worst
    pairs.decoded(frame(41)); // error 1
    FramePairs.Result r = pairs.result();
    assertTrue(r.complete());
    assertEquals(4, r.pairs());
    assertEquals(3, r.mostWaiting());
    // Mean of the per-frame MSEs (1, 0, 16, 1) = 4.5; worst frame's MSE 16.
    assertEquals(10 * Math.log10(255.0 * 255.0 / 4.5), r.psnrMean(), 1e-9);
    assertEquals(psnrOfConstantError(4), r.psnrMin(), 1e-9);
    // The first two pairs kept: MSEs 1 and 0, mean 0.5.
    assertEquals(10 * Math.log10(255.0 * 255.0 / 0.5), r.psnrOfFirst(2), 1e-9);
    assertEquals(psnrOfConstantError(1), r.psnrOfFirst(1), 1e-9);
    assertTrue(Double.isNaN(r.psnrOfFirst(3)));
  }

  @Test
  public void aMissingDecodedFrameIsCountedNotHidden() {
    FramePairs pairs = new FramePairs(BYTES, 100L * BYTES);
    for (int i = 0; i < 5; i++) {
      pairs.reference(frame(i));
    }
    for (int i = 0; i < 4; i++) {
      pairs.decoded(frame(i));
    }
    FramePairs.Result r = pairs.result();
    assertFalse(r.complete());
    assertFalse(r.overflowed());
    assertEquals(5, r.referenceFrames());
    assertEquals(4, r.decodedFrames());
    assertEquals(4, r.pairs());
    assertEquals(Psnr.IDENTICAL, r.psnrMean(), 0);
  }

  @Test
  public void aBacklogPastItsBoundStopsPairingAndSaysSo() {
    FramePairs pairs = new FramePairs(BYTES, 3L * BYTES);
    for (int i = 0; i < 3; i++) {
      pairs.reference(frame(i));
    }
    assertFalse(pairs.overflowed());
    pairs.reference(frame(3)); // a fourth waiting frame: over 3 frames' worth
    assertTrue(pairs.overflowed());
    for (int i = 0; i < 4; i++) {
      pairs.decoded(frame(i));
    }
    FramePairs.Result r = pairs.result();
    assertTrue(r.overflowed());
    assertFalse(r.complete());
    assertEquals(0, r.pairs());
    assertEquals(4, r.referenceFrames());
    assertEquals(4, r.decodedFrames());
    assertTrue(Double.isNaN(r.psnrMean()));
  }

  @Test
  public void twoThreadsPairTheSameFramesAsOneThreadWould() throws Exception {
    int n = 2_000;
    byte[][] ref = new byte[n][];
    byte[][] dec = new byte[n][];
    Random random = new Random(42);
    long expectedSquares = 0;
    long worstSquares = 0;
    for (int i = 0; i < n; i++) {
      ref[i] = new byte[BYTES];
      dec[i] = new byte[BYTES];
      random.nextBytes(ref[i]);
      long frameSquares = 0;
      for (int j = 0; j < BYTES; j++) {
        int d = random.nextInt(7) - 3;
        int v = Math.max(0, Math.min(255, (ref[i][j] & 0xff) + d));
        dec[i][j] = (byte) v;
        int e = v - (ref[i][j] & 0xff);
        frameSquares += e * e;
      }
      expectedSquares += frameSquares;
      worstSquares = Math.max(worstSquares, frameSquares);
    }
    FramePairs pairs = new FramePairs(BYTES, (long) n * BYTES);
    Thread a = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        byte[] b = pairs.buffer();
        System.arraycopy(ref[i], 0, b, 0, BYTES);
        pairs.reference(b);
      }
    });
    Thread b = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        byte[] f = pairs.buffer();
        System.arraycopy(dec[i], 0, f, 0, BYTES);
        pairs.decoded(f);
      }
    });
    a.start();
    b.start();
    a.join();
    b.join();
    FramePairs.Result r = pairs.result();
    assertTrue(r.complete());
    assertEquals(n, r.pairs());
    double meanMse = (double) expectedSquares / BYTES / n;
    assertEquals(10 * Math.log10(255.0 * 255.0 / meanMse), r.psnrMean(), 1e-6);
    assertEquals(10 * Math.log10(255.0 * 255.0 / ((double) worstSquares / BYTES)), r.psnrMin(), 1e-6);
  }

  /** The worst case for the int chunks: every sample differs by 255, over more than one chunk. */
  @Test
  public void squaredErrorsHoldAtTheLargestDifference() {
    int n = 3 * 32_768 + 5;
    byte[] black = new byte[n];
    byte[] white = new byte[n];
    Arrays.fill(white, (byte) 255);
    assertEquals((long) n * 255 * 255, Psnr.squaredErrors(black, white, n));
    assertEquals((long) 10 * 255 * 255, Psnr.squaredErrors(black, white, 10));
  }

  @Test
  public void framesOfAnotherSizeAreRefused() {
    FramePairs pairs = new FramePairs(BYTES, 10L * BYTES);
    assertThrows(IllegalArgumentException.class, () -> pairs.reference(new byte[BYTES - 1]));
  }
}
