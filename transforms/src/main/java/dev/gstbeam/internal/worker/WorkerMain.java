package dev.gstbeam.internal.worker;

import dev.gstbeam.internal.gst.GstRuntime;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A worker process: connects back to its parent on loopback, proves itself with the token it was given,
 * then runs one task at a time until the parent closes the connection. GStreamer lives here, so a
 * demuxer or decoder that crashes takes down this process, not the parent's JVM.
 */
public final class WorkerMain {
  /** Tests only: {@code crash:NAME} or {@code hang:NAME}, acting on inputs whose name contains NAME. */
  public static final String FAULT_PROPERTY = "gstbeam.test.workerFault";

  private WorkerMain() {}

  /** What the parent gets back: a value, or the task's own failure in one line. */
  record Response(Serializable value, String error) implements Serializable {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    byte[] token = args[1].getBytes(StandardCharsets.US_ASCII);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setTcpNoDelay(true);
      ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(s.getOutputStream()));
      out.write(token);
      out.flush();
      ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(s.getInputStream()));
      GstRuntime.ensureInitialized();
      while (true) {
        Object o;
        try {
          o = in.readObject();
        } catch (EOFException e) {
          return; // the parent is done with this worker
        }
        WorkerTask<?> task = (WorkerTask<?>) o;
        injectFault(task.input());
        Response r;
        try {
          r = new Response(task.run(), null);
        } catch (Exception | Error e) {
          String m = e.getMessage();
          r = new Response(null, e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse("")));
        }
        out.writeObject(r);
        out.flush();
        out.reset();
      }
    }
  }

  private static void injectFault(String input) throws InterruptedException {
    String f = System.getProperty(FAULT_PROPERTY);
    if (f == null) {
      return;
    }
    for (String rule : f.split(";")) {
      String[] kv = rule.split(":", 2);
      if (kv.length == 2 && input.contains(kv[1])) {
        if (kv[0].equals("crash")) {
          // A native crash, as a demuxer reading past its buffer would cause: a write to address 8.
          new com.sun.jna.Pointer(8).setInt(0, 42);
        } else if (kv[0].equals("hang")) {
          Thread.sleep(Long.MAX_VALUE);
        }
      }
    }
  }
}
