package dev.gstbeam.internal.transcode;

/**
 * Output frame size: square pixels, the source's display aspect, at most {@code maxHeight} lines and
 * never more lines than the source (no upscaling), both dimensions even (4:2:0 needs it).
 *
 * @param width output width in pixels
 * @param height output height in pixels
 */
public record OutputGeometry(int width, int height) {

  /**
   * @param srcWidth coded width
   * @param srcHeight coded height
   * @param parN pixel aspect numerator (1 when unknown)
   * @param parD pixel aspect denominator (1 when unknown)
   * @param maxHeight the profile's cap
   */
  public static OutputGeometry of(int srcWidth, int srcHeight, int parN, int parD, int maxHeight) {
    if (srcWidth <= 0 || srcHeight <= 0) {
      throw new IllegalArgumentException("no frame size: " + srcWidth + "x" + srcHeight);
    }
    if (parN <= 0 || parD <= 0) {
      parN = 1;
      parD = 1;
    }
    double displayWidth = (double) srcWidth * parN / parD;
    int h = even(Math.min(srcHeight, maxHeight), false);
    int w = even((int) Math.round(displayWidth * h / srcHeight), true);
    return new OutputGeometry(Math.max(2, w), Math.max(2, h));
  }

  private static int even(int v, boolean nearest) {
    if (v % 2 == 0) {
      return v;
    }
    return nearest ? v + 1 : v - 1;
  }

  /** Display aspect ratio of this size. */
  public double aspect() {
    return (double) width / height;
  }
}
