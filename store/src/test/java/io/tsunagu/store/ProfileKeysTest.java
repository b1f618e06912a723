package io.tsunagu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProfileKeysTest {

    @Test
    void isValidId_agreesWithTheIdPattern() {
        // The check is written out by hand for speed; the pattern is the definition.
        Random r = new Random(3);
        String alphabet = "aZ09._:@+=-{} \\t/é渋\u0000#,";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(20) == 0 ? 120 + r.nextInt(20) : r.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.append(r.nextInt(4) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('a' + r.nextInt(26)));
            }
            String id = sb.toString();
            assertEquals(ProfileKeys.ID.matcher(id).matches(), ProfileKeys.isValidId(id), id);
        }
        assertEquals(false, ProfileKeys.isValidId(null));
        assertEquals(true, ProfileKeys.isValidId("M-100001"));
        assertEquals(false, ProfileKeys.isValidId("{M-1}"));
    }
}
