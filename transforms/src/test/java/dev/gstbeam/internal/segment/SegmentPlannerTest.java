package dev.gstbeam.internal.segment;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

/** Segment plans for the stream shapes archives hold, each checked by replaying the reads it asks for. */
public class SegmentPlannerTest {
  private static final long MS = 1_000_000L;
  private static final long FRAME_25 = 40 * MS;

  /** A stream as a demuxer gives it: timestamps in decode order and keyframe flags. */
  private record Index(long[] pts, BitSet keys) {}

  /** Intra-only pattern I P P ... with a keyframe every {@code gop} frames; decode order = display order. */
  private static Index ipp(int frames, int gop, long start, long frame) {
    long[] pts = new long[frames];
    BitSet keys = new BitSet();
    for (int i = 0; i < frames; i++) {
      pts[i] = start + i * frame;
      if (i % gop == 0) {
        keys.set(i);
      }
    }
    return new Index(pts, keys);
  }

  /**
   * I B B P B B P ... in decode order (I0 P3 B1 B2 P6 B4 B5 ...). Closed GOPs: the B-frames before a
   * GOP's last P come before the next I. Open GOPs: the next I is decoded before the last two
   * B-frames of the previous GOP, which are shown before it (leading pictures).
   */
  private static Index bFrames(int frames, int gop, long start, long frame, boolean openGop) {
    List<Integer> order = new ArrayList<>();
    List<Integer> pending = new ArrayList<>();
    for (int g = 0; g < frames; g += gop) {
      int end = Math.min(frames, g + gop);
      order.add(g);
      order.addAll(pending); // open GOP: the previous GOP's last B-frames come after this I
      pending.clear();
      int anchor = g;
      while (anchor + 3 < end) {
        order.add(anchor + 3);
        order.add(anchor + 1);
        order.add(anchor + 2);
        anchor += 3;
      }
      for (int i = anchor + 1; i < end; i++) {
        (openGop && end < frames ? pending : order).add(i);
      }
    }
    long[] pts = new long[order.size()];
    BitSet keys = new BitSet();
    for (int i = 0; i < pts.length; i++) {
      int f = order.get(i);
      pts[i] = start + f * frame;
      if (f % gop == 0) {
        keys.set(i);
      }
    }
    return new Index(pts, keys);
  }

  /**
   * Replays the plan as the segment workers read the source and checks what every plan must hold:
   * segments tile the timeline, frames add up, each segment's frames are all fed to its decoder,
   * each segment starts its decoding at a keyframe, and no segment but the only one is very short.
   */
  private static void checkPlan(Index index, SegmentPlan plan, double target) {
    List<Segment> segs = plan.segments();
    assertTrue(segs.get(0).first());
    assertTrue(segs.get(segs.size() - 1).last());
    long sum = 0;
    for (int s = 0; s < segs.size(); s++) {
      Segment seg = segs.get(s);
      assertEquals(s, seg.index());
      if (s > 0) {
        assertEquals(segs.get(s - 1).endPts(), seg.startPts(), "segments tile the timeline");
        assertTrue(seg.seekPts() <= seg.startPts(), "decoding starts at or before the segment");
      }
      sum += seg.frames();
      // Feed packets as the worker does.
      int from = 0;
      if (seg.seekPts() != Segment.FROM_START) {
        from = -1;
        for (int i = 0; i < index.pts().length; i++) {
          if (index.keys().get(i) && index.pts()[i] == seg.seekPts()) {
            from = i;
            break;
          }
        }
        assertTrue(from >= 0, "decoding starts at a keyframe");
      }
      Set<Long> fed = new HashSet<>();
      long beforeEnd = 0;
      for (int i = from; i < index.pts().length && beforeEnd < seg.packetsBeforeEnd(); i++) {
        fed.add(index.pts()[i]);
        if (index.pts()[i] < seg.endPts()) {
          beforeEnd++;
        }
      }
      long mine = 0;
      for (long p : index.pts()) {
        if (seg.contains(p)) {
          mine++;
          assertTrue(fed.contains(p), "segment " + s + " feeds frame " + p);
        }
      }
      assertEquals(mine, seg.frames());
      if (segs.size() > 1) {
        assertTrue(seg.seconds() >= target * SegmentPlanner.MIN_FRACTION - 1e-9,
            "segment " + s + " is " + seg.seconds() + " s");
      }
    }
    assertEquals(index.pts().length, sum, "every frame in exactly one segment");
    assertEquals(index.pts().length, plan.frames());
  }

  @Test
  public void mpeg2GopOf12CutsAtKeyframesNearTheTarget() {
    Index idx = ipp(2250, 12, 0, FRAME_25); // 90 s at 25 fps
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), idx.keys(), FRAME_25, 10);
    checkPlan(idx, plan, 10);
    assertEquals(9, plan.size());
    for (Segment s : plan.segments()) {
      assertTrue(s.keyframeCut());
      if (!s.first()) {
        assertEquals(0, (s.startPts() / FRAME_25) % 12, "cut on a GOP start");
        assertTrue(Math.abs(s.offsetNanos() - s.index() * 10_000 * MS) <= 6 * FRAME_25 * s.index() + 1,
            "near a multiple of the target");
      }
    }
  }

  @Test
  public void bFramesClosedGop() {
    Index idx = bFrames(1875, 25, 0, FRAME_25, false); // 75 s
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), idx.keys(), FRAME_25, 10);
    checkPlan(idx, plan, 10);
    assertTrue(plan.size() >= 7);
  }

  @Test
  public void openGopLeadingPicturesStayWithThePreviousSegment() {
    Index idx = bFrames(1500, 15, 0, FRAME_25, true);
    // The index really is open: some packet after a keyframe is shown before it.
    boolean leading = false;
    for (int i = 1; i < idx.pts().length; i++) {
      int k = idx.keys().previousSetBit(i - 1);
      if (k > 0 && idx.pts()[i] < idx.pts()[k]) {
        leading = true;
      }
    }
    assertTrue(leading, "fixture has leading pictures");
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), idx.keys(), FRAME_25, 10);
    checkPlan(idx, plan, 10);
    // The segment before a cut must be fed past the next keyframe to get its last B-frames.
    Segment s0 = plan.segments().get(0);
    long fedAfterEnd = 0;
    for (int i = 0; i < s0.packetsFed(); i++) {
      if (idx.pts()[i] >= s0.endPts()) {
        fedAfterEnd++;
      }
    }
    assertTrue(fedAfterEnd > 0, "reads past the cut in decode order");
  }

  @Test
  public void nonZeroStartAndVariableFrameRate() {
    Random r = new Random(7);
    int n = 3000;
    long[] pts = new long[n];
    BitSet keys = new BitSet();
    long t = 3_600_000 * MS; // starts at one hour, as broadcast captures do
    for (int i = 0; i < n; i++) {
      pts[i] = t;
      t += (20 + r.nextInt(30)) * MS; // 20..49 ms frames
      if (i % 50 == 0) {
        keys.set(i);
      }
    }
    SegmentPlan plan = SegmentPlanner.plan(pts, keys, 0, 8);
    checkPlan(new Index(pts, keys), plan, 8);
    assertEquals(3_600_000 * MS, plan.firstPts());
    assertTrue(plan.size() >= 8);
  }

  @Test
  public void keyframesFarApartCutBetweenThemAndDecodeFromTheKeyframeBefore() {
    Index idx = ipp(3000, 1500, 0, FRAME_25); // 120 s, keyframes a minute apart
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), idx.keys(), FRAME_25, 10);
    checkPlan(idx, plan, 10);
    assertTrue(plan.size() >= 11);
    long nonKey = plan.segments().stream().filter(s -> !s.keyframeCut()).count();
    assertTrue(nonKey >= 9);
    Segment s3 = plan.segments().get(3);
    assertFalse(s3.keyframeCut());
    assertEquals(0, s3.seekPts(), "decodes from the keyframe at 0");
  }

  @Test
  public void shortInputsAreOneSegmentAndNoSegmentIsTooShort() {
    Index idx = ipp(340, 12, 0, FRAME_25); // 13.6 s
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), idx.keys(), FRAME_25, 10);
    checkPlan(idx, plan, 10);
    assertEquals(1, plan.size());
    assertEquals(Long.MAX_VALUE, plan.segments().get(0).packetsBeforeEnd());

    Index idx2 = ipp(560, 12, 0, FRAME_25); // 22.4 s: two segments, never a 2.4 s tail
    SegmentPlan plan2 = SegmentPlanner.plan(idx2.pts(), idx2.keys(), FRAME_25, 10);
    checkPlan(idx2, plan2, 10);
    assertEquals(2, plan2.size());
  }

  @Test
  public void framesBeforeTheFirstKeyframeMayNotDecode() {
    Index idx = ipp(1000, 25, 0, FRAME_25);
    BitSet keys = new BitSet();
    for (int i = 5; i < 1000; i += 25) {
      keys.set(i);
    }
    SegmentPlan plan = SegmentPlanner.plan(idx.pts(), keys, FRAME_25, 10);
    checkPlan(new Index(idx.pts(), keys), plan, 10);
    Segment s0 = plan.segments().get(0);
    assertEquals(5, s0.mayNotDecode());
    assertTrue(s0.complete(s0.frames() - 5));
    assertFalse(s0.complete(s0.frames() - 6));
    assertFalse(s0.complete(s0.frames() + 1));
    assertEquals(0, plan.segments().get(1).mayNotDecode());
  }

  @Test
  public void unplannableIndexesAreRefused() {
    BitSet k = new BitSet();
    k.set(0);
    assertThrows(IllegalArgumentException.class, () -> SegmentPlanner.plan(new long[0], k, FRAME_25, 10));
    assertThrows(IllegalArgumentException.class, () -> SegmentPlanner.plan(new long[] {0, -1, 80}, k, FRAME_25, 10));
    assertThrows(IllegalArgumentException.class, () -> SegmentPlanner.plan(new long[] {0, 40, 40}, k, FRAME_25, 10));
    assertThrows(IllegalArgumentException.class, () -> SegmentPlanner.plan(new long[] {0, 40}, new BitSet(), FRAME_25, 10));
    assertThrows(IllegalArgumentException.class, () -> SegmentPlanner.plan(new long[] {0, 40}, k, FRAME_25, 0));
  }

  @Test
  public void boundaryFrameNumbersFollowTheFramesGiven() {
    assertEquals(List.of(0L, 250L, 500L, 740L),
        java.util.Arrays.stream(SegmentPlan.firstFrameNumbers(new long[] {250, 250, 240, 60})).boxed().toList());
  }

  private static void assertEquals(long expected, long actual) {
    org.junit.Assert.assertEquals(expected, actual);
  }

  private static void assertEquals(long expected, long actual, String message) {
    org.junit.Assert.assertEquals(message, expected, actual);
  }

  private static void assertEquals(Object expected, Object actual) {
    org.junit.Assert.assertEquals(expected, actual);
  }

  private static void assertTrue(boolean condition) {
    org.junit.Assert.assertTrue(condition);
  }

  private static void assertTrue(boolean condition, String message) {
    org.junit.Assert.assertTrue(message, condition);
  }
}
