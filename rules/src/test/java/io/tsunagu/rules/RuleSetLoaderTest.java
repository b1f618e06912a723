package io.tsunagu.rules;

import static io.tsunagu.rules.testing.TestRules.errors;
import static io.tsunagu.rules.testing.TestRules.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading rule files: what loads, and every kind of error, located and worded for a marketer. */
class RuleSetLoaderTest {

    private static final String BASE = """
            traits:
              visits: { count: store_visit, within: 30d }
            segments:
              regular:
                when: { traits.visits: { $gte: 3 } }
            """;

    @Test
    void load_validRules_compilesEverySection() {
        RuleSet r = rules(BASE + """
                lists:
                  testers: [M-1, M-2]
                campaigns:
                  - id: hello
                    slot: hero
                    when: { segments: { $elemMatch: { $eq: regular } }, visit.uid: { $notInGroup: testers } }
                    content: { template: banner, title: Hi }
                """);
        assertEquals(1, r.traits().size());
        assertEquals(1, r.segments().size());
        assertEquals(1, r.campaigns().size());
        assertEquals(List.of("hero"), List.copyOf(r.slots()));
        assertEquals(2, r.lists().get("testers").size());
    }

    @Test
    void unknownOperator_isLocatedAndSuggested() {
        assertEquals(List.of("rules.yaml:5:30: unknown operator \"$gtee\" (did you mean \"$gte\"?)"),
                errors(BASE.replace("$gte", "$gtee")));
    }

    @Test
    void invalidRegex_namesThePattern() {
        List<String> e = errors(BASE + """
                campaigns:
                  - id: c
                    slot: hero
                    when: { page.url: { $regex: "([a-z" } }
                    content: { template: banner }
                """);
        assertEquals(1, e.size());
        assertTrue(e.get(0).startsWith("rules.yaml:9:33: invalid regex \"([a-z\": Unclosed character class"), e.get(0));
    }

    @Test
    void unknownReferences_toTraitsSegmentsAndLists() {
        List<String> e = errors(BASE + """
                campaigns:
                  - id: c
                    slot: hero
                    when:
                      traits.visit: 1
                      segments: { $in: [regulars] }
                      attributes.id: { $inGroup: testers }
                    content: { template: banner, title: "{{traits.vists}}" }
                """);
        assertEquals(List.of(
                "rules.yaml:10:7: unknown trait \"visit\" (did you mean \"visits\"?)",
                "rules.yaml:11:25: unknown segment \"regulars\" (did you mean \"regular\"?)",
                "rules.yaml:12:34: unknown list \"testers\"",
                "rules.yaml:13:41: unknown trait \"vists\" (did you mean \"visits\"?)"), e);
    }

    @Test
    void unknownField_namesTheRoots() {
        assertEquals(List.of("rules.yaml:5:13: unknown field \"attribute.rank\": conditions see attributes, traits, "
                        + "segments, page, visit, now (did you mean \"attributes\"?)"),
                errors(BASE.replace("traits.visits: { $gte: 3 }", "attribute.rank: gold")));
    }

    @Test
    void duplicateIds_acrossFiles_pointAtTheFirst() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.yaml", BASE);
        files.put("b.yaml", """
                traits:
                  visits: { count: store_visit }
                campaigns:
                  - { id: c, slot: hero, content: { template: banner } }
                  - { id: c, slot: banner, content: { template: banner } }
                """);
        assertEquals(List.of(
                "b.yaml:2:3: duplicate trait id \"visits\" (first defined at a.yaml:2:3)",
                "b.yaml:5:11: duplicate campaign id \"c\" (first defined at b.yaml:4:11)"), errors(files));
    }

    @Test
    void duplicateKey_inOneMapping() {
        assertEquals(List.of("rules.yaml:3:3: duplicate key \"visits\" (first at line 2)"), errors("""
                traits:
                  visits: { count: store_visit }
                  visits: { count: purchase }
                """));
    }

    @Test
    void segmentCycle_isNamedInOrder() {
        List<String> e = errors("""
                segments:
                  a: { when: { segments: { $elemMatch: { $eq: b } } } }
                  b: { when: { segments: { $elemMatch: { $eq: c } } } }
                  c: { when: { segments: { $elemMatch: { $eq: a } } } }
                  d: { when: { segments: { $elemMatch: { $eq: d } } } }
                """);
        assertEquals(List.of(
                "rules.yaml:2:3: segments depend on each other in a cycle: a → b → c → a",
                "rules.yaml:5:3: segment \"d\" refers to itself"), e);
    }

    @Test
    void segments_areOrderedAfterTheirDependencies() {
        RuleSet r = rules(BASE + """
                  vip_regular:
                    when: { segments: { $all: [regular, vip] } }
                  vip:
                    when: { attributes.rank: gold }
                """);
        assertEquals(List.of("regular", "vip", "vip_regular"), r.segments().stream().map(Segment::id).toList());
    }

    @Test
    void segment_testingSegmentsWithoutNamingThem_isAnError() {
        String message = ": a segment can test \"segments\" only by naming segments: { $elemMatch: { $eq: id } }, "
                + "{ $in: [ids] }, { $nin: [ids] } or { $all: [ids] }";
        assertEquals(List.of("rules.yaml:7:13" + message, "rules.yaml:9:13" + message),
                errors(BASE + """
                          lonely:
                            when: { segments: { $size: 0 } }
                          exact:
                            when: { segments: [regular] }
                        """));
    }

    @Test
    void badDurationAndDate_showTheValue() {
        List<String> e = errors("""
                traits:
                  visits: { count: store_visit, within: 30 days }
                campaigns:
                  - id: c
                    slot: hero
                    schedule: { from: 2026-12-01, to: 2026-12-32 }
                    cap: { impressions: 3, per: daily }
                    content: { template: banner }
                """);
        assertEquals(List.of(
                "rules.yaml:2:41: bad duration \"30 days\" for within: use a number and a unit, e.g. 90s, 15m, 12h, 30d, 2w",
                "rules.yaml:6:39: bad date \"2026-12-32\" for to: use 2026-12-01, 2026-12-01T10:00 or 2026-12-01T10:00:00+09:00",
                "rules.yaml:7:33: bad duration \"daily\" for per (or lifetime): use a number and a unit, e.g. 90s, 15m, 12h, 30d, 2w"),
                e);
    }

    @Test
    void oneLoad_reportsEveryErrorOfEveryFile() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("traits.yaml", "traits:\n  x: { count: 12 }\n  y: { sum: purchase }\n");
        files.put("campaigns.yaml", """
                campaigns:
                  - id: c
                    when: { page.type: { $in: product } }
                    content: { template: popup }
                """);
        List<String> e = errors(files);
        assertEquals(List.of(
                "campaigns.yaml:2:5: campaign \"c\" needs a slot (the page area it fills, e.g. hero)",
                "campaigns.yaml:3:31: $in needs a list, found the string \"product\"",
                "campaigns.yaml:4:26: unknown template \"popup\": use one of banner, coupon, message, recommend",
                "traits.yaml:2:15: count needs an event type, e.g. count: purchase, found the number 12",
                "traits.yaml:3:13: sum needs an event property: type.property, e.g. sum: purchase.amount, found \"purchase\""),
                e);
    }

    @Test
    void yamlSyntaxError_isLocated() {
        assertEquals(List.of("rules.yaml:3:1: not valid YAML: expected ',' or '}', but got <stream end> "
                + "(while parsing a flow mapping at line 2, column 6)"), errors("traits:\n  x: { count: purchase\n"));
    }

    @Test
    void yaml12Scalars_noAndOnStayStrings() {
        RuleSet r = rules("""
                segments:
                  nordic: { when: { attributes.country: { $in: [NO, SE, FI] } } }
                  switched: { when: { attributes.mode: on } }
                """);
        io.tsunagu.rules.profile.Profile norway = io.tsunagu.rules.profile.Profile.builder("x")
                .attribute("country", "NO").attribute("mode", "on").build();
        assertEquals(List.of("nordic", "switched"), r.segmentsOf(norway, 0));
    }

    @Test
    void unknownKeys_areErrorsWithSuggestions() {
        assertEquals(List.of(
                "rules.yaml:1:1: unknown section \"campaign\"; a rule file has settings, lists, traits, segments, campaigns "
                        + "(did you mean \"campaigns\"?)"),
                errors("campaign: []\n"));
        assertEquals(List.of("rules.yaml:4:5: unknown key \"priorty\" in campaign \"c\"; expected one of id, description, "
                        + "slot, priority, enabled, schedule, cap, when, seed, bucket_by, variants, content (did you mean \"priority\"?)"),
                errors("""
                        campaigns:
                          - id: c
                            slot: hero
                            priorty: 3
                            content: { template: banner }
                        """));
    }

    @Test
    void mixedOperatorsAndFields_isAnError() {
        assertEquals(List.of("rules.yaml:2:32: mixes operators and field names in one mapping: {\"$gte\":1,\"x\":2}"),
                errors("segments:\n  s: { when: { attributes.age: { $gte: 1, x: 2 } } }\n"));
    }

    @Test
    void anEventTypeALetterAwayFromACommonOne_warnsOfATypo_butCustomTypesDoNot() {
        // A trait over a type nobody sends counts nothing, silently: "purchse" for "purchase".
        RuleSet r = rules("traits:\n  spend: { sum: purchse.amount }\n  visits: { sequence: [store_vist, signup] }\n"
                + "  calls: { count: callback_request }\n  views: { count: page_view }\n");
        List<String> warnings = r.warnings().stream().map(w -> w.loc().line() + ": " + w.message()).toList();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("2: event type \"purchse\" is not one the tag")
                && warnings.get(0).contains("(did you mean \"purchase\"?)"), warnings.toString());
        assertTrue(warnings.get(1).startsWith("3: event type \"store_vist\"")
                && warnings.get(1).contains("(did you mean \"store_visit\"?)"), warnings.toString());
    }

    @Test
    void objectEquality_warnsThatDottedPathsWereMeant() {
        RuleSet r = rules("segments:\n  s: { when: { attributes: { rank: gold } } }\n");
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).message().contains("use a dotted path, e.g. \"attributes.rank\""));
    }

    @Test
    void listFile_isReadBesideTheRules(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("lists.yaml"), "lists:\n  vips: { file: vips.txt }\n");
        Files.writeString(dir.resolve("vips.txt"), "# members\nM-1\n\nM-2\n");
        RuleSet r = RuleSetLoader.load(dir);
        assertEquals(2, r.lists().get("vips").size());
        assertTrue(r.lists().get("vips").contains("M-2"));
        assertFalse(r.lists().get("vips").contains("# members"));
    }

    @Test
    void missingListFile_isLocated(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("lists.yaml"), "lists:\n  vips: { file: vips.txt }\n");
        RuleLoadException e = org.junit.jupiter.api.Assertions.assertThrows(RuleLoadException.class, () -> RuleSetLoader.load(dir));
        assertTrue(e.errors().get(0).toString().startsWith(dir.resolve("lists.yaml") + ":2:17: list file \"vips.txt\" not found"),
                e.errors().get(0).toString());
    }

    @Test
    void load_skipsFixturesAndHiddenFiles_andRejectsNonUtf8(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yaml"), BASE);
        Files.writeString(dir.resolve("a.test.yaml"), "tests: []\n");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/x.yaml"), "nonsense: 1\n");
        assertEquals(1, RuleSetLoader.load(dir).fileCount());
        Files.write(dir.resolve("b.yaml"), new byte[] {'t', 'r', 'a', 'i', 't', 's', ':', ' ', (byte) 0xff, '\n'});
        RuleLoadException e = org.junit.jupiter.api.Assertions.assertThrows(RuleLoadException.class, () -> RuleSetLoader.load(dir));
        assertEquals(dir.resolve("b.yaml") + ":1:9: not UTF-8 text; save the file as UTF-8", e.errors().get(0).toString(),
                "the place of the first byte that is not UTF-8");
    }

    @Test
    void fingerprint_changesWithTheRules() throws RuleLoadException {
        String a = RuleSetLoader.fromStrings(Map.of("r.yaml", BASE)).fingerprint();
        assertEquals(a, RuleSetLoader.fromStrings(Map.of("r.yaml", BASE)).fingerprint());
        assertFalse(a.equals(RuleSetLoader.fromStrings(Map.of("r.yaml", BASE + "# changed\n")).fingerprint()));
    }

    // ---- regressions found by the rule-file audit ----------------------------------------------

    @Test
    void scheduleYearBeyondEpochMillis_isABadDate_notACrash() {
        List<String> e = errors("""
                campaigns:
                  - id: c
                    slot: hero
                    schedule: { from: "+300000000-01-01T00:00", to: "+300000000-01-01T00:00Z" }
                    content: { template: banner }
                """);
        assertEquals(List.of(
                "rules.yaml:4:23: bad date \"+300000000-01-01T00:00\" for from: use 2026-12-01, 2026-12-01T10:00 or "
                        + "2026-12-01T10:00:00+09:00",
                "rules.yaml:4:53: bad date \"+300000000-01-01T00:00Z\" for to: use 2026-12-01, 2026-12-01T10:00 or "
                        + "2026-12-01T10:00:00+09:00"), e);
    }

    @Test
    void yamlAlias_isAnError_notTheAnchorNameAsText() {
        assertEquals(List.of("rules.yaml:3:14: aliases (*staff) are not supported in rule files; write the value out"),
                errors("lists:\n  staff: &staff [M-1, M-2]\n  all: [M-3, *staff]\n"));
    }

    @Test
    void yamlAliasBomb_isRejectedQuickly() {
        StringBuilder y = new StringBuilder("lists:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String prev = "*" + (char) (c - 1);
            y.append("  ").append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        List<String> e = errors(y.toString());
        assertEquals(1, e.size());
        assertTrue(e.get(0).endsWith("aliases (*a) are not supported in rule files; write the value out"), e.get(0));
    }

    @Test
    void emptyValue_isNull_asInYaml12() {
        // A section whose entries are all commented out is empty, not the text "".
        RuleSet r = rules("traits:\n  # visits: { count: store_visit }\nsegments:\n  unnamed: { when: { attributes.name: } }\n");
        assertEquals(List.of("unnamed"), r.segmentsOf(io.tsunagu.rules.profile.Profile.builder("x").build(), 0));
    }

    @Test
    void deepNesting_isLocatedAndPlain() {
        String deep = "{ $not: ".repeat(250) + "{ attributes.x: 1 }" + " }".repeat(250);
        List<String> e = errors("segments:\n  s:\n    when: " + deep + "\n");
        assertEquals(1, e.size());
        assertTrue(e.get(0).matches("rules\\.yaml:3:\\d+: not valid YAML: nested more than 200 levels deep"), e.get(0));
    }

    @Test
    void regexThatCanBacktrackExponentially_isALoadError() {
        for (String re : List.of("(a+)+$", "^(.*a){12}$", "(x+x+)+y", "^(\\w+\\s?)*$", "^(a)\\1$")) {
            List<String> e = errors("segments:\n  s: { when: { page.url: { $regex: '" + re + "' } } }\n");
            assertEquals(1, e.size(), re);
            assertTrue(e.get(0).startsWith("rules.yaml:2:36: regex \"" + re + "\""), e.get(0));
        }
        rules("""
                segments:
                  s:
                    when:
                      page.url: { $regex: '^https://shop\\.example/(sale|new)/[a-z0-9-]+(\\?.*)?$' }
                      page.path: { $regex: '(ab|cd){2,3}x*[0-9]{4}' }
                      page.q: { $regexi: '^(?:spring|summer)\\b' }
                      page.host: { $regex: '^([a-z]+\\.)*+example\\.com$' }
                """);
    }

    @Test
    void variantWeightsTooLargeToAdd_isAnError() {
        assertEquals(List.of("rules.yaml:5:7: the variants' weights add up to more than a number can hold; use shares "
                        + "such as 90 and 10"),
                errors("""
                        campaigns:
                          - id: c
                            slot: hero
                            variants:
                              - { id: a, weight: 1e308, content: { template: banner } }
                              - { id: b, weight: 1e308 }
                        """));
    }

    @Test
    void emptyVariants_saySo() {
        assertEquals(List.of("rules.yaml:4:15: variants is an empty list; give at least one { id, weight, content }"),
                errors("campaigns:\n  - id: c\n    slot: hero\n    variants: []\n"));
    }

    @Test
    void listFile_outsideTheRulesDirectory_isAnError(@TempDir Path dir) throws Exception {
        Path rulesDir = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("secret.txt"), "s3cret\n");
        Files.writeString(rulesDir.resolve("lists.yaml"),
                "lists:\n  a: { file: ../secret.txt }\n  b: { file: " + dir.resolve("secret.txt") + " }\n");
        RuleLoadException e = org.junit.jupiter.api.Assertions.assertThrows(RuleLoadException.class, () -> RuleSetLoader.load(rulesDir));
        assertEquals(List.of(
                rulesDir.resolve("lists.yaml") + ":2:14: list file \"../secret.txt\" is outside the rules directory; "
                        + "keep list files beside the rules",
                rulesDir.resolve("lists.yaml") + ":3:14: list file \"" + dir.resolve("secret.txt") + "\" is outside the "
                        + "rules directory; keep list files beside the rules"),
                e.errors().stream().map(Object::toString).toList());
    }
}
