package io.tsunagu.server.config;

import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Suggestions;
import io.tsunagu.server.staff.PasswordHash;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code staff.users}, a list of accounts as {@code ./tsunagu staff add-user} prints them:
 * <pre>
 * staff:
 *   users:
 *     - { user: hanako, password_hash: "pbkdf2-sha256$600000$…$…", store: shibuya, role: staff }
 *     - { user: taro, password_hash: "…", store: ginza, role: staff, restrict_to_store: true }
 * </pre>
 * Every problem names {@code file:line:column} of the entry; a password hash is never echoed.
 */
final class StaffAccounts {

    private static final Set<String> KEYS = Set.of("user", "password_hash", "store", "role", "restrict_to_store");

    private StaffAccounts() {
    }

    static Map<String, StaffSettings.Account> read(Node node, String source, List<String> problems) {
        Map<String, StaffSettings.Account> out = new LinkedHashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        if (node == null || node instanceof Node.Scalar s && s.value() == null) {
            return out;
        }
        if (!(node instanceof Node.ListNode list)) {
            problems.add(source + ": must be a list of accounts (user, password_hash, store, role)");
            return out;
        }
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String where = item.loc() + ": staff.users[" + i + "]";
            if (!(item instanceof Node.MapNode m)) {
                problems.add(where + ": must be a mapping with user, password_hash, store and role");
                continue;
            }
            int before = problems.size();
            for (Node.Entry e : m.entries().values()) {
                if (!KEYS.contains(e.key())) {
                    problems.add(e.keyLoc() + ": staff.users[" + i + "]: unknown key \"" + e.key() + "\""
                            + Suggestions.didYouMean(e.key(), KEYS));
                }
            }
            String user = text(m, "user", where, problems, true);
            if (user != null && !StaffSettings.USER.matcher(user).matches()) {
                problems.add(where + ".user: letters, digits and . _ @ - (at most 64), found \"" + user + "\"");
            }
            String store = text(m, "store", where, problems, true);
            if (store != null && !StaffSettings.STORE.matcher(store).matches()) {
                problems.add(where + ".store: letters, digits and . _ : - (at most 64), found \"" + store + "\"");
            }
            String role = text(m, "role", where, problems, false);
            if (role == null) {
                role = "staff";
            } else if (!StaffSettings.ROLE.matcher(role).matches()) {
                problems.add(where + ".role: a lowercase word such as staff or manager, found \"" + role + "\"");
            }
            boolean restricted = false;
            Node r = m.get("restrict_to_store");
            if (r != null) {
                if (r instanceof Node.Scalar s && s.value() instanceof Boolean b) {
                    restricted = b;
                } else {
                    problems.add(where + ".restrict_to_store: must be true or false, found " + r.show());
                }
            }
            PasswordHash hash = null;
            String hashText = text(m, "password_hash", where, problems, true);
            if (hashText != null) {
                try {
                    hash = PasswordHash.parse(hashText);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".password_hash: " + e.getMessage());
                }
            }
            if (user != null && !seen.add(user)) {
                problems.add(where + ".user: \"" + user + "\" is listed twice");
            } else if (problems.size() == before) {
                out.put(user, new StaffSettings.Account(user, hash, store, role, restricted));
            }
        }
        return out;
    }

    private static String text(Node.MapNode m, String key, String where, List<String> problems, boolean required) {
        Node n = m.get(key);
        if (n == null || n instanceof Node.Scalar s && s.value() == null) {
            if (required) {
                problems.add(where + ": " + key + " is missing");
            }
            return null;
        }
        if (!(n instanceof Node.Scalar s) || !(s.value() instanceof String || s.value() instanceof Number)) {
            problems.add(where + "." + key + ": must be text, found " + n.describe());
            return null;
        }
        String v = String.valueOf(s.value()).trim();
        if (v.isEmpty()) {
            problems.add(where + "." + key + ": must not be empty");
            return null;
        }
        return v;
    }
}
