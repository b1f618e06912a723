package io.tsunagu.rules.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JavaScript value semantics that GrowthBook conditions inherit, beyond what the conformance cases cover. */
class JsTest {

    @ParameterizedTest(name = "Number(\"{0}\") = {1}")
    @CsvSource(delimiter = '|', value = {
        "8|8", "' 12 '|12", "''|0", "-3.5|-3.5", "1e3|1000", ".5|0.5", "5.|5", "0x10|16", "0b101|5", "0o17|15",
        "Infinity|Infinity", "-Infinity|-Infinity", "abc|NaN", "1d|NaN", "1f|NaN", "NaN|NaN", "12abc|NaN",
        "+7|7", "1e|NaN", "-|NaN", "99999999999999999999|1.0E20"})
    void parseNumber_followsJavaScriptNumber(String text, String expected) {
        assertEquals(Double.parseDouble(expected), Js.parseNumber(text));
    }

    @ParameterizedTest(name = "String({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "10|10", "10.0|10", "1.5|1.5", "-0.0|0", "1e21|1e+21", "1e-7|1e-7", "0.000001|0.000001", "123456789012|123456789012",
        "1e20|100000000000000000000", "2.5e-8|2.5e-8", "-1.25e22|-1.25e+22"})
    void numberToString_printsLikeJavaScript(double d, String expected) {
        assertEquals(expected, Js.numberToString(d));
    }

    @Test
    void toStr_joinsArraysAndNamesObjects() {
        assertEquals("a,1,,true", Js.toStr(java.util.Arrays.asList("a", 1, null, true)));
        assertEquals("[object Object]", Js.toStr(Map.of("a", 1)));
        assertEquals("null", Js.toStr(null));
    }

    @Test
    void compare_usesStringOrderForStringsAndNumbersOtherwise() {
        assertEquals(Js.LESS, Js.compare("10", "9"));
        assertEquals(Js.GREATER, Js.compare(10, "9"));
        assertEquals(Js.EQUAL, Js.compare(0, null), "null compares as 0");
        assertEquals(Js.UNORDERED, Js.compare("abc", 1));
        assertEquals(Js.EQUAL, Js.compare(true, 1));
        assertEquals(Js.LESS, Js.compare(List.of(1), 2));
        assertEquals(Js.UNORDERED, Js.compare(Map.of(), 1));
    }

    @Test
    void jsonEquals_comparesKeyOrderAndNumbersByValue() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2.0);
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        Map<String, Object> ab2 = new LinkedHashMap<>();
        ab2.put("a", 1L);
        ab2.put("b", 2);
        assertTrue(Js.jsonEquals(ab, ab2));
        assertFalse(Js.jsonEquals(ab, ba), "JSON.stringify keeps key order");
        assertTrue(Js.jsonEquals(List.of(1, "x"), List.of(1.0, "x")));
        assertFalse(Js.jsonEquals(List.of(1), 1));
    }

    @Test
    void strictEquals_neverEqualsObjectsOrNaN() {
        assertFalse(Js.strictEquals(List.of(1), List.of(1)));
        assertFalse(Js.strictEquals(Double.NaN, Double.NaN));
        assertTrue(Js.strictEquals(1, 1.0));
        assertFalse(Js.strictEquals("1", 1));
        assertTrue(Js.sameValueZero(Double.NaN, Double.NaN));
    }

    @Test
    void truthy_matchesJavaScript() {
        assertFalse(Js.truthy(0));
        assertFalse(Js.truthy(""));
        assertFalse(Js.truthy(Double.NaN));
        assertFalse(Js.truthy(null));
        assertTrue(Js.truthy(List.of()));
        assertTrue(Js.truthy(Map.of()));
        assertTrue(Js.truthy("0"));
    }
}
