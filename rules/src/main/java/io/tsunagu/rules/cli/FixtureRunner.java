package io.tsunagu.rules.cli;

import io.tsunagu.rules.Decision;
import io.tsunagu.rules.Explanation;
import io.tsunagu.rules.ImpressionCounts;
import io.tsunagu.rules.RuleSet;
import io.tsunagu.rules.condition.Js;
import io.tsunagu.rules.profile.Profile;
import io.tsunagu.rules.source.Problem;
import java.util.ArrayList;
import java.util.List;

/** Runs fixtures against a rule set and lists every mismatch, each explained. */
final class FixtureRunner {

    private final RuleSet rules;

    FixtureRunner(RuleSet rules) {
        this.rules = rules;
    }

    /** The mismatches of one fixture; empty when it passes. */
    List<Problem> run(Fixture f) {
        Profile profile = rules.policy().apply(f.profileId(), f.attributes(), f.events(), f.now());
        ImpressionCounts caps = f.impressions() == null
                ? ImpressionCounts.fromProfile(profile)
                : (campaign, since) -> f.impressions().getOrDefault(campaign, 0);
        List<Decision> decisions = rules.decide(profile, f.page(), f.visit(), f.slots(), f.now(), caps);
        Explanation why = null;
        List<Problem> out = new ArrayList<>();
        for (Fixture.Expectation e : f.expectations()) {
            if (e instanceof Fixture.SlotExpectation s) {
                Decision d = find(decisions, s.slot());
                String got = d == null ? "none" : d.campaign() + "/" + d.variant();
                boolean match = s.campaign() == null ? d == null
                        : d != null && d.campaign().equals(s.campaign()) && (s.variant() == null || s.variant().equals(d.variant()));
                if (!match) {
                    why = why != null ? why : explain(profile, f, caps);
                    out.add(new Problem(s.loc(), "slot " + s.slot() + ": expected " + s.describe() + ", got " + got
                            + reason(why, s.campaign())));
                }
            } else if (e instanceof Fixture.SegmentExpectation s) {
                why = why != null ? why : explain(profile, f, caps);
                Explanation.SegmentResult r = segment(why, s.segment());
                if (r == null) {
                    out.add(new Problem(s.loc(), "no segment \"" + s.segment() + "\" in the rules"));
                } else if (r.member() != s.member()) {
                    out.add(new Problem(s.loc(), s.member()
                            ? "expected to be in segment " + s.segment() + ", but is not: " + r.failure()
                            : "expected not to be in segment " + s.segment() + ", but is"));
                }
            } else if (e instanceof Fixture.TraitExpectation t) {
                why = why != null ? why : explain(profile, f, caps);
                if (!why.traits().containsKey(t.trait())) {
                    out.add(new Problem(t.loc(), "no trait \"" + t.trait() + "\" in the rules"));
                } else {
                    Object actual = why.traits().get(t.trait());
                    if (!Js.jsonEquals(actual, t.value())) {
                        out.add(new Problem(t.loc(), "trait " + t.trait() + ": expected " + show(t.value()) + ", got "
                                + show(actual)));
                    }
                }
            }
        }
        return out;
    }

    private Explanation explain(Profile profile, Fixture f, ImpressionCounts caps) {
        return rules.explain(profile, f.page(), f.visit(), f.slots(), f.now(), caps);
    }

    private String reason(Explanation why, String expected) {
        if (expected == null) {
            return "";
        }
        Explanation.CampaignResult r = why.campaign(expected);
        if (r == null) {
            return " (there is no campaign \"" + expected + "\")";
        }
        return r.reason() == null ? "" : " — " + expected + ": " + r.reason();
    }

    private static Decision find(List<Decision> decisions, String slot) {
        for (Decision d : decisions) {
            if (d.slot().equals(slot)) {
                return d;
            }
        }
        return null;
    }

    private static Explanation.SegmentResult segment(Explanation why, String id) {
        for (Explanation.SegmentResult s : why.segments()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    private static String show(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : v instanceof List<?> l ? l.toString() : Js.toStr(v);
    }
}
