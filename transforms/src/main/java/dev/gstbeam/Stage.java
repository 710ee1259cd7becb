package dev.gstbeam;

import java.util.Locale;

/** Where in the job an input failed. Serialised in lower case (the contract's vocabulary). */
public enum Stage {
  PROBE,
  PLAN,
  TRANSCODE,
  STITCH,
  VERIFY,
  WRITE;

  /** The contract's name: probe, plan, transcode, stitch, verify or write. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
