package dev.gstbeam.internal.worker;

import java.io.Serializable;

/** Native work for one input, run in a worker process. */
public interface WorkerTask<T extends Serializable> extends Serializable {
  /** Runs in the worker. */
  T run() throws Exception;

  /** The input this task reads (for messages and the tests' fault injection). */
  String input();
}
