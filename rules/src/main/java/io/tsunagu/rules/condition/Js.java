package io.tsunagu.rules.condition;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JavaScript value semantics that GrowthBook conditions are defined by ({@code ===},
 * {@code <} on mixed types, {@code value + ""}, {@code value * 1}, truthiness, {@code typeof},
 * {@code JSON.stringify} equality), over the plain Java values a document holds: null, String,
 * Number, Boolean, List, Map and {@link Fields}.
 *
 * <p>A missing field is null, as GrowthBook's {@code getPath} returns null for it. Methods used on
 * the evaluation path do not allocate for strings, numbers and booleans.
 */
public final class Js {

    /** Results of {@link #compare}: JavaScript's relational comparison can also be "unordered" (NaN). */
    public static final int LESS = -1;
    public static final int EQUAL = 0;
    public static final int GREATER = 1;
    public static final int UNORDERED = 2;

    private static final String OBJECT_STRING = "[object Object]";

    private Js() {
    }

    /** GrowthBook's {@code getType}: null, array, string, number, boolean, object. */
    public static String typeOf(Object v) {
        // Classes before interfaces: a failed interface instanceof is slow on JDK 17.
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Fields) {
            return "object";
        }
        if (v instanceof List) {
            return "array";
        }
        if (v instanceof Map) {
            return "object";
        }
        return "unknown";
    }

    public static boolean isObject(Object v) {
        return v instanceof Fields || (!isScalar(v) && v instanceof Map);
    }

    /** Null, a string, a number or a boolean: checked by class, without interface lookups. */
    public static boolean isScalar(Object v) {
        return v == null || v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    /** {@code !!v}. */
    public static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }

    /** {@code Number(v)}, i.e. {@code v * 1}. */
    public static double toNumber(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            return parseNumber(s);
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof List<?> l) {
            return parseNumber(toStr(l));
        }
        return Double.NaN;
    }

    /** JavaScript's {@code Number(string)}: trims, "" is 0, decimal / hex / octal / binary, else NaN. */
    public static double parseNumber(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isJsSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isJsSpace(s.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return 0;
        }
        // Fast path without allocation: plain integers of up to 15 digits.
        int i = start;
        boolean negative = false;
        char c0 = s.charAt(i);
        if (c0 == '-' || c0 == '+') {
            negative = c0 == '-';
            i++;
        }
        if (i < end && end - i <= 15) {
            long acc = 0;
            int j = i;
            while (j < end) {
                char c = s.charAt(j);
                if (c < '0' || c > '9') {
                    break;
                }
                acc = acc * 10 + (c - '0');
                j++;
            }
            if (j == end) {
                return negative ? -(double) acc : acc;
            }
        }
        String t = s.substring(start, end);
        if (t.length() > 2 && t.charAt(0) == '0') {
            char p = Character.toLowerCase(t.charAt(1));
            int radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
            if (radix != 0) {
                try {
                    return new java.math.BigInteger(t.substring(2), radix).doubleValue();
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        switch (t) {
            case "Infinity", "+Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (!isDecimalLiteral(t)) {
            return Double.NaN;
        }
        return Double.parseDouble(t);
    }

    private static boolean isDecimalLiteral(String t) {
        int i = 0;
        int n = t.length();
        if (t.charAt(0) == '+' || t.charAt(0) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isJsSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f'
                || c == '\u00A0' || c == '\uFEFF' || c == '\u2028' || c == '\u2029'
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    /** {@code String(v)}, i.e. {@code v + ""}. */
    public static String toStr(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Number n) {
            return numberToString(n.doubleValue());
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object e = l.get(i);
                if (e != null) {
                    sb.append(toStr(e));
                }
            }
            return sb.toString();
        }
        return OBJECT_STRING;
    }

    /** JavaScript's Number.prototype.toString(): "10" not "10.0", "1e+21", "1e-7". */
    public static String numberToString(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        if (abs < 1e21 && d == Math.rint(d) && abs < 9.007199254740992E15) {
            return Long.toString((long) d);
        }
        BigDecimal exact = shortest(d);
        if (abs >= 1e-6 && abs < 1e21) {
            return exact.toPlainString();
        }
        // Scientific: digits "d.ddd" then "e+N" / "e-N".
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent >= 0 ? "+" : "-").append(Math.abs(exponent));
        return sb.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code d}, as JavaScript prints
     * it (Java 17's Double.toString is not always the shortest: 1.25e22 prints as 1.2499999999999999E22).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal rounded = exact.round(new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == d) {
                return rounded.stripTrailingZeros();
            }
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros();
    }

    /** {@code a === b}: same type and value; objects and arrays only equal themselves. */
    public static boolean strictEquals(Object a, Object b) {
        if (a == b) {
            return !(a instanceof Number n) || !Double.isNaN(n.doubleValue());
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof String sa) {
            return b instanceof String sb && sa.equals(sb);
        }
        if (a instanceof Number na) {
            return b instanceof Number nb && na.doubleValue() == nb.doubleValue();
        }
        if (a instanceof Boolean ba) {
            return b instanceof Boolean bb && ba.booleanValue() == bb.booleanValue();
        }
        return false;
    }

    /** {@code Array.prototype.includes} equality: like === but NaN equals NaN. */
    public static boolean sameValueZero(Object a, Object b) {
        if (a instanceof Number na && b instanceof Number nb) {
            double x = na.doubleValue();
            double y = nb.doubleValue();
            return x == y || (Double.isNaN(x) && Double.isNaN(y));
        }
        return strictEquals(a, b);
    }

    /**
     * JavaScript's abstract relational comparison of {@code a} with {@code b}: two strings compare
     * by UTF-16 code units, anything else as numbers (null is 0, "8" is 8, "abc" is NaN).
     *
     * @return {@link #LESS}, {@link #EQUAL}, {@link #GREATER} or {@link #UNORDERED}
     */
    public static int compare(Object a, Object b) {
        if (a instanceof String sa && b instanceof String sb) {
            int c = sa.compareTo(sb);
            return c < 0 ? LESS : c > 0 ? GREATER : EQUAL;
        }
        if (a instanceof Number na && b instanceof Number nb) {
            return compareNumbers(na.doubleValue(), nb.doubleValue());
        }
        Object pa = toPrimitive(a);
        Object pb = toPrimitive(b);
        if (pa instanceof String sa && pb instanceof String sb) {
            int c = sa.compareTo(sb);
            return c < 0 ? LESS : c > 0 ? GREATER : EQUAL;
        }
        return compareNumbers(toNumber(pa), toNumber(pb));
    }

    public static int compareNumbers(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return UNORDERED;
        }
        return x < y ? LESS : x > y ? GREATER : EQUAL;
    }

    private static Object toPrimitive(Object v) {
        return isScalar(v) ? v : toStr(v);
    }

    /** {@code JSON.stringify(a) === JSON.stringify(b)}, without building the strings. */
    public static boolean jsonEquals(Object a, Object b) {
        if (a instanceof Fields f) {
            a = f.asMap();
        }
        if (b instanceof Fields f) {
            b = f.asMap();
        }
        if (a == null || b == null) {
            return isJsonNull(a) && isJsonNull(b);
        }
        if (a instanceof Number na && b instanceof Number nb) {
            double x = na.doubleValue();
            double y = nb.doubleValue();
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return !Double.isFinite(x) && !Double.isFinite(y);
            }
            return x == y;
        }
        if (a instanceof List<?> la) {
            if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!jsonEquals(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma) {
            if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
                return false;
            }
            var ia = ma.entrySet().iterator();
            var ib = mb.entrySet().iterator();
            while (ia.hasNext()) {
                var ea = ia.next();
                var eb = ib.next();
                if (!ea.getKey().equals(eb.getKey()) || !jsonEquals(ea.getValue(), eb.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return strictEquals(a, b);
    }

    private static boolean isJsonNull(Object v) {
        return v == null || (v instanceof Number n && !Double.isFinite(n.doubleValue()));
    }

    /** {@code v.toLowerCase()} for strings, anything else unchanged (GrowthBook's caseFold). */
    public static Object caseFold(Object v) {
        if (v instanceof String s) {
            return lower(s);
        }
        return v;
    }

    /** Lower-cases without allocating when the string is already lower case. */
    public static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.toLowerCase(c) != c) {
                return s.toLowerCase(Locale.ROOT);
            }
        }
        return s;
    }
}
