package dev.gstbeam.runners;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** GET requests to a Flink cluster's REST API, with a deadline that holds. */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private FlinkRest() {}

  /** {@code url}'s JSON body; IOException when it does not answer 200 within about {@code seconds}. */
  public static JsonNode get(String url, int seconds) throws IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      // The request timeout alone has been seen not to fire against a JobManager that accepted the
      // connection and hung; the future's does.
      r = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(seconds)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).get(seconds + 1L, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(url + ": " + e, e);
    }
    if (r.statusCode() != 200) {
      throw new IOException(url + ": HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }
}
