package dev.gstbeam.gpu;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.After;
import org.junit.Test;

public class GpuSlotsTest {
  @After
  public void clear() {
    System.clearProperty(GpuSlots.DEVICES_PROPERTY);
    System.clearProperty(GpuSlots.SESSIONS_PROPERTY);
  }

  @Test
  public void noDevicesNoLeaseNoRefusal() throws Exception {
    GpuSlots.Offer o = GpuSlots.offer(0);
    assertNull(o.lease());
    assertNull(o.refusal());
  }

  @Test
  public void leasesSpreadOverDevicesAndRespectTheSessionLimit() throws Exception {
    System.setProperty(GpuSlots.DEVICES_PROPERTY, "0,1");
    System.setProperty(GpuSlots.SESSIONS_PROPERTY, "1");
    GpuSlots.Offer a = GpuSlots.offer(0);
    GpuSlots.Offer b = GpuSlots.offer(0);
    assertEquals("0", a.device());
    assertEquals("1", b.device());
    GpuSlots.Offer c = GpuSlots.offer(50);
    assertNull(c.lease());
    assertTrue(c.refusal(), c.refusal().contains("1 encode sessions"));
    b.lease().close();
    b.lease().close(); // twice is once
    GpuSlots.Offer d = GpuSlots.offer(0);
    assertNotNull(d.lease());
    assertEquals("1", d.device());
    a.lease().close();
    d.lease().close();
    assertEquals(Integer.valueOf(0), GpuSlots.inUse().get("0"));
    assertEquals(Integer.valueOf(0), GpuSlots.inUse().get("1"));
  }

  @Test
  public void aWaitingEncodeGetsTheSessionAnotherReleases() throws Exception {
    System.setProperty(GpuSlots.DEVICES_PROPERTY, "0");
    System.setProperty(GpuSlots.SESSIONS_PROPERTY, "1");
    GpuSlots.Offer held = GpuSlots.offer(0);
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
      held.lease().close();
    });
    releaser.start();
    GpuSlots.Offer waited = GpuSlots.offer(10_000);
    assertEquals("0", waited.device());
    waited.lease().close();
    releaser.join();
  }
}
