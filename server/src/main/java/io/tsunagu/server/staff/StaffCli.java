package io.tsunagu.server.staff;

import io.tsunagu.rules.source.Node;
import io.tsunagu.rules.source.Problems;
import io.tsunagu.rules.source.SourceReader;
import io.tsunagu.server.config.StaffSettings;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tsunagu staff add-user USER --store STORE [--role ROLE] [--restrict-to-store] [--config FILE]}:
 * asks for the password (twice on a terminal; else the first line of standard input, so that scripts
 * can pipe it in — never from the command line, where {@code ps} and shell history would show it),
 * hashes it ({@link PasswordHash}) and prints the account as a YAML entry for {@code staff.users}, or
 * adds it to the configuration file.
 */
public final class StaffCli {

    static final String USAGE = """
            usage: tsunagu staff add-user USER --store STORE [--role ROLE] [--restrict-to-store] [--config FILE]

              Reads the password from the terminal (or the first line of standard input), hashes it
              (PBKDF2-HMAC-SHA256) and prints the account for the server's configuration under
              staff.users — or, with --config FILE, adds it there. Restart the server to use it.

              --store STORE         the store the person works at (its store_id in the POS and visit feeds)
              --role ROLE           staff (default), manager, … : shown on the page and in the audit log
              --restrict-to-store   may only look up customers who visited, booked or bought at STORE
              --config FILE         add the account to this configuration file (created if missing)""";

    /** The shortest password accepted. */
    static final int MIN_PASSWORD = 10;

    private final InputStream in;
    private final Console console;
    private final PrintStream out;
    private final PrintStream err;

    StaffCli(InputStream in, Console console, PrintStream out, PrintStream err) {
        this.in = in;
        this.console = console;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new StaffCli(System.in, System.console(), System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("add-user")) {
            err.println("tsunagu staff: unknown command \"" + args[0] + "\"\n" + USAGE);
            return 2;
        }
        String user = null;
        String store = null;
        String role = "staff";
        boolean restrict = false;
        Path config = null;
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--store" -> store = hasValue ? args[++i] : null;
                case "--role" -> role = hasValue ? args[++i] : null;
                case "--config" -> config = hasValue ? Path.of(args[++i]) : null;
                case "--restrict-to-store" -> restrict = true;
                case "--iterations" -> {
                    try {
                        iterations = hasValue ? Integer.parseInt(args[++i]) : -1;
                    } catch (NumberFormatException e) {
                        iterations = -1;
                    }
                }
                default -> {
                    if (a.startsWith("-") || user != null) {
                        err.println("tsunagu staff add-user: unknown argument \"" + a + "\"\n" + USAGE);
                        return 2;
                    }
                    user = a;
                }
            }
        }
        List<String> problems = new ArrayList<>();
        if (user == null || !StaffSettings.USER.matcher(user).matches()) {
            problems.add("USER: letters, digits and . _ @ - (at most 64)");
        }
        if (store == null || !StaffSettings.STORE.matcher(store).matches()) {
            problems.add("--store STORE is required: letters, digits and . _ : - (at most 64)");
        }
        if (role == null || !StaffSettings.ROLE.matcher(role).matches()) {
            problems.add("--role: a lowercase word such as staff or manager");
        }
        if (iterations < PasswordHash.MIN_ITERATIONS) {
            problems.add("--iterations: at least " + PasswordHash.MIN_ITERATIONS);
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("tsunagu staff add-user: " + p));
            return 2;
        }
        char[] password;
        try {
            password = readPassword(user);
        } catch (IOException e) {
            err.println("tsunagu staff add-user: cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null) {
            return 1;
        }
        String entry;
        try {
            entry = entry(user, PasswordHash.create(password, iterations), store, role, restrict);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (config == null) {
            out.println("# add under staff: users: in the server's configuration file");
            out.println("- " + entry);
            return 0;
        }
        try {
            String problem = addToConfig(config, user, entry);
            if (problem != null) {
                err.println("tsunagu staff add-user: " + problem);
                return 1;
            }
        } catch (IOException e) {
            err.println("tsunagu staff add-user: cannot write " + config + ": " + e.getMessage());
            return 1;
        }
        out.println("added " + user + " (store " + store + ", role " + role + (restrict ? ", restricted to the store" : "")
                + ") to " + config + "; restart the server to use it");
        return 0;
    }

    /** The password: asked twice on a terminal, else the first line of standard input. */
    private char[] readPassword(String user) throws IOException {
        char[] password;
        if (console != null) {
            password = console.readPassword("Password for %s: ", user);
            char[] again = password == null ? null : console.readPassword("Again: ");
            if (password == null || again == null) {
                err.println("tsunagu staff add-user: no password given");
                return null;
            }
            boolean same = Arrays.equals(password, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(password, '\0');
                err.println("tsunagu staff add-user: the passwords differ");
                return null;
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                err.println("tsunagu staff add-user: no password on standard input");
                return null;
            }
            password = line.toCharArray();
        }
        if (password.length < MIN_PASSWORD) {
            Arrays.fill(password, '\0');
            err.println("tsunagu staff add-user: the password must have at least " + MIN_PASSWORD + " characters");
            return null;
        }
        return password;
    }

    /** One account as a YAML flow mapping (values are checked patterns or base64: nothing to escape). */
    static String entry(String user, PasswordHash hash, String store, String role, boolean restrict) {
        return "{ user: \"" + user + "\", password_hash: \"" + hash.encode() + "\", store: \"" + store + "\", role: "
                + role + (restrict ? ", restrict_to_store: true" : "") + " }";
    }

    /**
     * Adds the entry to {@code staff.users} in the file, keeping everything else as written: as the
     * first item of an existing block list, as a new {@code users:} under an existing block
     * {@code staff:}, or as a new {@code staff:} section at the end. Returns a problem, or null.
     */
    static String addToConfig(Path file, String user, String entry) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, "staff:\n  users:\n    - " + entry + "\n");
            return null;
        }
        String text = Files.readString(file);
        Problems problems = new Problems();
        Node root = SourceReader.readYaml(file.toString(), text, problems);
        if (!problems.errors().isEmpty()) {
            return file + " does not read as YAML (" + problems.errors().get(0) + "); fix it first";
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (root == null || root instanceof Node.Scalar s && s.value() == null) {
            return write(file, text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "staff:\n  users:\n    - " + entry
                    + "\n");
        }
        if (!(root instanceof Node.MapNode map)) {
            return file + " is not a mapping of settings";
        }
        Node.Entry staff = map.entries().get("staff");
        if (staff == null) {
            return write(file, text + (text.endsWith("\n") ? "" : "\n") + "\nstaff:\n  users:\n    - " + entry + "\n");
        }
        if (!(staff.value() instanceof Node.MapNode staffMap) || staffMap.entries().isEmpty()
                || firstKeyLine(staffMap) <= staff.keyLoc().line()) {
            return "staff: in " + file + " is not a block mapping; add the account by hand:\n- " + entry;
        }
        Node.Entry users = staffMap.entries().get("users");
        if (users == null) {
            int column = firstKeyColumn(staffMap);
            String indent = " ".repeat(column - 1);
            lines.add(staff.keyLoc().line(), indent + "users:\n" + indent + "  - " + entry);
            return write(file, String.join("\n", lines));
        }
        String indent = " ".repeat(users.keyLoc().column() + 1);
        if (users.value() instanceof Node.ListNode list && !list.items().isEmpty()
                && list.items().get(0).loc().line() > users.keyLoc().line()) {
            for (Node item : list.items()) {
                if (item instanceof Node.MapNode m && m.get("user") instanceof Node.Scalar s && user.equals(
                        String.valueOf(s.value()))) {
                    return "user \"" + user + "\" is already in " + file + " (line " + item.loc().line()
                            + "); to change the password, replace that entry's password_hash with:\n  "
                            + entry.substring(entry.indexOf("password_hash: ") + 15, entry.indexOf(", store:"));
                }
            }
            int dash = lines.get(list.items().get(0).loc().line() - 1).indexOf('-');
            indent = dash >= 0 ? " ".repeat(dash) : indent;
        } else if (!(users.value() instanceof Node.Scalar s && (s.value() == null || "".equals(s.value())))) {
            return "staff.users in " + file + " is not a block list; add the account by hand:\n- " + entry;
        }
        lines.add(users.keyLoc().line(), indent + "- " + entry);
        return write(file, String.join("\n", lines));
    }

    private static int firstKeyLine(Node.MapNode m) {
        return m.entries().values().iterator().next().keyLoc().line();
    }

    private static int firstKeyColumn(Node.MapNode m) {
        return m.entries().values().iterator().next().keyLoc().column();
    }

    private static String write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        try {
            // The file holds password hashes: the new one keeps the old one's permissions.
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return null;
    }
}
