package io.tsunagu.rules;

import io.tsunagu.rules.condition.Condition;
import io.tsunagu.rules.condition.Explainer;
import io.tsunagu.rules.condition.Failure;
import io.tsunagu.rules.condition.ValueSet;
import io.tsunagu.rules.content.Content;
import io.tsunagu.rules.content.ContentResolver;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.profile.ProfilePolicy;
import io.tsunagu.rules.source.Problem;
import io.tsunagu.rules.source.Times;
import io.tsunagu.rules.trait.Trait;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled, immutable set of rules: traits, segments, campaigns and named lists, loaded from a
 * directory by {@link RuleSetLoader}. Thread-safe; a server swaps in a new instance on reload and
 * each request reads one.
 *
 * <p>{@link #decide} is the per-page-view path: one {@link DecisionDocument}, segments evaluated once,
 * traits computed only when a condition reads them, then for each requested slot the campaigns in
 * priority order until one holds.
 */
public final class RuleSet {

    private final ZoneId zone;
    private final ProfilePolicy policy;
    private final List<Trait> traits;
    private final Map<String, Integer> traitIndex;
    private final List<Segment> segments;
    private final Map<String, Integer> segmentIndex;
    private final List<Campaign> campaigns;
    private final Map<String, Campaign[]> bySlot;
    private final Map<String, ValueSet> lists;
    private final Map<Condition.Field, List<String>> segmentRefs;
    private final List<Problem> warnings;
    private final String fingerprint;
    private final int files;

    RuleSet(ZoneId zone, ProfilePolicy policy, List<Trait> traits, List<Segment> segments, List<Campaign> campaigns,
            Map<String, ValueSet> lists, Map<Condition.Field, List<String>> segmentRefs, List<Problem> warnings,
            String fingerprint, int files) {
        this.zone = zone;
        this.policy = policy;
        this.traits = List.copyOf(traits);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < traits.size(); i++) {
            index.put(traits.get(i).name(), i);
        }
        this.traitIndex = Map.copyOf(index);
        this.segments = List.copyOf(segments);
        Map<String, Integer> sIndex = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            sIndex.put(segments.get(i).id(), i);
        }
        this.segmentIndex = Map.copyOf(sIndex);
        this.campaigns = List.copyOf(campaigns);
        Map<String, List<Campaign>> slots = new LinkedHashMap<>();
        for (Campaign c : campaigns) {
            slots.computeIfAbsent(c.slot(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Campaign[]> ranked = new LinkedHashMap<>();
        slots.forEach((slot, list) -> {
            // Highest priority first; a stable sort keeps declaration order among equals.
            list.sort((a, b) -> Integer.compare(b.priority(), a.priority()));
            ranked.put(slot, list.toArray(Campaign[]::new));
        });
        this.bySlot = Collections.unmodifiableMap(ranked);
        this.lists = Map.copyOf(lists);
        this.segmentRefs = new IdentityHashMap<>(segmentRefs);
        this.warnings = List.copyOf(warnings);
        this.fingerprint = fingerprint;
        this.files = files;
    }

    /** An empty rule set: no traits, segments or campaigns. */
    public static RuleSet empty() {
        return new RuleSet(ZoneId.of("UTC"), ProfilePolicy.DEFAULT, List.of(), List.of(), List.of(), Map.of(), Map.of(),
                List.of(), "empty", 0);
    }

    // ---- decisions ---------------------------------------------------------------------------

    /** At most one decision per requested slot, in the order the slots were asked for. */
    public List<Decision> decide(Profile profile, Map<String, ?> page, Collection<String> slots, long now,
            ImpressionCounts caps) {
        return decide(profile, page, Map.of(), slots, now, caps);
    }

    /** As {@link #decide(Profile, Map, Collection, long, ImpressionCounts)}, with visit context. */
    public List<Decision> decide(Profile profile, Map<String, ?> page, Map<String, ?> visit, Collection<String> slots,
            long now, ImpressionCounts caps) {
        return decide(profile, page, visit, slots, now, caps, ContentResolver.NONE);
    }

    /**
     * As {@link #decide(Profile, Map, Map, Collection, long, ImpressionCounts)}, with content that needs
     * data beyond the profile (recommendations, pooled coupon codes) completed by {@code resolver}: a
     * campaign whose content it cannot fill gives way to the next campaign of its slot.
     */
    public List<Decision> decide(Profile profile, Map<String, ?> page, Map<String, ?> visit, Collection<String> slots,
            long now, ImpressionCounts caps, ContentResolver resolver) {
        DecisionDocument doc = new DecisionDocument(this, profile, page, visit, now);
        List<Decision> out = new ArrayList<>(slots.size());
        for (String slot : slots) {
            Campaign[] ranked = bySlot.get(slot);
            if (ranked == null || alreadyDecided(out, slot)) {
                continue;
            }
            for (Campaign c : ranked) {
                if (c.enabled() && c.scheduledAt(now) && (c.cap() == null || c.cap().allows(c.id(), now, caps))
                        && c.when().test(doc)) {
                    Decision d = decision(c, doc, resolver, page, visit);
                    if (d != null) {
                        out.add(d);
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static boolean alreadyDecided(List<Decision> out, String slot) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).slot().equals(slot)) {
                return true;
            }
        }
        return false;
    }

    /** The campaign's decision for this visitor, or null when its content cannot be filled. */
    private static Decision decision(Campaign c, DecisionDocument doc, ContentResolver resolver, Map<String, ?> page,
            Map<String, ?> visit) {
        Variant v = c.variantFor(c.bucketId(doc, doc.profile.id()));
        Content content = v.content();
        if (content == null) {
            return new Decision(c.slot(), c.id(), v.id(), null);
        }
        if (!content.needsResolving()) {
            return new Decision(c.slot(), c.id(), v.id(), content.render(doc), content.constantJson());
        }
        ContentResolver.Resolution r = resolve(content, doc, resolver, page, visit);
        return r.shown() ? new Decision(c.slot(), c.id(), v.id(), r.content()) : null;
    }

    private static ContentResolver.Resolution resolve(Content content, DecisionDocument doc, ContentResolver resolver,
            Map<String, ?> page, Map<String, ?> visit) {
        return resolver.resolve(content, content.render(doc), doc.profile, page == null ? Map.of() : page,
                visit == null ? Map.of() : visit, doc.now);
    }

    /** The segments the profile is in now, in dependency order. */
    public List<String> segmentsOf(Profile profile, long now) {
        return List.copyOf(new DecisionDocument(this, profile, Map.of(), Map.of(), now).segmentIds());
    }

    /** Every trait's value for the profile now. */
    public Map<String, Object> traitValues(Profile profile, long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Trait t : traits) {
            out.put(t.name(), t.compute(profile, now));
        }
        return out;
    }

    /**
     * Why each campaign does or does not show for this visitor and page.
     *
     * @param slots the slots the page asks for; null for all
     */
    public Explanation explain(Profile profile, Map<String, ?> page, Map<String, ?> visit, Collection<String> slots,
            long now, ImpressionCounts caps) {
        return explain(profile, page, visit, slots, now, caps, ContentResolver.NONE);
    }

    /** As {@link #explain(Profile, Map, Map, Collection, long, ImpressionCounts)}, with content resolved. */
    public Explanation explain(Profile profile, Map<String, ?> page, Map<String, ?> visit, Collection<String> slots,
            long now, ImpressionCounts caps, ContentResolver resolver) {
        DecisionDocument doc = new DecisionDocument(this, profile, page, visit, now);
        Map<String, Object> traitValues = new LinkedHashMap<>();
        for (int i = 0; i < traits.size(); i++) {
            traitValues.put(traits.get(i).name(), doc.trait(i));
        }
        List<Explanation.SegmentResult> segmentResults = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            boolean member = doc.member(i);
            segmentResults.add(new Explanation.SegmentResult(s.id(), member, member ? null : segmentFailure(s, doc)));
        }
        Map<String, String> winners = new LinkedHashMap<>();
        for (Decision d : decide(profile, page, visit, slots == null ? bySlot.keySet() : slots, now, caps, resolver)) {
            winners.put(d.slot(), d.campaign());
        }
        List<Explanation.CampaignResult> results = new ArrayList<>();
        for (Campaign c : campaigns) {
            results.add(outcome(c, doc, slots, now, caps, winners, resolver, page, visit));
        }
        return new Explanation(profile.id(), now, traitValues, segmentResults, results);
    }

    private Explanation.CampaignResult outcome(Campaign c, DecisionDocument doc, Collection<String> slots, long now,
            ImpressionCounts caps, Map<String, String> winners, ContentResolver resolver, Map<String, ?> page,
            Map<String, ?> visit) {
        Explanation.Outcome outcome;
        String reason;
        Failure failure = null;
        String variant = null;
        if (slots != null && !slots.contains(c.slot())) {
            outcome = Explanation.Outcome.SLOT_NOT_REQUESTED;
            reason = "the page did not ask for slot \"" + c.slot() + "\"";
        } else if (!c.enabled()) {
            outcome = Explanation.Outcome.DISABLED;
            reason = "enabled: false";
        } else if (now < c.from()) {
            outcome = Explanation.Outcome.NOT_STARTED;
            reason = "starts " + Times.iso(c.from());
        } else if (now >= c.to()) {
            outcome = Explanation.Outcome.ENDED;
            reason = "ended " + Times.iso(c.to());
        } else if (c.cap() != null && !c.cap().allows(c.id(), now, caps)) {
            outcome = Explanation.Outcome.CAPPED;
            reason = "seen " + c.cap().impressions() + " times already"
                    + (c.cap().per() < 0 ? "" : " within " + io.tsunagu.rules.source.Durations.format(c.cap().per()));
        } else if ((failure = Explainer.firstFailure(c.when(), doc, f -> causes(f, doc))) != null) {
            outcome = Explanation.Outcome.CONDITION_FAILED;
            reason = "condition failed: " + failure;
        } else {
            Variant v = c.variantFor(c.bucketId(doc, doc.profile.id()));
            variant = v.id();
            String winner = winners.get(c.slot());
            ContentResolver.Resolution r = c.id().equals(winner) || v.content() == null || !v.content().needsResolving()
                    ? null : resolve(v.content(), doc, resolver, page, visit);
            if (r != null && !r.shown()) {
                outcome = Explanation.Outcome.CONTENT_UNAVAILABLE;
                reason = r.unavailable();
            } else if (c.id().equals(winner)) {
                outcome = Explanation.Outcome.SELECTED;
                reason = null;
            } else {
                outcome = Explanation.Outcome.OUTRANKED;
                reason = "slot \"" + c.slot() + "\" went to " + winner;
            }
        }
        return new Explanation.CampaignResult(c.id(), c.slot(), c.priority(), outcome, variant, reason, failure);
    }

    private Failure segmentFailure(Segment s, DecisionDocument doc) {
        return Explainer.firstFailure(s.when(), doc, f -> causes(f, doc));
    }

    /** For a failed test of {@code segments}: why each segment it names is not held. */
    private List<Failure> causes(Condition.Field field, DecisionDocument doc) {
        List<String> refs = segmentRefs.get(field);
        if (refs == null) {
            return List.of();
        }
        List<Failure> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (refs.contains(s.id()) && !doc.member(i)) {
                Failure f = segmentFailure(s, doc);
                if (f != null) {
                    out.add(new Failure(f.loc(), "segment " + s.id() + ": " + f.clause(), f.actual(), f.causes()));
                }
            }
        }
        return out;
    }

    // ---- accessors ---------------------------------------------------------------------------

    /** The zone of schedules written without an offset, and of {@code now.*}. */
    public ZoneId zone() {
        return zone;
    }

    /** What profiles keep (events per type, aggregate dimensions and measures). */
    public ProfilePolicy policy() {
        return policy;
    }

    public List<Trait> traits() {
        return traits;
    }

    Integer traitIndex(String name) {
        return traitIndex.get(name);
    }

    Integer segmentIndex(String id) {
        return segmentIndex.get(id);
    }

    /** Segments in evaluation (dependency) order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Campaigns in the order they were declared. */
    public List<Campaign> campaigns() {
        return campaigns;
    }

    /** The slots some campaign fills. */
    public Collection<String> slots() {
        return bySlot.keySet();
    }

    public Map<String, ValueSet> lists() {
        return lists;
    }

    public List<Problem> warnings() {
        return warnings;
    }

    /** A hash of the rule files' contents: equal for equal rules. */
    public String fingerprint() {
        return fingerprint;
    }

    public int fileCount() {
        return files;
    }

    @Override
    public String toString() {
        return count(files, "file") + ", " + count(traits.size(), "trait") + ", " + count(segments.size(), "segment")
                + ", " + count(campaigns.size(), "campaign") + " in " + count(bySlot.size(), "slot") + ", "
                + count(lists.size(), "list");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
