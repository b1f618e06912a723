package io.tsunagu.loader.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static List<String[]> read(String text, char delimiter) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (CsvReader r = new CsvReader(new StringReader(text), delimiter, '"')) {
            while (r.next()) {
                out.add(r.record());
            }
        }
        return out;
    }

    @Test
    void plainFields_crlfAndLf_andAMissingLastNewline() throws IOException {
        List<String[]> rows = read("a,b,c\r\n1,2,3\n4,,6", ',');
        assertEquals(3, rows.size());
        assertArrayEquals(new String[] {"1", "2", "3"}, rows.get(1));
        assertArrayEquals(new String[] {"4", "", "6"}, rows.get(2));
    }

    @Test
    void quotedFields_holdDelimitersQuotesAndLineBreaks() throws IOException {
        List<String[]> rows = read("id,note\n1,\"say \"\"hi\"\", then, go\"\n2,\"two\nlines\"\n3,x\n", ',');
        assertArrayEquals(new String[] {"1", "say \"hi\", then, go"}, rows.get(1));
        assertArrayEquals(new String[] {"2", "two\nlines"}, rows.get(2));
        assertArrayEquals(new String[] {"3", "x"}, rows.get(3));
    }

    @Test
    void line_isWhereTheRecordStarts_countingQuotedLineBreaks() throws IOException {
        try (CsvReader r = new CsvReader(new StringReader("h\n\"a\nb\nc\"\n\nz\n"), ',', '"')) {
            assertTrue(r.next());
            assertEquals(1, r.line());
            assertTrue(r.next());
            assertEquals(2, r.line());
            assertTrue(r.next());
            assertEquals(6, r.line(), "after a three-line record and a blank line");
            assertEquals("z", r.get(0));
            assertFalse(r.next());
        }
    }

    @Test
    void tabDelimited_andTrailingEmptyField() throws IOException {
        List<String[]> rows = read("a\tb\t\n", '\t');
        assertArrayEquals(new String[] {"a", "b", ""}, rows.get(0));
    }

    @Test
    void anUnclosedQuote_isReportedWithItsLine() {
        CsvReader.MalformedException e = assertThrows(CsvReader.MalformedException.class,
                () -> read("a,b\n1,\"never closed\n2,3\n", ','));
        assertEquals(2, e.line());
    }

    @Test
    void textAfterAClosingQuote_isReported() {
        CsvReader.MalformedException e = assertThrows(CsvReader.MalformedException.class, () -> read("a\n\"x\"y\n", ','));
        assertEquals(2, e.line());
    }

    @Test
    void longInput_crossesBufferBoundaries() throws IOException {
        StringBuilder sb = new StringBuilder("id,v\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(",\"value ").append(i).append(", quoted\"\n");
        }
        List<String[]> rows = read(sb.toString(), ',');
        assertEquals(20_001, rows.size());
        assertArrayEquals(new String[] {"19999", "value 19999, quoted"}, rows.get(20_000));
    }

    @Test
    void aRecordOfTooManyFields_isMalformed_beforeItFillsTheMemory() {
        // Regression: a line of millions of delimiters grew the record's array until the heap ran out.
        String line = "a" + ",".repeat(CsvReader.MAX_FIELDS + 1);
        CsvReader.MalformedException e = assertThrows(CsvReader.MalformedException.class, () -> read("h\n" + line + "\n", ','));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("more than " + CsvReader.MAX_FIELDS + " fields"), e.getMessage());
        assertEquals(CsvReader.MAX_FIELDS, assertDoesNotThrowRows("h\n" + ",".repeat(CsvReader.MAX_FIELDS - 1) + "\n"));
    }

    @Test
    void aRecordOfTooManyCharacters_isMalformed() {
        String field = "x".repeat(1 << 19);
        String line = String.join(",", java.util.Collections.nCopies(CsvReader.MAX_RECORD / field.length() + 1, field));
        CsvReader.MalformedException e = assertThrows(CsvReader.MalformedException.class, () -> read("h\n" + line + "\n", ','));
        assertEquals(2, e.line());
    }

    private static int assertDoesNotThrowRows(String text) {
        try {
            return read(text, ',').get(1).length;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
