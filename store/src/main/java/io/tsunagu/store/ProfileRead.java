package io.tsunagu.store;

import io.tsunagu.rules.profile.Profile;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One profile read as plain commands in a transaction ({@code MULTI} … {@code EXEC}, one round trip):
 * the attribute, meta and aggregate hashes, the set of event types, and the events of each type the
 * read asks for.
 *
 * <p>Plain commands instead of a script: measured with {@code INFO commandstats} on a profile of 240
 * events and 300 aggregate fields, a read script spent 243 µs of Redis's time, the same commands in a
 * transaction 94 µs — a script copies every event into Lua and back. A transaction cannot read the type
 * set and then the types it names, so the read asks for the types it expects; if the profile has
 * others, {@link #decode} says so and the caller reads again with them; the store then asks for those
 * types too (up to {@link RedisProfileStore#MAX_READ_TYPES}; beyond, a profile with a rarer type costs
 * a second round trip whenever it is read).
 */
public final class ProfileRead {

    private final String pid;
    private final ProfileKeys keys;
    private final List<String> types;

    ProfileRead(String pid, ProfileKeys keys, List<String> types) {
        this.pid = pid;
        this.keys = keys;
        this.types = types;
    }

    public String pid() {
        return pid;
    }

    List<String> types() {
        return types;
    }

    /** The commands to send, in order, in one batch. */
    public List<Request> requests() {
        String base = keys.base(pid);
        List<Request> out = new ArrayList<>(types.size() + 6);
        out.add(Request.cmd(Command.MULTI));
        out.add(Request.cmd(Command.HGETALL).arg(base + ":a"));
        out.add(Request.cmd(Command.HGETALL).arg(base + ":m"));
        out.add(Request.cmd(Command.HGETALL).arg(base + ":g"));
        out.add(Request.cmd(Command.SMEMBERS).arg(base + ":t"));
        for (String type : types) {
            out.add(Request.cmd(Command.ZRANGE).arg(base + ":e:" + type).arg(0).arg(-1));
        }
        out.add(Request.cmd(Command.EXEC));
        return out;
    }

    /** How many responses {@link #requests()} produce. */
    public int size() {
        return types.size() + 6;
    }

    /**
     * The profile from the responses to {@link #requests()}, starting at {@code from}; null when the
     * profile has event types the read did not ask for ({@code unknown} gets them).
     */
    Profile decode(List<Response> responses, int from, List<String> unknown) {
        Response r = responses.get(from + size() - 1);
        Response present = r.get(3);
        for (int i = 0; i < present.size(); i++) {
            String type = present.get(i).toString();
            if (!types.contains(type)) {
                unknown.add(type);
            }
        }
        if (!unknown.isEmpty()) {
            return null;
        }
        Profile.Builder b = Profile.builder(pid);
        String[] attributes = pairs(r.get(0));
        for (int i = 0; i < attributes.length; i += 2) {
            b.attribute(attributes[i], EventCodec.decodeValue(attributes[i + 1]));
        }
        String[] meta = pairs(r.get(1));
        for (int i = 0; i < meta.length; i += 2) {
            if (meta[i].startsWith("r:")) {
                b.retainedFrom(meta[i].substring(2), Long.parseLong(meta[i + 1]));
            }
        }
        String[] aggregates = pairs(r.get(2));
        if (aggregates.length > 0) {
            b.aggregateFields(aggregates);
        }
        for (int t = 0; t < types.size(); t++) {
            Response events = r.get(4 + t);
            for (int i = 0; i < events.size(); i++) {
                b.event(EventCodec.decode(events.get(i).toBytes()));
            }
        }
        return b.build();
    }

    /** A hash as alternating fields and values, whether it came as a flat array (RESP2) or a map (RESP3). */
    static String[] pairs(Response hash) {
        if (hash.isMap()) {
            Set<String> keys = hash.getKeys();
            String[] out = new String[keys.size() * 2];
            int i = 0;
            for (String k : keys) {
                out[i++] = k;
                out[i++] = hash.get(k).toString();
            }
            return out;
        }
        String[] out = new String[hash.size() & ~1];
        for (int i = 0; i < out.length; i++) {
            out[i] = hash.get(i).toString();
        }
        return out;
    }
}
