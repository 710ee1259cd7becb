package dev.gstbeam.internal.transcode;

import java.util.ArrayDeque;

/**
 * Pairs two streams of equally sized 8-bit frames by index as they arrive, each stream from its own
 * thread, and adds each pair's squared error to a {@link Psnr}. Used to compare, while a transcode runs,
 * the frames fed to the video encoder ("reference") with the encoder's output decoded again
 * ("decoded"): the decoded side trails by the encoder's delay (look-ahead, B-frames, frame threads).
 *
 * <p>Frames of the stream that runs ahead wait in a backlog bounded in bytes. Past the bound the
 * pairing stops and says so ({@link #overflowed()}) instead of holding more memory; the caller then
 * compares another way. Frame arrays are reused ({@link #buffer()}), so a steady run allocates about
 * the backlog once.
 */
public final class FramePairs {
  private static final int SPARE = 8;

  private final int frameBytes;
  private final long maxBacklogBytes;
  private final ArrayDeque<byte[]> references = new ArrayDeque<>();
  private final ArrayDeque<byte[]> decoded = new ArrayDeque<>();
  private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
  private final Psnr psnr = new Psnr();
  private long referenceCount;
  private long decodedCount;
  private long pairs;
  private long pairsStarted;
  private final long[] firstSquares;
  private int mostWaiting;
  private boolean overflowed;

  /**
   * @param frameBytes the size of every frame, in samples (bytes)
   * @param maxBacklogBytes how much the stream running ahead may hold before pairing gives up
   */
  public FramePairs(int frameBytes, long maxBacklogBytes) {
    this(frameBytes, maxBacklogBytes, 0);
  }

  /**
   * As {@link #FramePairs(int, long)}, also keeping the squared error of each of the first
   * {@code keepFirst} pairs ({@link #psnrOfFirst(int)}).
   */
  public FramePairs(int frameBytes, long maxBacklogBytes, int keepFirst) {
    if (frameBytes <= 0) {
      throw new IllegalArgumentException("frameBytes must be positive: " + frameBytes);
    }
    this.frameBytes = frameBytes;
    this.maxBacklogBytes = maxBacklogBytes;
    this.firstSquares = new long[keepFirst];
  }

  public int frameBytes() {
    return frameBytes;
  }

  /** An array of {@link #frameBytes()} to fill with the next frame: a reused one when there is one. */
  public byte[] buffer() {
    synchronized (this) {
      byte[] b = spare.poll();
      if (b != null) {
        return b;
      }
    }
    return new byte[frameBytes];
  }

  /** The next frame fed to the encoder. The array belongs to this object from now on. */
  public void reference(byte[] frame) {
    add(true, frame);
  }

  /** The next frame of the encoder's output, decoded. The array belongs to this object from now on. */
  public void decoded(byte[] frame) {
    add(false, frame);
  }

  private void add(boolean reference, byte[] frame) {
    if (frame.length != frameBytes) {
      throw new IllegalArgumentException("frame of " + frame.length + " bytes, expected " + frameBytes);
    }
    byte[] other;
    long index;
    synchronized (this) {
      if (reference) {
        referenceCount++;
      } else {
        decodedCount++;
      }
      if (overflowed) {
        recycle(frame);
        return;
      }
      other = (reference ? decoded : references).poll();
      if (other == null) {
        (reference ? references : decoded).add(frame);
        mostWaiting = Math.max(mostWaiting, references.size() + decoded.size());
        if ((long) (references.size() + decoded.size()) * frameBytes > maxBacklogBytes) {
          overflowed = true;
          references.clear();
          decoded.clear();
        }
        return;
      }
      index = pairsStarted++;
    }
    // Outside the lock: the two streaming threads compare in parallel. Each side arrives in order, so
    // the n-th frame of one side always meets the n-th of the other.
    long sq = Psnr.squaredErrors(frame, other, frameBytes);
    synchronized (this) {
      psnr.add(sq, frameBytes);
      pairs++;
      if (index < firstSquares.length) {
        firstSquares[(int) index] = sq;
      }
      recycle(frame);
      recycle(other);
    }
  }

  private void recycle(byte[] frame) {
    if (spare.size() < SPARE) {
      spare.add(frame);
    }
  }

  /** What was seen and compared so far. */
  public synchronized Result result() {
    long[] first = java.util.Arrays.copyOf(firstSquares, (int) Math.min(firstSquares.length, overflowed ? 0 : pairs));
    return new Result(referenceCount, decodedCount, pairs, overflowed, mostWaiting, psnr.mean(), psnr.min(),
        first, frameBytes);
  }

  /** True once the backlog passed its bound: no further pairs are compared. */
  public synchronized boolean overflowed() {
    return overflowed;
  }

  /**
   * @param referenceFrames frames fed to the encoder
   * @param decodedFrames frames decoded from its output
   * @param pairs pairs compared (the smaller count, unless {@code overflowed})
   * @param overflowed the backlog passed its bound and the PSNR covers only the first {@code pairs}
   * @param mostWaiting the most frames held at once, waiting for their partner (the encoder's delay)
   * @param psnrMean PSNR of the mean squared error over the pairs (ffmpeg's "average"), NaN with none
   * @param psnrMin PSNR of the worst pair, NaN with none
   * @param firstSquares squared errors of the first pairs, in index order (as many as were kept)
   * @param frameBytes samples per frame
   */
  public record Result(long referenceFrames, long decodedFrames, long pairs, boolean overflowed, int mostWaiting,
      double psnrMean, double psnrMin, long[] firstSquares, int frameBytes) {

    /** PSNR (of the mean squared error) of the first {@code n} pairs; NaN when fewer were kept. */
    public double psnrOfFirst(int n) {
      if (n <= 0 || n > firstSquares.length) {
        return Double.NaN;
      }
      Psnr first = new Psnr();
      for (int i = 0; i < n; i++) {
        first.add(firstSquares[i], frameBytes);
      }
      return first.mean();
    }


    /** Every frame on both sides compared with its partner, and as many on each side. */
    public boolean complete() {
      return !overflowed && referenceFrames == decodedFrames && pairs == referenceFrames;
    }
  }
}
