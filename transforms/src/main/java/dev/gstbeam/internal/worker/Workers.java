package dev.gstbeam.internal.worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker processes for {@code --isolation process}: GStreamer work runs in a child JVM per busy slot, so
 * a native crash ends that child, not the slot. A task whose worker dies is run once more in a fresh
 * worker (a crash can be the worker's bad luck); an input that kills two workers is quarantined: it
 * fails with the signal, and the job goes on. A task past its deadline gets its worker killed
 * ({@code TIMEOUT}). Idle workers are reused, one task at a time each.
 */
public final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  /** Workers one input may kill before it is quarantined. */
  public static final int POISON_PILL_LIMIT = 2;

  private Workers() {}

  /** What a task gave. Exactly one of: a value; a crash; a timeout; the task's own error. */
  public record Result<T>(T value, String crash, boolean timedOut, String error, int attempts) {
    public boolean ok() {
      return crash == null && !timedOut && error == null;
    }

    /** One line for a failure record. */
    public String message() {
      if (crash != null) {
        return "quarantined: the input crashed " + attempts + " worker processes (" + crash + ")";
      }
      if (timedOut) {
        return "the worker process did not answer in time and was killed";
      }
      return error;
    }
  }

  private static final Deque<Worker> IDLE = new ArrayDeque<>();

  /** Runs {@code task} in a worker, within {@code deadline}, retrying it once in a new worker after a crash. */
  public static <T extends Serializable> Result<T> call(WorkerTask<T> task, Duration deadline) throws IOException {
    String lastCrash = null;
    for (int attempt = 1; attempt <= POISON_PILL_LIMIT; attempt++) {
      Worker w = borrow();
      Outcome o = w.run(task, deadline);
      if (o.response != null) {
        release(w);
        @SuppressWarnings("unchecked")
        T value = (T) o.response.value();
        return new Result<>(value, null, false, o.response.error(), attempt);
      }
      if (o.timedOut) {
        return new Result<>(null, null, true, null, attempt);
      }
      lastCrash = o.crash;
      LOG.warn("worker process {} died on {} (attempt {} of {}): {}", w.pid(), task.input(), attempt,
          POISON_PILL_LIMIT, o.crash);
    }
    return new Result<>(null, lastCrash, false, null, POISON_PILL_LIMIT);
  }

  private static synchronized Worker borrow() throws IOException {
    while (!IDLE.isEmpty()) {
      Worker w = IDLE.pop();
      if (w.process.isAlive()) {
        return w;
      }
    }
    return Worker.start();
  }

  private static synchronized void release(Worker w) {
    IDLE.push(w);
  }

  private record Outcome(WorkerMain.Response response, String crash, boolean timedOut) {}

  private static final class Worker {
    final Process process;
    final Socket socket;
    final ObjectOutputStream out;
    final ObjectInputStream in;
    final Path errorFile;

    private Worker(Process process, Socket socket, ObjectOutputStream out, ObjectInputStream in, Path errorFile) {
      this.process = process;
      this.socket = socket;
      this.out = out;
      this.in = in;
      this.errorFile = errorFile;
    }

    long pid() {
      return process.pid();
    }

    static Worker start() throws IOException {
      String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      Path crashDir = Paths.get(System.getProperty("java.io.tmpdir"), "gstbeam", "workers");
      Files.createDirectories(crashDir);
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        server.setSoTimeout(60_000);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"));
        cmd.add("-XX:-UsePerfData");
        for (String p : new String[] {WorkerMain.FAULT_PROPERTY, "jna.nosys", "jna.tmpdir"}) {
          if (System.getProperty(p) != null) {
            cmd.add("-D" + p + "=" + System.getProperty(p));
          }
        }
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(WorkerMain.class.getName());
        cmd.add(String.valueOf(server.getLocalPort()));
        cmd.add(token);
        ProcessBuilder pb = new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process process = pb.start();
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException e) {
          process.destroyForcibly();
          throw new IOException("a worker process did not start within 60 s");
        }
        s.setTcpNoDelay(true);
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(s.getInputStream()));
        byte[] got = in.readNBytes(token.length());
        if (!new String(got, StandardCharsets.US_ASCII).equals(token)) {
          s.close();
          process.destroyForcibly();
          throw new IOException("a process other than the worker connected");
        }
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(s.getOutputStream()));
        out.flush();
        LOG.info("worker process {} started", process.pid());
        return new Worker(process, s, out, in, crashDir.resolve("hs_err_pid" + process.pid() + ".log"));
      }
    }

    Outcome run(WorkerTask<?> task, Duration deadline) {
      try {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, deadline.toMillis())));
        out.writeObject(task);
        out.flush();
        out.reset();
        return new Outcome((WorkerMain.Response) in.readObject(), null, false);
      } catch (SocketTimeoutException e) {
        kill();
        return new Outcome(null, null, true);
      } catch (IOException | ClassNotFoundException | ClassCastException e) {
        return new Outcome(null, death(), false);
      }
    }

    /** How the process ended: the signal, from the JVM's crash report when it wrote one. */
    private String death() {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          kill();
          return "the worker closed its connection and was killed";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly();
      int code = process.exitValue();
      String signal = null;
      if (Files.exists(errorFile)) {
        try (java.util.stream.Stream<String> lines = Files.lines(errorFile, StandardCharsets.ISO_8859_1)) {
          signal = lines.filter(l -> l.matches("#\\s+SIG[A-Z]+ \\(0x[0-9a-f]+\\).*")).findFirst()
              .map(l -> l.replaceFirst("#\\s+(SIG[A-Z]+) \\((0x[0-9a-f]+)\\).*", "$1"))
              .orElse(null);
          Files.deleteIfExists(errorFile);
        } catch (IOException | java.io.UncheckedIOException e) {
          // the exit code says enough
        }
      }
      if (signal != null) {
        return signal + " in native code (exit code " + code + ")";
      }
      return code > 128 ? signalName(code - 128) + " (exit code " + code + ")" : "exit code " + code;
    }

    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly();
    }

    private void closeQuietly() {
      try {
        socket.close();
      } catch (IOException e) {
        // gone already
      }
    }
  }

  static String signalName(int n) {
    switch (n) {
      case 4: return "SIGILL";
      case 6: return "SIGABRT";
      case 7: return "SIGBUS";
      case 8: return "SIGFPE";
      case 9: return "SIGKILL";
      case 11: return "SIGSEGV";
      case 15: return "SIGTERM";
      default: return "signal " + n;
    }
  }

  /**
   * The worker's class path: this JVM's, plus wherever gstbeam's, GStreamer's, JNA's and Avro's classes
   * were loaded from (on a Flink TaskManager those come from the job's jar, not the JVM's class path).
   */
  static String classpath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : new Class<?>[] {WorkerMain.class, org.freedesktop.gstreamer.Gst.class, com.sun.jna.Native.class,
        org.apache.avro.specific.SpecificRecordBase.class, org.slf4j.LoggerFactory.class,
        org.apache.beam.sdk.transforms.DoFn.class, com.fasterxml.jackson.databind.ObjectMapper.class}) {
      try {
        java.security.CodeSource src = c.getProtectionDomain().getCodeSource();
        if (src != null && src.getLocation() != null) {
          entries.add(Paths.get(src.getLocation().toURI()).toString());
        }
      } catch (java.net.URISyntaxException | SecurityException | IllegalArgumentException e) {
        // not a file location: the JVM's class path has to do
      }
    }
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
