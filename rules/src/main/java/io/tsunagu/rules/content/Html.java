package io.tsunagu.rules.content;

/** Escaping for text that a page may place into HTML (element content or a quoted attribute). */
public final class Html {

    private Html() {
    }

    /** {@code & < > " '} as character references; other text unchanged (and not copied). */
    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && !special(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean special(char c) {
        return c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
    }
}
