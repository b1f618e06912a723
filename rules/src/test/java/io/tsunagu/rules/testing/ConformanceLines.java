package io.tsunagu.rules.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** GrowthBook's evalCondition cases as {@code rules eval} input lines, with their names and expected answers. */
public final class ConformanceLines {

    public record Line(String name, String json, boolean expected) {
    }

    private ConformanceLines() {
    }

    public static List<Line> all() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(Files.readString(SharedFiles.path("conformance/growthbook-cases.json")));
        List<Line> out = new ArrayList<>();
        for (JsonNode c : root.get("evalCondition")) {
            ObjectNode line = json.createObjectNode();
            line.set("condition", c.get(1));
            line.set("document", c.get(2));
            if (c.size() > 4) {
                line.set("lists", c.get(4));
            }
            String name = c.get(0).asText();
            long same = out.stream().filter(l -> l.name().equals(name) || l.name().startsWith(name + " (")).count();
            out.add(new Line(same == 0 ? name : name + " (" + (same + 1) + ")", json.writeValueAsString(line),
                    c.get(3).asBoolean()));
        }
        return out;
    }
}
