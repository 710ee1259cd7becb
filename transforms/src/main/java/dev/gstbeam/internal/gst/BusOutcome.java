package dev.gstbeam.internal.gst;

import dev.gstbeam.internal.probe.GstStructureText;
import java.util.List;

/**
 * How a pipeline run ended, read from its bus on the caller's thread.
 *
 * @param end why the run stopped
 * @param error the first error, when {@code end} is {@link End#ERROR}
 * @param errorSource name of the element that posted the error
 * @param warnings warning texts, in order
 * @param tags tag lists seen, in order
 * @param hasToc whether a TOC message was seen
 */
public record BusOutcome(
    End end,
    NativeError error,
    String errorSource,
    List<String> warnings,
    List<GstStructureText> tags,
    boolean hasToc) {

  public enum End {
    /** The pipeline reached PAUSED with data at every sink. */
    PREROLLED,
    /** End of stream reached every sink. */
    EOS,
    /** An element posted an error. */
    ERROR,
    /** The watchdog deadline passed first. */
    TIMEOUT,
    /** The caller had seen enough before the end of stream (see PipelineSession#play with a condition). */
    ENOUGH
  }

  public boolean ok() {
    return end == End.PREROLLED || end == End.EOS || end == End.ENOUGH;
  }
}
