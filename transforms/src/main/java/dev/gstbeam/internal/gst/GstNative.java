package dev.gstbeam.internal.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few C entry points gstbeam needs beyond gst1-java-core: GstDiscoverer (which gst1-java-core does
 * not bind), caps/tag serialisation, TOC walking and synchronous bus popping. Everything here takes and
 * returns raw pointers; ownership is documented per call and handled only by classes of this package.
 */
final class GstNative {
  private GstNative() {}

  /** libgstreamer-1.0. */
  interface Core extends Library {
    Core INSTANCE = Native.load(GstLibraries.name("gstreamer-1.0"), Core.class);

    /** transfer full: free with g_free. */
    Pointer gst_caps_to_string(Pointer caps);

    void gst_caps_unref(Pointer caps);

    /** transfer full (or null). */
    Pointer gst_pad_get_current_caps(Pointer pad);

    /** transfer full. */
    Pointer gst_pad_query_caps(Pointer pad, Pointer filter);

    /** transfer full: free with g_free. */
    Pointer gst_tag_list_to_string(Pointer tagList);

    /** transfer full (or null): the pad's {@code idx}-th sticky event of {@code type}. */
    Pointer gst_pad_get_sticky_event(Pointer pad, int type, int idx);

    /** {@code list}: transfer none, valid while the event is. */
    void gst_event_parse_tag(Pointer event, com.sun.jna.ptr.PointerByReference list);

    /** {@code value}: transfer full, free with g_free. */
    boolean gst_tag_list_get_string(Pointer list, String tag, com.sun.jna.ptr.PointerByReference value);

    /** A new, empty tag list of stream scope: transfer full. */
    Pointer gst_tag_list_new_empty();

    /** Adds tag values (here one string, then a null terminator); mode 2: GST_TAG_MERGE_REPLACE. */
    void gst_tag_list_add(Pointer list, int mode, String tag, Object... valuesThenNull);

    /** Takes {@code list}; transfer full. */
    Pointer gst_event_new_tag(Pointer list);

    /** Takes {@code event}. */
    boolean gst_element_send_event(Pointer element, Pointer event);

    /** The segment a sample's buffer belongs to: transfer none, valid while the sample is. */
    Pointer gst_sample_get_segment(Pointer sample);

    /** A position in {@code segment} as running time (format 3: time), or -1 (GST_CLOCK_TIME_NONE) outside it. */
    long gst_segment_to_running_time(Pointer segment, int format, long position);

    /** GList of GstTocEntry, transfer none. */
    Pointer gst_toc_get_entries(Pointer toc);

    Pointer gst_toc_entry_get_sub_entries(Pointer entry);

    int gst_toc_entry_get_entry_type(Pointer entry);

    boolean gst_toc_entry_get_start_stop_times(Pointer entry, LongByReference start, LongByReference stop);

    /** transfer none. */
    Pointer gst_toc_entry_get_tags(Pointer entry);

    /** transfer full. */
    Pointer gst_pipeline_get_bus(Pointer pipeline);

    /** With a null function: removes the sync handler, so messages queue for popping. */
    void gst_bus_set_sync_handler(Pointer bus, Pointer func, Pointer userData, Pointer notify);

    void gst_object_unref(Pointer object);

    /** transfer full message, or null on timeout. */
    Pointer gst_bus_timed_pop_filtered(Pointer bus, long timeoutNs, int types);

    void gst_message_parse_error(Pointer message, PointerByReference gerror, PointerByReference debug);

    void gst_message_parse_warning(Pointer message, PointerByReference gerror, PointerByReference debug);

    /** transfer none. */
    Pointer gst_message_get_structure(Pointer message);

    /** transfer full tag list into {@code tags}. */
    void gst_message_parse_tag(Pointer message, PointerByReference tags);

    void gst_mini_object_unref(Pointer miniObject);

    /** The element that posted a message: name of GstObject, transfer full string. */
    Pointer gst_object_get_name(Pointer object);

    Pointer gst_structure_get_name(Pointer structure);

    /** Sets a property from its string form, as gst-launch does (enums by nick, numbers, booleans). */
    void gst_util_set_object_arg(Pointer object, String name, String value);

    /** The GstSegment of a SEGMENT event (owned by the event). */
    void gst_event_parse_segment(Pointer event, PointerByReference segment);
  }

  /** GST_EVENT_SEGMENT and GST_EVENT_FLUSH_STOP (GstEventType values, stable ABI). */
  static final int EVENT_SEGMENT = 17934;
  static final int EVENT_FLUSH_STOP = 5127;

  /** GST_EVENT_TYPE: the int after the 64-byte GstMiniObject header of a GstEvent (64-bit platforms). */
  static int eventType(Pointer event) {
    return event == null ? 0 : event.getInt(64);
  }

  /** GstSegment's start and time fields (guint64 at byte offsets 48 and 64 on 64-bit platforms). */
  static long[] segmentStartAndTime(Pointer event) {
    PointerByReference seg = new PointerByReference();
    Core.INSTANCE.gst_event_parse_segment(event, seg);
    Pointer p = seg.getValue();
    return p == null ? null : new long[] {p.getLong(48), p.getLong(64)};
  }

  /** libglib-2.0. */
  interface GLib extends Library {
    GLib INSTANCE = Native.load(GstLibraries.name("glib-2.0"), GLib.class);

    void g_free(Pointer p);

    void g_error_free(Pointer error);

    String g_quark_to_string(int quark);

    void g_list_free(Pointer list);
  }

  /** libgobject-2.0. */
  interface GObject extends Library {
    GObject INSTANCE = Native.load(GstLibraries.name("gobject-2.0"), GObject.class);

    void g_object_unref(Pointer object);

    void g_object_set(Pointer object, String name, Object... args);

    long g_signal_connect_data(
        Pointer instance, String signal, com.sun.jna.Callback handler, Pointer data, Pointer notify, int flags);

    void g_signal_handler_disconnect(Pointer instance, long handlerId);
  }

  /** libgstpbutils-1.0: GstDiscoverer. */
  interface PbUtils extends Library {
    PbUtils INSTANCE = Native.load(GstLibraries.name("gstpbutils-1.0"), PbUtils.class);

    Pointer gst_discoverer_new(long timeoutNs, PointerByReference error);

    /** transfer full info, possibly with error set. */
    Pointer gst_discoverer_discover_uri(Pointer discoverer, String uri, PointerByReference error);

    int gst_discoverer_info_get_result(Pointer info);

    long gst_discoverer_info_get_duration(Pointer info);

    /** transfer full. */
    Pointer gst_discoverer_info_get_stream_info(Pointer info);

    /** transfer none. */
    Pointer gst_discoverer_info_get_tags(Pointer info);

    /** transfer none. */
    Pointer gst_discoverer_info_get_toc(Pointer info);

    /** transfer none, NULL-terminated. */
    Pointer gst_discoverer_info_get_missing_elements_installer_details(Pointer info);

    /** transfer full: free with g_object_unref. */
    Pointer gst_discoverer_stream_info_get_next(Pointer info);

    /** transfer full. */
    Pointer gst_discoverer_stream_info_get_caps(Pointer info);

    /** transfer none. */
    Pointer gst_discoverer_stream_info_get_tags(Pointer info);

    String gst_discoverer_stream_info_get_stream_type_nick(Pointer info);

    String gst_discoverer_stream_info_get_stream_id(Pointer info);

    int gst_discoverer_stream_info_get_stream_number(Pointer info);

    /** transfer full GList of (transfer full) stream infos. */
    Pointer gst_discoverer_container_info_get_streams(Pointer info);

    void gst_discoverer_stream_info_list_free(Pointer list);

    /** transfer none (GStreamer 1.20+). */
    Pointer gst_discoverer_container_info_get_tags(Pointer info);

    int gst_discoverer_video_info_get_width(Pointer info);

    int gst_discoverer_video_info_get_height(Pointer info);

    int gst_discoverer_video_info_get_depth(Pointer info);

    int gst_discoverer_video_info_get_framerate_num(Pointer info);

    int gst_discoverer_video_info_get_framerate_denom(Pointer info);

    boolean gst_discoverer_video_info_is_interlaced(Pointer info);

    boolean gst_discoverer_video_info_is_image(Pointer info);

    int gst_discoverer_video_info_get_bitrate(Pointer info);

    int gst_discoverer_audio_info_get_sample_rate(Pointer info);

    int gst_discoverer_audio_info_get_channels(Pointer info);

    int gst_discoverer_audio_info_get_depth(Pointer info);

    int gst_discoverer_audio_info_get_bitrate(Pointer info);

    String gst_discoverer_audio_info_get_language(Pointer info);

    String gst_discoverer_subtitle_info_get_language(Pointer info);
  }

  /** libgsttag-1.0: language code conversions. */
  interface Tag extends Library {
    Tag INSTANCE = Native.load(GstLibraries.name("gsttag-1.0"), Tag.class);

    String gst_tag_get_language_code_iso_639_2B(String langCode);

    String gst_tag_get_language_code_iso_639_2T(String langCode);
  }

  /** typefind's have-type signal: (GstElement*, guint probability, GstCaps*, gpointer). */
  interface HaveType extends com.sun.jna.Callback {
    void invoke(Pointer typefind, int probability, Pointer caps, Pointer data);
  }

  /** Reads and frees a g_malloc'ed C string. */
  static String takeString(Pointer p) {
    if (p == null) {
      return null;
    }
    try {
      return p.getString(0, "UTF-8");
    } finally {
      GLib.INSTANCE.g_free(p);
    }
  }

  /** GList element data and link, by the struct layout {data, next, prev}. */
  static Pointer listData(Pointer link) {
    return link.getPointer(0);
  }

  static Pointer listNext(Pointer link) {
    return link.getPointer(Native.POINTER_SIZE);
  }
}
