package io.tsunagu.rules.condition;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds the regex shapes whose matching time can grow exponentially (or as a high power) with the
 * input on a backtracking engine such as {@link java.util.regex}: a repeated group that itself holds a
 * repeat ({@code (a+)+}, {@code (.*a){12}}, {@code (\w+\s?)*}) and backreferences. A rule's regex runs
 * on page URLs and other text a visitor sends, on an event-loop thread, so such a pattern in a rule
 * file is a load error rather than a request that never returns.
 *
 * <p>The check is syntactic and errs on the safe side: {@code ([a-z]+\.)*} is refused although its
 * dot makes it harmless; such a pattern can always be written without the nested repeat (or with a
 * possessive {@code *+}, which never backtracks).
 */
final class Backtracking {

    private Backtracking() {
    }

    /** Why {@code regex} can backtrack catastrophically, or null when it cannot by this check. */
    static String risk(String regex) {
        // One entry per open group: whether something inside it repeats.
        Deque<boolean[]> groups = new ArrayDeque<>();
        groups.push(new boolean[1]);
        int groupStart = -1;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            int atomStart = i;
            boolean groupAtom = false;
            boolean innerRepeats = false;
            if (c == '\\') {
                if (i + 1 < n && (Character.isDigit(regex.charAt(i + 1)) && regex.charAt(i + 1) != '0'
                        || regex.charAt(i + 1) == 'k')) {
                    return "uses a backreference (" + regex.substring(i, Math.min(n, i + 2)) + "), which can take "
                            + "exponential time; match the text without it";
                }
                if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
                    int end = regex.indexOf("\\E", i + 2);
                    i = end < 0 ? n : end + 2;
                } else {
                    i = Math.min(n, i + 2);
                }
            } else if (c == '[') {
                i = classEnd(regex, i);
            } else if (c == '(') {
                groups.push(new boolean[1]);
                i++;
                continue;
            } else if (c == ')') {
                boolean[] inner = groups.size() > 1 ? groups.pop() : new boolean[1];
                innerRepeats = inner[0];
                groupAtom = true;
                atomStart = groupStart(regex, i);
                i++;
            } else {
                i++;
            }
            // A quantifier after the atom?
            int q = quantifierEnd(regex, i);
            boolean repeats = q > i && repeats(regex, i, q);
            boolean possessive = q > i && q < n && regex.charAt(q) == '+';
            if (q > i) {
                q = q < n && (regex.charAt(q) == '?' || regex.charAt(q) == '+') ? q + 1 : q;
            }
            if (groupAtom && innerRepeats && repeats && !possessive) {
                return "repeats a group that itself repeats (" + regex.substring(atomStart, q) + "), which can take "
                        + "exponential time on some text; write it without the nested repeat";
            }
            if (repeats || innerRepeats) {
                groups.peek()[0] = true;
            }
            i = Math.max(i, q);
        }
        return null;
    }

    /** Index just past the character class starting at {@code start}. */
    private static int classEnd(String regex, int start) {
        int i = start + 1;
        int n = regex.length();
        if (i < n && regex.charAt(i) == '^') {
            i++;
        }
        if (i < n && regex.charAt(i) == ']') {
            i++;
        }
        int depth = 1;
        while (i < n && depth > 0) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            i++;
        }
        return Math.min(i, n);
    }

    /** Index of the '(' that the ')' at {@code close} ends, for the message; 0 if not found. */
    private static int groupStart(String regex, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = regex.charAt(i);
            if (i > 0 && regex.charAt(i - 1) == '\\') {
                continue;
            }
            if (c == ')') {
                depth++;
            } else if (c == '(' && --depth == 0) {
                return i;
            }
        }
        return 0;
    }

    /** Index just past a quantifier ({@code * + ? {n} {n,} {n,m}}) at {@code i}, or {@code i} if none. */
    private static int quantifierEnd(String regex, int i) {
        if (i >= regex.length()) {
            return i;
        }
        char c = regex.charAt(i);
        if (c == '*' || c == '+' || c == '?') {
            return i + 1;
        }
        if (c == '{') {
            int close = regex.indexOf('}', i);
            if (close > i && regex.substring(i + 1, close).matches("\\d+(,\\d*)?")) {
                return close + 1;
            }
        }
        return i;
    }

    /** Whether the quantifier {@code regex[from, to)} can match its atom more than once. */
    private static boolean repeats(String regex, int from, int to) {
        char c = regex.charAt(from);
        if (c == '*' || c == '+') {
            return true;
        }
        if (c == '?') {
            return false;
        }
        String body = regex.substring(from + 1, to - 1);
        int comma = body.indexOf(',');
        String max = comma < 0 ? body : body.substring(comma + 1);
        return max.isEmpty() || max.length() > 9 || Integer.parseInt(max) > 1;
    }
}
