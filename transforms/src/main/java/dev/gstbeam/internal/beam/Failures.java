package dev.gstbeam.internal.beam;

import dev.gstbeam.FailureReason;
import dev.gstbeam.Stage;
import dev.gstbeam.model.Failure;

/** Failure records as the DoFns emit them. */
final class Failures {
  private Failures() {}

  static Failure of(String uri, Stage stage, FailureReason reason, String message, int attempts) {
    return Failure.newBuilder()
        .setUri(uri)
        .setStage(stage.wireName())
        .setReason(reason.name())
        .setMessage(message == null ? "" : message)
        .setAttempts(attempts)
        .build();
  }
}
