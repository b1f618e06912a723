package io.tsunagu.rules;

import io.tsunagu.rules.condition.Fields;
import io.tsunagu.rules.condition.Membership;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.trait.Trait;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The document every segment and campaign condition sees for one request:
 * {@code {attributes, traits, segments, page, visit, now}}.
 *
 * <p>Everything derived is computed on first use and remembered: a trait when a condition reads it,
 * a segment when a condition names it (and the segments it builds on), {@code now.*} fields when
 * read. A page asking for two slots whose first campaigns match evaluates only what those campaigns
 * test. One per request; not thread-safe.
 */
final class DecisionDocument extends Fields {

    private static final byte UNKNOWN = 0;
    private static final byte EVALUATING = 1;
    private static final byte IN = 2;
    private static final byte OUT = 3;
    private static final String[] WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    private final RuleSet rules;
    final Profile profile;
    private final Map<String, ?> page;
    private final Map<String, ?> visit;
    final long now;
    private final Object[] traitValues;
    private final boolean[] traitDone;
    private final TraitView traits = new TraitView();
    private final byte[] segmentState;
    private final Segments segments = new Segments();
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
        this.segmentState = new byte[rules.segments().size()];
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

    /** The ids of every segment the visitor is in, in dependency order. */
    List<String> segmentIds() {
        return segments;
    }

    /** Whether the visitor is in the segment at this index, evaluating it on first use. */
    boolean member(int index) {
        byte s = segmentState[index];
        if (s == IN || s == OUT) {
            return s == IN;
        }
        if (s == EVALUATING) {
            return false; // unreachable: the loader rejects cycles between segments
        }
        segmentState[index] = EVALUATING;
        boolean in = rules.segments().get(index).when().test(this);
        segmentState[index] = in ? IN : OUT;
        return in;
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
            nowView = new NowView(LocalDateTime.ofInstant(Instant.ofEpochMilli(now), rules.zone()));
        }
        return nowView;
    }

    /** {@code segments}: membership on demand; the whole list only when something reads it as a list. */
    private final class Segments extends Membership {
        private List<String> all;

        @Override
        public boolean has(String segment) {
            Integer i = rules.segmentIndex(segment);
            return i != null && member(i);
        }

        private List<String> all() {
            if (all == null) {
                List<Segment> defs = rules.segments();
                List<String> ids = new ArrayList<>(defs.size());
                for (int i = 0; i < defs.size(); i++) {
                    if (member(i)) {
                        ids.add(defs.get(i).id());
                    }
                }
                all = ids;
            }
            return all;
        }

        @Override
        public String get(int index) {
            return all().get(index);
        }

        @Override
        public int size() {
            return all().size();
        }
    }

    /** {@code traits.*}, computed lazily. */
    private final class TraitView extends Fields {
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
     * hour, minute, weekday ("mon" … "sun"), day, month, year. Each computed when read.
     */
    private final class NowView extends Fields {
        private final LocalDateTime t;
        private final Long ts;

        NowView(LocalDateTime t) {
            this.t = t;
            this.ts = now;
        }

        @Override
        public Object field(String name) {
            return switch (name) {
                case "ts" -> ts;
                case "date" -> t.toLocalDate().toString();
                case "time" -> twoDigits(t.getHour()) + ":" + twoDigits(t.getMinute());
                case "hour" -> t.getHour();
                case "minute" -> t.getMinute();
                case "weekday" -> WEEKDAYS[t.getDayOfWeek().ordinal()];
                case "day" -> t.getDayOfMonth();
                case "month" -> t.getMonthValue();
                case "year" -> t.getYear();
                default -> null;
            };
        }

        private String twoDigits(int n) {
            return n < 10 ? "0" + n : Integer.toString(n);
        }

        @Override
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String f : RuleScope.NOW_FIELDS) {
                m.put(f, field(f));
            }
            return m;
        }
    }
}
