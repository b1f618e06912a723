package io.tsunagu.store;

import io.tsunagu.rules.profile.Event;
import io.tsunagu.rules.profile.ProfilePolicy;

/**
 * An event as the apply script takes it (see apply.lua): its id, type and time, and the sorted-set
 * member it is stored as — its text ({@link EventCodec#encode}), then \30, then its compact aggregate
 * updates ({@link ProfilePolicy#compactUpdates}, read when the event is trimmed). A writer that holds
 * events for a while (the loader, ordering a file's rows by member) keeps them in this form: what is
 * sent is computed once.
 */
public record StoredEvent(String id, String type, long ts, String member) {

    public static StoredEvent of(Event e, String updates) {
        return new StoredEvent(e.id(), e.type(), e.ts(), EventCodec.encode(e) + '\u001e' + updates);
    }

    public static StoredEvent of(Event e, ProfilePolicy policy) {
        return of(e, policy.compactUpdates(e));
    }
}
