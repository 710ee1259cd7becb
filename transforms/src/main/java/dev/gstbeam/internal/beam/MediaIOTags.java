package dev.gstbeam.internal.beam;

/** Tag ids shared by the transforms and their DoFns. */
public final class MediaIOTags {
  private MediaIOTags() {}

  public static final String MEDIA = "media";
  public static final String FAILURES = "failures";
  public static final String KEYFRAMES = "keyframes";
}
