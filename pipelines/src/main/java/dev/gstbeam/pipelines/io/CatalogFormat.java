package dev.gstbeam.pipelines.io;

import java.util.Locale;

/** Catalog file formats. */
public enum CatalogFormat {
  JSONL("jsonl"),
  AVRO("avro"),
  PARQUET("parquet");

  private final String suffix;

  CatalogFormat(String suffix) {
    this.suffix = suffix;
  }

  public String suffix() {
    return suffix;
  }

  public static CatalogFormat parse(String s) {
    for (CatalogFormat f : values()) {
      if (f.suffix.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + s + "' (valid: avro, parquet, jsonl)");
  }
}
