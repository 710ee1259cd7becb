package dev.gstbeam.internal.gst;

import static org.junit.Assert.assertEquals;

import dev.gstbeam.FailureReason;
import org.junit.Test;

public class NativeErrorsTest {
  private static final String LIBRARY = "gst-library-error-quark";
  private static final String STREAM = "gst-stream-error-quark";
  private static final String CORE = "gst-core-error-quark";

  @Test
  public void aDecoderLibraryRefusingTheInputIsCorruptWhenOnlyReading() {
    // aom's av1dec on a damaged frame: LIBRARY/INIT (1) "Failed to decode frame" (testdata/fuzz).
    assertEquals(FailureReason.CORRUPT, NativeErrors.reasonForReader(LIBRARY, 1, "Failed to decode frame"));
    assertEquals(FailureReason.CORRUPT, NativeErrors.reasonForReader(LIBRARY, 5, "Failed to decode frame"));
    // Where gstbeam configures an encoder, a library error may be its own: still INTERNAL there.
    assertEquals(FailureReason.INTERNAL, NativeErrors.reasonFor(LIBRARY, 1, "can not initialize x264 encoder"));
  }

  @Test
  public void theReaderMappingIsTheGeneralOneForEveryOtherDomain() {
    for (String domain : new String[] {STREAM, CORE, "gst-resource-error-quark", "other", null}) {
      for (int code = 0; code <= 14; code++) {
        for (String message : new String[] {"", "This appears to be a text file"}) {
          assertEquals(domain + " " + code, NativeErrors.reasonFor(domain, code, message),
              NativeErrors.reasonForReader(domain, code, message));
        }
      }
    }
    assertEquals(FailureReason.NOT_MEDIA, NativeErrors.reasonForReader(STREAM, 4, "Could not determine type of stream."));
    assertEquals(FailureReason.MISSING_PLUGIN, NativeErrors.reasonForReader(CORE, 12, "missing plugin"));
  }
}
