package io.tsunagu.rules.content;

import static io.tsunagu.rules.testing.TestRules.NOW;
import static io.tsunagu.rules.testing.TestRules.errors;
import static io.tsunagu.rules.testing.TestRules.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsunagu.rules.Decision;
import io.tsunagu.rules.Explanation;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.profile.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Campaign content compiled by the real rule loader: placeholders and their fallbacks, HTML escaping
 * and trusted fields, the checks of recommend and coupon content, and the resolver that completes it.
 */
class ContentTest {

    private static final Profile ANON = Profile.empty("V-anon");

    /** The one campaign's content in slot hero, rendered for the profile and page. */
    private static Map<String, Object> hero(RuleSet r, Profile p, Map<String, ?> page) {
        List<Decision> ds = r.decide(p, page, List.of("hero"), NOW, ImpressionCounts.NONE);
        assertEquals(1, ds.size(), ds.toString());
        return ds.get(0).content();
    }

    /** One campaign in slot hero with this content (indented under {@code content:}). */
    private static String campaign(String content) {
        return "campaigns:\n  - id: c\n    slot: hero\n    content:\n" + content.indent(6);
    }

    private static Content compiled(RuleSet r, String campaign) {
        return r.campaigns().stream().filter(c -> c.id().equals(campaign)).findFirst().orElseThrow().variants().get(0).content();
    }

    // ---- placeholders ---------------------------------------------------------------------------

    @Test
    void placeholder_rendersItsValue_orItsFallback_neverTheBraces() {
        RuleSet r = rules(campaign("""
                template: message
                greeting: "Welcome back, {{attributes.first_name | \\"friend\\"}}!"
                bare: "[{{attributes.nickname}}]"
                """));
        Profile aiko = Profile.builder("M-1").attribute("first_name", "Aiko").build();
        assertEquals("Welcome back, Aiko!", hero(r, aiko, Map.of()).get("greeting"));
        Map<String, Object> anon = hero(r, ANON, Map.of());
        assertEquals("Welcome back, friend!", anon.get("greeting"));
        assertEquals("[]", anon.get("bare"), "no fallback: nothing, not the placeholder");
    }

    @Test
    void placeholder_anEmptyValue_rendersTheFallback() {
        RuleSet r = rules(campaign("""
                template: message
                greeting: "Hi {{attributes.first_name | 'there'}}"
                """));
        assertEquals("Hi there", hero(r, Profile.builder("M-1").attribute("first_name", "").build(), Map.of()).get("greeting"));
    }

    @Test
    void contentWithoutPlaceholders_isConstant_andWrittenOnceAsJson() {
        RuleSet r = rules(campaign("template: banner\ntitle: \"Autumn <sale>\"\n"));
        Content c = compiled(r, "c");
        assertTrue(c.isConstant());
        assertEquals("{\"template\":\"banner\",\"title\":\"Autumn &lt;sale&gt;\"}", c.constantJson());
        assertEquals(c.constantJson(), r.decide(ANON, Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE).get(0).contentJson());
    }

    // ---- escaping -------------------------------------------------------------------------------

    @Test
    void literalText_isHtmlEscaped() {
        RuleSet r = rules(campaign("""
                template: banner
                title: "<b>Tom & Jerry's</b> \\"deal\\""
                """));
        assertEquals("&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt; &quot;deal&quot;", hero(r, ANON, Map.of()).get("title"));
    }

    @Test
    void placeholderValues_andFallbacks_areHtmlEscaped() {
        RuleSet r = rules(campaign("""
                template: banner
                title: "Now viewing {{page.name}}"
                note: "{{page.missing | \\"<none> & more\\"}}"
                nested: { lines: ["by {{page.brand}}"] }
                """));
        Map<String, Object> c = hero(r, ANON, Map.of("name", "<script>alert('x')</script>", "brand", "A&B \"co\""));
        assertEquals("Now viewing &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", c.get("title"));
        assertEquals("&lt;none&gt; &amp; more", c.get("note"));
        assertEquals(Map.of("lines", List.of("by A&amp;B &quot;co&quot;")), c.get("nested"));
    }

    @Test
    void trustedField_keepsTheAuthorsMarkup_butStillEscapesPlaceholderValues() {
        RuleSet r = rules(campaign("""
                template: message
                message: "<p class=\\"hi\\">Hello <b>{{attributes.first_name | \\"<friend>\\"}}</b> &amp; welcome</p>"
                footer: "<small>fine print</small>"
                title: "<b>not trusted</b>"
                trusted: [message, footer]
                """));
        Profile evil = Profile.builder("M-1").attribute("first_name", "<img src=x onerror=alert(1)>").build();
        Map<String, Object> c = hero(r, evil, Map.of());
        assertEquals("<p class=\"hi\">Hello <b>&lt;img src=x onerror=alert(1)&gt;</b> &amp; welcome</p>", c.get("message"));
        assertEquals("<small>fine print</small>", c.get("footer"));
        assertEquals("&lt;b&gt;not trusted&lt;/b&gt;", c.get("title"));
        assertEquals(List.of("footer", "message"), c.get("trusted"), "the tag is told which fields are HTML");
        assertEquals("<p class=\"hi\">Hello <b>&lt;friend&gt;</b> &amp; welcome</p>", hero(r, ANON, Map.of()).get("message"));
    }

    // ---- load errors ----------------------------------------------------------------------------

    @Test
    void unknownStrategy_isALoadError_withASuggestion() {
        assertEquals(List.of("rules.yaml:6:17: unknown strategy \"bought_togther\": use one of same_brand_new, "
                + "bought_together, recently_viewed, repeat_purchase, popular_in_category (did you mean \"bought_together\"?)"),
                errors(campaign("template: recommend\nstrategy: bought_togther\n")));
    }

    @Test
    void unknownFallbackStrategy_isALoadError() {
        List<String> e = errors(campaign("template: recommend\nstrategy: same_brand_new\nfallback: popular\n"));
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("rules.yaml:7:17: unknown fallback \"popular\""), e.get(0));
    }

    @Test
    void recommendWithoutAStrategy_isALoadError() {
        List<String> e = errors(campaign("template: recommend\ntitle: Picks\n"));
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).contains("a recommend content needs a strategy"), e.get(0));
    }

    @Test
    void trustedNamingAFieldThatDoesNotExist_isALoadError() {
        assertEquals(List.of("rules.yaml:7:17: trusted lists fields of this content whose text is HTML, e.g. trusted: "
                + "[message]; \"mesage\" is not one (did you mean \"message\"?)"),
                errors(campaign("template: message\nmessage: \"<b>Hi</b>\"\ntrusted: [mesage]\n")));
    }

    @Test
    void couponWithBothACodeAndAPool_isALoadError() {
        assertEquals(List.of("rules.yaml:6:7: a coupon has either a static code or a pool of unique codes, not both"),
                errors(campaign("template: coupon\ncode: WELCOME10\npool: spring\n")));
    }

    @Test
    void limitOutOfRange_isALoadError() {
        for (String limit : List.of("0", "51", "2.5", "many")) {
            List<String> e = errors(campaign("template: recommend\nstrategy: bought_together\nlimit: " + limit + "\n"));
            assertEquals(1, e.size(), limit + ": " + e);
            assertTrue(e.get(0).startsWith("rules.yaml:7:14: limit must be a whole number from 1 to 50, found "), e.get(0));
        }
    }

    @Test
    void unclosedPlaceholder_isALoadError_notBracesOnThePage() {
        List<String> e = errors(campaign("template: banner\ntitle: \"Hi {{attributes.first_name\"\n"));
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("rules.yaml:6:14: unclosed placeholder"), e.get(0));
    }

    @Test
    void recommendWithAnItemsField_isALoadError() {
        List<String> e = errors(campaign("template: recommend\nstrategy: recently_viewed\nitems: [a, b]\n"));
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("rules.yaml:7:7: items is where a recommend content's products go"), e.get(0));
    }

    @Test
    void everyContentError_isReportedAtOnce_withItsFileAndLine() {
        List<String> e = errors(Map.of("campaigns.yaml", """
                campaigns:
                  - id: a
                    slot: hero
                    content: { template: recommend, strategy: same_brand_nwe }
                  - id: b
                    slot: hero
                    content: { template: coupon, code: X, pool: spring }
                """));
        assertEquals(2, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("campaigns.yaml:4:"), e.get(0));
        assertTrue(e.get(0).contains("did you mean \"same_brand_new\""), e.get(0));
        assertTrue(e.get(1).startsWith("campaigns.yaml:7:"), e.get(1));
    }

    // ---- recommend ------------------------------------------------------------------------------

    private static final String RECOMMEND = campaign("""
            template: recommend
            title: "Bought with {{page.name | \\"this\\"}}"
            strategy: bought_together
            limit: 4
            lookback: 14d
            exclude_purchased: false
            fallback: popular_in_category
            min_results: 2
            due_after: 1.5
            """);

    @Test
    void recommend_optionsAreCarriedByTheSpec_notRenderedAsFields() {
        RuleSet r = rules(RECOMMEND);
        Content c = compiled(r, "c");
        assertEquals(new RecommendSpec("bought_together", 4, 14 * 24 * 3_600_000L, false, "popular_in_category", 2, 1.5),
                c.recommend());
        assertTrue(c.needsResolving());
        assertFalse(c.isConstant());
        assertNull(c.constantJson());
        Map<String, Object> rendered = hero(r, ANON, Map.of("name", "Kettle"));
        assertEquals(Map.of("template", "recommend", "title", "Bought with Kettle"), rendered);
    }

    @Test
    void recommend_defaults() {
        Content c = compiled(rules(campaign("template: recommend\nstrategy: same_brand_new\n")), "c");
        assertEquals(new RecommendSpec("same_brand_new", 8, RecommendSpec.DEFAULT_LOOKBACK_MS, true, null, 1, 1.0), c.recommend());
        Content repeat = compiled(rules(campaign("template: recommend\nstrategy: repeat_purchase\n")), "c");
        assertFalse(repeat.recommend().excludePurchased(), "repeat_purchase recommends what was bought");
    }

    @Test
    void otherTemplates_needNoResolving_exceptAPooledCoupon() {
        RuleSet r = rules("""
                campaigns:
                  - { id: banner, slot: hero, content: { template: banner, title: Hi } }
                  - { id: static, slot: hero, content: { template: coupon, code: WELCOME10 } }
                  - { id: pooled, slot: hero, content: { template: coupon, title: "10% off", pool: spring } }
                """);
        assertFalse(compiled(r, "banner").needsResolving());
        assertNull(compiled(r, "banner").recommend());
        assertFalse(compiled(r, "static").needsResolving());
        assertNull(compiled(r, "static").pool());
        Content pooled = compiled(r, "pooled");
        assertTrue(pooled.needsResolving());
        assertEquals("spring", pooled.pool());
        assertEquals(Map.of("template", "coupon", "title", "10% off"), pooled.render(null));
    }

    // ---- the resolver ---------------------------------------------------------------------------

    private static final RuleSet TWO_CAMPAIGNS = rules("""
            campaigns:
              - id: picks
                slot: hero
                priority: 10
                content: { template: recommend, title: For you, strategy: same_brand_new }
              - { id: house-banner, slot: hero, content: { template: banner, title: Autumn sale } }
            """);

    @Test
    void resolver_unavailableContent_givesTheSlotToTheNextCampaign() {
        List<Content> asked = new ArrayList<>();
        ContentResolver none = (content, rendered, profile, page, visit, now) -> {
            asked.add(content);
            return ContentResolver.Resolution.unavailable("same_brand_new: no purchase with a brand in the lookback");
        };
        List<Decision> ds = TWO_CAMPAIGNS.decide(ANON, Map.of(), Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE, none);
        assertEquals(1, ds.size());
        assertEquals("house-banner", ds.get(0).campaign());
        assertEquals(1, asked.size(), "only content that needs it is resolved");
        assertEquals("same_brand_new", asked.get(0).recommend().strategy());
    }

    @Test
    void resolver_canCompleteTheContent() {
        ContentResolver items = (content, rendered, profile, page, visit, now) -> {
            Map<String, Object> out = new LinkedHashMap<>(rendered);
            out.put("items", List.of(Map.of("id", "kumo-1")));
            return ContentResolver.Resolution.show(out);
        };
        Decision d = TWO_CAMPAIGNS.decide(ANON, Map.of(), Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE, items).get(0);
        assertEquals("picks", d.campaign());
        assertEquals(Map.of("template", "recommend", "title", "For you", "items", List.of(Map.of("id", "kumo-1"))), d.content());
    }

    @Test
    void explain_reportsContentUnavailable_withTheResolversReason() {
        ContentResolver none = (content, rendered, profile, page, visit, now) ->
                ContentResolver.Resolution.unavailable("no recommendations: the shopper has no purchases");
        Explanation e = TWO_CAMPAIGNS.explain(ANON, Map.of(), Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE, none);
        Explanation.CampaignResult picks = e.campaign("picks");
        assertEquals(Explanation.Outcome.CONTENT_UNAVAILABLE, picks.outcome());
        assertEquals("no recommendations: the shopper has no purchases", picks.reason());
        assertEquals(Explanation.Outcome.SELECTED, e.campaign("house-banner").outcome());

        Explanation shown = TWO_CAMPAIGNS.explain(ANON, Map.of(), Map.of(), List.of("hero"), NOW, ImpressionCounts.NONE,
                ContentResolver.NONE);
        assertEquals(Explanation.Outcome.SELECTED, shown.campaign("picks").outcome());
        assertNotNull(shown.campaign("house-banner").reason());
    }
}
