package dev.gstbeam.pipelines.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** The job's accounting: inputs = succeeded + failed, always. Serialised as summary.json. */
public final class Summary implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  long succeeded;
  long failed;
  double mediaSeconds;
  final TreeMap<String, Long> failuresByReason = new TreeMap<>();

  public long inputs() {
    return succeeded + failed;
  }

  public long succeeded() {
    return succeeded;
  }

  public long failed() {
    return failed;
  }

  public double mediaSeconds() {
    return mediaSeconds;
  }

  public Map<String, Long> failuresByReason() {
    return failuresByReason;
  }

  /** One input's share: succeeded or failed (with its reason), and its media seconds. */
  public static Summary ofOne(boolean ok, String reason, double mediaSeconds) {
    Summary s = new Summary();
    if (ok) {
      s.succeeded = 1;
    } else {
      s.failed = 1;
      s.failuresByReason.put(reason == null ? "INTERNAL" : reason, 1L);
    }
    s.mediaSeconds = mediaSeconds;
    return s;
  }

  /** Sums summaries (a combiner). */
  public static Summary sum(Iterable<Summary> parts) {
    Summary total = new Summary();
    for (Summary s : parts) {
      total.merge(s);
    }
    return total;
  }

  Summary merge(Summary o) {
    succeeded += o.succeeded;
    failed += o.failed;
    mediaSeconds += o.mediaSeconds;
    o.failuresByReason.forEach((k, v) -> failuresByReason.merge(k, v, Long::sum));
    return this;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Summary)) {
      return false;
    }
    Summary s = (Summary) o;
    return succeeded == s.succeeded
        && failed == s.failed
        && Double.compare(mediaSeconds, s.mediaSeconds) == 0
        && failuresByReason.equals(s.failuresByReason);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(succeeded, failed, mediaSeconds, failuresByReason);
  }

  public String toJson(Double wallSeconds) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("inputs", inputs());
    n.put("succeeded", succeeded);
    n.put("failed", failed);
    ObjectNode reasons = n.putObject("failures_by_reason");
    failuresByReason.forEach(reasons::put);
    n.put("media_seconds", Math.round(mediaSeconds * 1000) / 1000.0);
    if (wallSeconds != null) {
      n.put("wall_seconds", Math.round(wallSeconds * 1000) / 1000.0);
    }
    return n.toString();
  }

  public static Summary fromJson(String json) {
    try {
      var n = MAPPER.readTree(json);
      Summary s = new Summary();
      s.succeeded = n.path("succeeded").asLong();
      s.failed = n.path("failed").asLong();
      s.mediaSeconds = n.path("media_seconds").asDouble();
      n.path("failures_by_reason").fields().forEachRemaining(e -> s.failuresByReason.put(e.getKey(), e.getValue().asLong()));
      return s;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a summary: " + json, e);
    }
  }
}
