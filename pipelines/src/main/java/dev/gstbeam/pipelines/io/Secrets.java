package dev.gstbeam.pipelines.io;

import java.util.ArrayList;
import java.util.List;

/** Keeps the credentials this process was given out of what it prints. */
public final class Secrets {
  private Secrets() {}

  private static final String[] VARIABLES = {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};

  /** {@code text} with every secret from the environment replaced by {@code ***}. */
  public static String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets()) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  static List<String> secrets() {
    List<String> out = new ArrayList<>();
    for (String v : VARIABLES) {
      String s = System.getenv(v);
      if (s != null && s.length() >= 4) {
        out.add(s);
      }
    }
    return out;
  }
}
