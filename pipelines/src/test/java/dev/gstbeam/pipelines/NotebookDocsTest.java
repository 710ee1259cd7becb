package dev.gstbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gstbeam.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * docs/notebooks.md against the real schema: every column its SQL and Python code blocks use must be a
 * field name of a {@code .avsc} file in transforms/src/main/avro, so renaming a field fails this test
 * until the page follows. The conventions it relies on are stated at the end of the page.
 */
public class NotebookDocsTest {
  /** Quoted words in Python blocks that are not columns (aggregation names, file modes, formats). */
  static final Set<String> PYTHON_NON_COLUMN_STRINGS = Set.of("count", "sum", "avro", "rb");

  /** Library attributes (not method calls) used in Python blocks. */
  static final Set<String> PYTHON_LIBRARY_ATTRIBUTES = Set.of("read", "builder", "sql");

  private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```");
  private static final Pattern WORD = Pattern.compile("\\b[A-Za-z_][A-Za-z0-9_]*\\b");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  /** Every field name of every record in the .avsc files, nested records included. */
  static Set<String> avroFieldNames() throws IOException {
    Set<String> names = new TreeSet<>();
    Path dir = TestData.repoRoot().resolve("transforms/src/main/avro");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".avsc")).sorted()::iterator) {
        collectFields(new ObjectMapper().readTree(f.toFile()), names);
      }
    }
    return names;
  }

  private static void collectFields(JsonNode node, Set<String> names) {
    if (node.isObject() && node.path("fields").isArray()) {
      for (JsonNode field : node.get("fields")) {
        names.add(field.get("name").asText());
      }
    }
    if (node.isContainerNode()) {
      node.forEach(child -> collectFields(child, names));
    }
  }

  /** What the checker found in some code: the columns it checked and the ones not in the schema. */
  record Findings(Set<String> columns, List<String> unknown) {
    Findings() {
      this(new TreeSet<>(), new ArrayList<>());
    }
  }

  static void checkSql(String block, Set<String> fields, Findings f) {
    String code = block.replaceAll("--[^\\n]*", " ").replaceAll("'[^']*'", "''");
    Set<String> aliases = new TreeSet<>();
    Matcher as = Pattern.compile("\\bAS\\s+([A-Za-z_][A-Za-z0-9_]*)").matcher(code);
    while (as.find()) {
      aliases.add(as.group(1));
    }
    Matcher w = WORD.matcher(code);
    while (w.find()) {
      String word = w.group();
      boolean keyword = word.equals(word.toUpperCase(java.util.Locale.ROOT));
      boolean function = code.substring(w.end()).matches("(?s)\\s*\\(.*");
      if (keyword || function || aliases.contains(word)) {
        continue;
      }
      check(word, fields, f, "sql: " + firstLine(code, w.start()));
    }
  }

  static void checkPython(String block, Set<String> fields, Findings f) {
    StringBuilder code = new StringBuilder();
    for (String line : block.split("\n")) {
      String t = line.strip();
      if (t.startsWith("import ") || t.startsWith("from ")) {
        continue;
      }
      code.append(line.replaceAll("#[^\"']*$", "")).append('\n');
    }
    String text = code.toString();
    Set<String> aliases = new TreeSet<>();
    Matcher alias = Pattern.compile("\\.alias\\(\\s*[\"']([^\"']*)[\"']").matcher(text);
    while (alias.find()) {
      aliases.add(alias.group(1));
    }
    // Quoted strings: columns, unless a value (after == or !=), an alias, a path or a listed word.
    Matcher str = Pattern.compile("(==|!=)?\\s*[\"']([^\"'\\n]*)[\"']").matcher(text);
    StringBuilder withoutStrings = new StringBuilder();
    int last = 0;
    while (str.find()) {
      withoutStrings.append(text, last, str.start()).append(str.group(1) == null ? "" : str.group(1)).append(" \"\" ");
      last = str.end();
      String s = str.group(2);
      if (str.group(1) != null || aliases.contains(s) || PYTHON_NON_COLUMN_STRINGS.contains(s)) {
        continue;
      }
      String[] parts = s.split("\\.");
      boolean identifierLike = true;
      for (String p : parts) {
        identifierLike &= IDENTIFIER.matcher(p).matches();
      }
      if (!identifierLike) {
        continue; // a path, a glob, a URN, an application name
      }
      for (String p : parts) {
        if (!aliases.contains(p)) {
          check(p, fields, f, "python: \"" + s + "\"");
        }
      }
    }
    withoutStrings.append(text.substring(last));
    // Attributes that are not method calls: s.codec, media.container.
    Matcher attr = Pattern.compile("\\.([a-z_][a-z0-9_]*)\\b(?!\\s*\\()").matcher(withoutStrings);
    while (attr.find()) {
      String a = attr.group(1);
      if (!PYTHON_LIBRARY_ATTRIBUTES.contains(a)) {
        check(a, fields, f, "python: ." + a);
      }
    }
  }

  private static void check(String word, Set<String> fields, Findings f, String where) {
    f.columns().add(word);
    if (!fields.contains(word)) {
      f.unknown().add(word + " (" + where + ")");
    }
  }

  private static String firstLine(String code, int at) {
    int start = code.lastIndexOf('\n', at) + 1;
    int end = code.indexOf('\n', at);
    return code.substring(start, end < 0 ? code.length() : end).strip();
  }

  static Findings checkMarkdown(String markdown, Set<String> fields, int[] blockCounts) {
    Findings f = new Findings();
    Matcher fence = FENCE.matcher(markdown);
    while (fence.find()) {
      switch (fence.group(1)) {
        case "sql" -> {
          checkSql(fence.group(2), fields, f);
          blockCounts[0]++;
        }
        case "python" -> {
          checkPython(fence.group(2), fields, f);
          blockCounts[1]++;
        }
        default -> throw new AssertionError("a code block in a language the check does not know: " + fence.group(1));
      }
    }
    return f;
  }

  @Test
  public void everyColumnInTheExamplesIsAFieldOfTheSchema() throws Exception {
    Set<String> fields = avroFieldNames();
    assertThat(fields, hasItems("uri", "size_bytes", "streams", "codec", "reason", "psnr_mean", "index"));
    String page = Files.readString(TestData.repoRoot().resolve("docs/notebooks.md"), StandardCharsets.UTF_8);
    int[] blocks = new int[2];
    Findings f = checkMarkdown(page, fields, blocks);
    assertThat("columns in docs/notebooks.md that no .avsc has", f.unknown(), empty());
    // Not vacuous: the page has its examples and the checker saw their columns.
    assertTrue("SQL blocks: " + blocks[0], blocks[0] >= 6);
    assertTrue("Python blocks: " + blocks[1], blocks[1] >= 5);
    assertThat(f.columns(), hasItems("uri", "container", "duration_seconds", "size_bytes", "streams", "type", "codec",
        "width", "height", "frame_rate", "decodable", "missing_elements", "tags", "reason", "stage", "status",
        "output_uri", "psnr_mean", "psnr_min", "bytes_in", "bytes_out", "video_encoder", "segment_details"));
  }

  @Test
  public void aRenamedFieldIsCaught() throws Exception {
    Set<String> fields = avroFieldNames();
    String page = String.join("\n",
        "```sql",
        "SELECT s.codec_name, count(*) AS n FROM (SELECT unnest(streams) AS s FROM read_parquet('m-*.parquet'))",
        "GROUP BY ALL ORDER BY n DESC;",
        "```",
        "```python",
        "media.groupby(\"containers\")[\"duration_seconds\"].sum()",
        "media[media[\"status\"] == \"ok\"].psnr_avg.mean()",
        "spark.read.parquet(\"out/media-*.parquet\").select(F.explode(\"streams\").alias(\"s\")).groupBy(\"s.kind\")",
        "```",
        "");
    Findings f = checkMarkdown(page, fields, new int[2]);
    List<String> unknownWords = f.unknown().stream().map(u -> u.substring(0, u.indexOf(' '))).sorted().toList();
    assertEquals(List.of("codec_name", "containers", "kind", "psnr_avg"), unknownWords);
    assertThat(f.columns(), hasItems("streams", "duration_seconds", "status"));
  }
}
