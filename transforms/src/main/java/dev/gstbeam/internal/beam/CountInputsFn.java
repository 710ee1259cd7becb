package dev.gstbeam.internal.beam;

import dev.gstbeam.JobProgress;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;

/** Counts matched inputs for {@link JobProgress}; passes them on unchanged. */
public final class CountInputsFn extends DoFn<FileIO.ReadableFile, FileIO.ReadableFile> {
  private static final long serialVersionUID = 1L;

  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, OutputReceiver<FileIO.ReadableFile> out) {
    JobProgress.matched();
    out.output(file);
  }
}
