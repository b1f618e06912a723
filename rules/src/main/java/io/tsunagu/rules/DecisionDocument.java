package io.tsunagu.rules;

import io.tsunagu.rules.condition.Fields;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.trait.Trait;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The document every segment and campaign condition sees for one request:
 * {@code {attributes, traits, segments, page, visit, now}}. Traits are computed on first use and
 * remembered; segments are evaluated once, in dependency order, when the document is made.
 * One per request; not thread-safe.
 */
final class DecisionDocument implements Fields {

    private final RuleSet rules;
    final Profile profile;
    private final Map<String, ?> page;
    private final Map<String, ?> visit;
    final long now;
    private final Object[] traitValues;
    private final boolean[] traitDone;
    private final TraitView traits = new TraitView();
    private final List<String> segments;
    final boolean[] inSegment;
    private NowView nowView;

    DecisionDocument(RuleSet rules, Profile profile, Map<String, ?> page, Map<String, ?> visit, long now) {
        this.rules = rules;
        this.profile = profile;
        this.page = page == null ? Map.of() : page;
        this.visit = visit == null ? Map.of() : visit;
        this.now = now;
        int n = rules.traits().size();
        this.traitValues = new Object[n];
        this.traitDone = new boolean[n];
        List<Segment> all = rules.segments();
        this.segments = new ArrayList<>(all.size());
        this.inSegment = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).when().test(this)) {
                inSegment[i] = true;
                segments.add(all.get(i).id());
            }
        }
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "attributes" -> profile.attributes();
            case "traits" -> traits;
            case "segments" -> segments;
            case "page" -> page;
            case "visit" -> visit;
            case "now" -> now();
            default -> null;
        };
    }

    @Override
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attributes", profile.attributes());
        m.put("traits", traits.asMap());
        m.put("segments", List.copyOf(segments));
        m.put("page", page);
        m.put("visit", visit);
        m.put("now", now().asMap());
        return m;
    }

    List<String> segments() {
        return segments;
    }

    Object trait(int index) {
        if (!traitDone[index]) {
            traitValues[index] = rules.traits().get(index).compute(profile, now);
            traitDone[index] = true;
        }
        return traitValues[index];
    }

    private NowView now() {
        if (nowView == null) {
            nowView = new NowView(ZonedDateTime.ofInstant(Instant.ofEpochMilli(now), rules.zone()));
        }
        return nowView;
    }

    /** {@code traits.*}, computed lazily. */
    private final class TraitView implements Fields {
        @Override
        public Object field(String name) {
            Integer i = rules.traitIndex(name);
            return i == null ? null : trait(i);
        }

        @Override
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Trait> all = rules.traits();
            for (int i = 0; i < all.size(); i++) {
                m.put(all.get(i).name(), trait(i));
            }
            return m;
        }
    }

    /**
     * {@code now.*} in the rule set's time zone: ts (epoch ms), date ("2026-12-05"), time ("14:05"),
     * hour, minute, weekday ("mon" … "sun"), day, month, year.
     */
    private final class NowView implements Fields {
        private final Map<String, Object> fields;

        NowView(ZonedDateTime t) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ts", now);
            m.put("date", t.toLocalDate().toString());
            m.put("time", String.format(Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute()));
            m.put("hour", t.getHour());
            m.put("minute", t.getMinute());
            m.put("weekday", t.getDayOfWeek().name().substring(0, 3).toLowerCase(Locale.ROOT));
            m.put("day", t.getDayOfMonth());
            m.put("month", t.getMonthValue());
            m.put("year", t.getYear());
            this.fields = m;
        }

        @Override
        public Object field(String name) {
            return fields.get(name);
        }

        @Override
        public Map<String, Object> asMap() {
            return fields;
        }
    }
}
