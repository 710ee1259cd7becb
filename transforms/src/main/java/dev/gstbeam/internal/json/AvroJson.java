package dev.gstbeam.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Plain JSON for Avro records: the record's own field names, unions unwrapped (Avro's JSON encoding
 * wraps them as {@code {"string": ...}}, which nobody wants in a catalog), NaN and infinities as null.
 */
public final class AvroJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  /** One line of JSON for the record. */
  public static String toJsonLine(GenericRecord record) {
    try {
      return MAPPER.writeValueAsString(toNode(record));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + record.getSchema().getFullName(), e);
    }
  }

  public static ObjectNode toNode(GenericRecord record) {
    ObjectNode node = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      node.set(field.name(), value(record.get(field.pos())));
    }
    return node;
  }

  private static JsonNode value(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof GenericRecord) {
      return toNode((GenericRecord) v);
    }
    if (v instanceof CharSequence) {
      return NODES.textNode(v.toString());
    }
    if (v instanceof Boolean) {
      return NODES.booleanNode((Boolean) v);
    }
    if (v instanceof Integer) {
      return NODES.numberNode((Integer) v);
    }
    if (v instanceof Long) {
      return NODES.numberNode((Long) v);
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
    }
    if (v instanceof Map) {
      // Keys sorted: the same record gives the same line, whatever map implementation held it.
      ObjectNode m = NODES.objectNode();
      java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        sorted.put(String.valueOf(e.getKey()), e.getValue());
      }
      sorted.forEach((k, x) -> m.set(k, value(x)));
      return m;
    }
    if (v instanceof Collection) {
      ArrayNode a = NODES.arrayNode();
      for (Object o : (Collection<?>) v) {
        a.add(value(o));
      }
      return a;
    }
    if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    return NODES.textNode(v.toString());
  }
}
