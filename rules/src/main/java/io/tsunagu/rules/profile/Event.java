package io.tsunagu.rules.profile;

import io.tsunagu.rules.condition.Fields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One fact on a customer's timeline: a page view, a store purchase line, a call. Web and offline
 * events share this shape. Immutable.
 *
 * <p>{@code id} is the event's identity (a receipt and line number, a request id): storing the same
 * id twice is a no-op, so a retried request or a re-imported row never counts twice. A {@code where}
 * condition sees the event as an object with {@code type}, {@code ts}, {@code id} and the properties.
 */
public final class Event extends Fields {

    /** Event types are identifiers: they appear in trait definitions and in aggregate keys. */
    public static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    /**
     * Types that record what a customer did offline — in a store, on the phone, with an e-mail or a
     * survey. They come from the retailer's own data (the loader's feeds, a trusted system), never from
     * browsers: the server refuses them there, and the staff view shows them as store or contact events.
     */
    public static final Set<String> OFFLINE_TYPES = Set.of("store_visit", "reservation", "booking", "appointment", "call",
            "email_sent", "email_send", "email_open", "survey", "nps");

    /**
     * The event types the browser tag, the API and the demo feeds send. Any other type is allowed
     * (custom events); one a letter or two away from these is most likely a typo, and a trait over a
     * type nobody sends silently counts nothing, so rule files get a warning for it.
     */
    public static final Set<String> COMMON_TYPES = Stream.concat(
            Stream.of("page_view", "add_to_cart", "purchase", "signup", "impression", "click"), OFFLINE_TYPES.stream())
            .collect(Collectors.toUnmodifiableSet());

    private final String id;
    private final String type;
    private final long ts;
    private final Props props;

    public Event(String id, String type, long ts, Map<String, Object> props) {
        this(id, type, ts, Props.of(props));
    }

    private Event(String id, String type, long ts, Props props) {
        this.id = id;
        this.type = Interner.name(Objects.requireNonNull(type, "type"));
        this.ts = ts;
        this.props = props;
    }

    /**
     * An event whose property names and values are not shared with other events: for events that are
     * written and then dropped, as an import's are, where looking each string up in the shared tables
     * costs time (a table lookup and a hash per property) and saves nothing.
     */
    public static Event unshared(String id, String type, long ts, Map<String, Object> props) {
        return new Event(id, type, ts, Props.copyOf(props));
    }

    /** {@link #unshared(String, String, long, Map)} from alternating names and values; the array becomes the event's own. */
    public static Event unshared(String id, String type, long ts, Object[] namesAndValues) {
        if ((namesAndValues.length & 1) != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        return new Event(id, type, ts, Props.wrap(namesAndValues));
    }

    public static Event of(String type, long ts, Map<String, Object> props) {
        return new Event(null, type, ts, props);
    }

    /**
     * Properties for an event from alternating names and values, for decoders that read them into an
     * array: no map is built to be copied. The array becomes the properties' own; the caller must not
     * keep it.
     */
    public static Map<String, Object> props(Object[] namesAndValues) {
        if ((namesAndValues.length & 1) != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        return Props.ofPairs(namesAndValues);
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    /** Epoch milliseconds. */
    public long ts() {
        return ts;
    }

    public Map<String, Object> props() {
        return props;
    }

    public Object prop(String name) {
        return props.get(name);
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "type" -> type;
            case "ts" -> ts;
            case "id" -> id;
            default -> props.get(name);
        };
    }

    @Override
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (id != null) {
            m.put("id", id);
        }
        m.put("type", type);
        m.put("ts", ts);
        m.putAll(props);
        return m;
    }

    @Override
    public String toString() {
        return "Event[" + type + " @" + ts + (id == null ? "" : " id=" + id) + " " + props + "]";
    }
}
