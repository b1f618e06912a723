package io.tsunagu.rules.condition;

/**
 * Version strings made comparable as plain strings, the way GrowthBook's {@code $veq}/{@code $vgt}
 * family compares them: drop a leading "v" and any "+build", split on "." and "-", add "~" after a
 * bare major.minor.patch (so a release sorts after its pre-releases) and left-pad numeric parts to
 * five characters with spaces (so "9" sorts before "10").
 */
public final class Versions {

    private Versions() {
    }

    public static String padded(Object input) {
        String s;
        if (input instanceof Number n) {
            s = Js.numberToString(n.doubleValue());
        } else if (input instanceof String str && !str.isEmpty()) {
            s = str;
        } else {
            s = "0";
        }
        if (s.startsWith("v")) {
            s = s.substring(1);
        }
        int plus = s.indexOf('+');
        if (plus >= 0) {
            s = s.substring(0, plus);
        }
        String[] parts = s.split("[-.]", -1);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('-');
            }
            appendPadded(out, parts[i]);
        }
        if (parts.length == 3) {
            out.append("-~");
        }
        return out.toString();
    }

    private static void appendPadded(StringBuilder out, String part) {
        boolean numeric = !part.isEmpty();
        for (int i = 0; i < part.length() && numeric; i++) {
            char c = part.charAt(i);
            numeric = c >= '0' && c <= '9';
        }
        if (numeric) {
            for (int i = part.length(); i < 5; i++) {
                out.append(' ');
            }
        }
        out.append(part);
    }
}
